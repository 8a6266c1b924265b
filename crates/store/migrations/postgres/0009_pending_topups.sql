-- A top-up started on the public pay form names only a phone: its customer is found or
-- created when the payment is credited, so an unpaid form leaves no customer behind.
ALTER TABLE topups ALTER COLUMN customer_id DROP NOT NULL;
