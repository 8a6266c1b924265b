-- Holds: funds reserved on an account (a call about to start) until settled, released or
-- expired. `held` on the account is the sum of its open holds.
CREATE TABLE ledger_holds (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES ledger_accounts(id),
    idempotency_key TEXT NOT NULL,
    amount BIGINT NOT NULL,
    status TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    closed_at BIGINT,
    UNIQUE (business_id, idempotency_key)
);
CREATE INDEX ledger_holds_open ON ledger_holds (status, expires_at);
