-- A top-up started on the public pay form names only a phone: its customer is found or
-- created when the payment is credited, so an unpaid form leaves no customer behind.
-- SQLite cannot drop NOT NULL in place: the table is rebuilt (nothing references topups).
CREATE TABLE topups_new (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    customer_id TEXT REFERENCES customers(id) ON DELETE CASCADE,
    phone TEXT,
    provider TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    credit_amount BIGINT NOT NULL,
    credit_currency TEXT NOT NULL,
    status TEXT NOT NULL,
    provider_ref TEXT,
    checkout_url TEXT,
    payment_id TEXT,
    created_at BIGINT NOT NULL,
    paid_at BIGINT,
    updated_at BIGINT NOT NULL
);
INSERT INTO topups_new SELECT id, business_id, customer_id, phone, provider, amount, currency,
    credit_amount, credit_currency, status, provider_ref, checkout_url, payment_id, created_at,
    paid_at, updated_at FROM topups;
DROP TABLE topups;
ALTER TABLE topups_new RENAME TO topups;
CREATE INDEX topups_business ON topups (business_id, id);
CREATE INDEX topups_provider_ref ON topups (provider, provider_ref);
