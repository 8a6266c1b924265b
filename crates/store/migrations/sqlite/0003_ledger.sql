-- The double-entry ledger: accounts with maintained balances, transfers (idempotent by a key
-- derived from the business fact, refusals recorded too), and append-only postings.
CREATE TABLE ledger_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    owner_id TEXT NOT NULL DEFAULT '',
    currency TEXT NOT NULL,
    balance BIGINT NOT NULL DEFAULT 0,
    held BIGINT NOT NULL DEFAULT 0,
    allow_negative BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    UNIQUE (business_id, kind, owner_id, currency),
    CHECK (allow_negative OR balance - held >= 0)
);

CREATE TABLE ledger_transfers (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    debit_account TEXT NOT NULL REFERENCES ledger_accounts(id),
    credit_account TEXT NOT NULL REFERENCES ledger_accounts(id),
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (business_id, idempotency_key)
);

CREATE TABLE ledger_postings (
    id TEXT PRIMARY KEY NOT NULL,
    transfer_id TEXT NOT NULL REFERENCES ledger_transfers(id),
    account_id TEXT NOT NULL REFERENCES ledger_accounts(id),
    amount BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ledger_postings_account ON ledger_postings (account_id, id);
