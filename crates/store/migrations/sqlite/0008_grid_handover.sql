-- The calendar's start-time grid per business: services without their own step offer every
-- free start on it (a 45-minute service can start at 11:00, not only at 9:00, 9:45, 10:30).
ALTER TABLE businesses ADD COLUMN slot_step_min BIGINT NOT NULL DEFAULT 15;

-- An open handover: when the agent passed the conversation to a person, and why. Cleared
-- when the bot is resumed.
ALTER TABLE conversations ADD COLUMN handover_at BIGINT;
ALTER TABLE conversations ADD COLUMN handover_reason TEXT;
CREATE INDEX conversations_open_handovers ON conversations (business_id, handover_at) WHERE handover_at IS NOT NULL;
