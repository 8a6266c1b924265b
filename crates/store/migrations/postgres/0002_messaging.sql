-- Messaging: channels, customers and their identities, conversations, messages.
CREATE TABLE channels (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    credentials TEXT NOT NULL,
    api_base TEXT,
    settings TEXT NOT NULL DEFAULT '{}',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    last_inbound_at BIGINT,
    last_error TEXT,
    last_error_at BIGINT,
    bridge_state TEXT,
    bridge_qr TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX channels_business ON channels (business_id);

CREATE TABLE customers (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    name TEXT NOT NULL DEFAULT '',
    language TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX customers_business ON customers (business_id, id);

CREATE TABLE customer_identities (
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (business_id, kind, value)
);
CREATE INDEX customer_identities_customer ON customer_identities (customer_id);

CREATE TABLE conversations (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'open',
    assignee_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    bot_paused BOOLEAN NOT NULL DEFAULT FALSE,
    state TEXT NOT NULL DEFAULT '{}',
    last_inbound_at BIGINT,
    last_message_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX conversations_business ON conversations (business_id, status, id);
CREATE INDEX conversations_customer ON conversations (customer_id, channel_id, status);

CREATE TABLE messages (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    direction TEXT NOT NULL,
    author TEXT NOT NULL,
    provider_message_id TEXT,
    body TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL,
    error_code TEXT,
    error_message TEXT,
    idempotency_key TEXT,
    queued_at BIGINT,
    sent_at BIGINT,
    delivered_at BIGINT,
    read_at BIGINT,
    failed_at BIGINT,
    processed_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (channel_id, provider_message_id),
    UNIQUE (business_id, idempotency_key)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
