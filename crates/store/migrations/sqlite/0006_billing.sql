-- Prepaid billing around the ledger: tariffs per business, operators with their rates,
-- free-minute packages, billable calls, top-ups, payment-provider credentials, and the
-- payment-link cooldown per customer.
CREATE TABLE billing_tariffs (
    business_id TEXT PRIMARY KEY NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    config TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE operators (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    phone TEXT,
    rate_per_minute BIGINT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX operators_business ON operators (business_id, id);

CREATE TABLE free_minute_packages (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    operator_id TEXT REFERENCES operators(id) ON DELETE CASCADE,
    seconds_granted BIGINT NOT NULL,
    seconds_remaining BIGINT NOT NULL,
    seconds_reserved BIGINT NOT NULL DEFAULT 0,
    granted_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    CHECK (seconds_remaining >= seconds_reserved AND seconds_reserved >= 0)
);
CREATE INDEX free_minute_packages_customer ON free_minute_packages (business_id, customer_id, granted_at);

CREATE TABLE billing_calls (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    operator_id TEXT NOT NULL REFERENCES operators(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    tariff TEXT NOT NULL,
    reserved_packages TEXT NOT NULL DEFAULT '[]',
    allowed_secs BIGINT NOT NULL,
    reserved_amount BIGINT NOT NULL,
    hold_id TEXT,
    started_at BIGINT NOT NULL,
    answered_at BIGINT,
    ended_at BIGINT,
    expires_at BIGINT NOT NULL,
    duration_secs BIGINT,
    charge TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX billing_calls_business ON billing_calls (business_id, id);
CREATE INDEX billing_calls_open ON billing_calls (status, expires_at);

CREATE TABLE payment_providers (
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    credentials TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (business_id, provider)
);

CREATE TABLE topups (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
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
CREATE INDEX topups_business ON topups (business_id, id);
CREATE INDEX topups_provider_ref ON topups (provider, provider_ref);

CREATE TABLE payment_link_notices (
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (business_id, customer_id)
);

CREATE INDEX ledger_transfers_business_time ON ledger_transfers (business_id, created_at);
