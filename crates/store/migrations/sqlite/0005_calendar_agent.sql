-- The built-in calendar (services, staff, time off, appointments, slot holds) and the agent's
-- per-business configuration and turn records.
CREATE TABLE services (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    names TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    duration_min BIGINT NOT NULL,
    price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    buffer_before_min BIGINT NOT NULL DEFAULT 0,
    buffer_after_min BIGINT NOT NULL DEFAULT 0,
    lead_time_min BIGINT NOT NULL DEFAULT 0,
    step_min BIGINT NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX services_business ON services (business_id, id);

CREATE TABLE staff (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    hours TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX staff_business ON staff (business_id, id);

CREATE TABLE staff_services (
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    PRIMARY KEY (staff_id, service_id)
);
CREATE INDEX staff_services_service ON staff_services (service_id);

CREATE TABLE staff_time_off (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX staff_time_off_staff ON staff_time_off (staff_id, start_at);

CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services(id),
    staff_id TEXT NOT NULL REFERENCES staff(id),
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'booked',
    source TEXT NOT NULL,
    channel_id TEXT,
    conversation_id TEXT,
    notes TEXT NOT NULL DEFAULT '',
    price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    idempotency_key TEXT,
    cancelled_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (business_id, idempotency_key)
);
CREATE INDEX appointments_business ON appointments (business_id, start_at);
CREATE INDEX appointments_staff ON appointments (staff_id, start_at);
CREATE INDEX appointments_customer ON appointments (customer_id, start_at);

CREATE TABLE slot_holds (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services(id) ON DELETE CASCADE,
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    conversation_id TEXT,
    customer_id TEXT,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX slot_holds_staff ON slot_holds (staff_id, start_at);
CREATE INDEX slot_holds_conversation ON slot_holds (conversation_id);

-- One row per 5-minute cell of a staff member's time taken by a booked appointment or a live
-- hold. The primary key is what makes double booking impossible, whatever the code above it.
CREATE TABLE calendar_cells (
    staff_id TEXT NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    cell BIGINT NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    appointment_id TEXT,
    hold_id TEXT,
    expires_at BIGINT,
    PRIMARY KEY (staff_id, cell)
);
CREATE INDEX calendar_cells_appointment ON calendar_cells (appointment_id);
CREATE INDEX calendar_cells_hold ON calendar_cells (hold_id);

CREATE TABLE agent_configs (
    business_id TEXT PRIMARY KEY NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    config TEXT NOT NULL DEFAULT '{}',
    llm_api_key TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE agent_turns (
    id TEXT PRIMARY KEY NOT NULL,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    engine TEXT NOT NULL,
    model TEXT,
    prompt_tokens BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    total_tokens BIGINT NOT NULL DEFAULT 0,
    llm_calls BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    latency_ms BIGINT NOT NULL DEFAULT 0,
    reply TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (message_id)
);
CREATE INDEX agent_turns_conversation ON agent_turns (conversation_id, id);
CREATE INDEX agent_turns_business ON agent_turns (business_id, created_at);

CREATE TABLE agent_tool_calls (
    id TEXT PRIMARY KEY NOT NULL,
    turn_id TEXT NOT NULL REFERENCES agent_turns(id) ON DELETE CASCADE,
    business_id TEXT NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    name TEXT NOT NULL,
    arguments TEXT NOT NULL,
    result TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX agent_tool_calls_turn ON agent_tool_calls (turn_id, seq);
CREATE INDEX agent_tool_calls_conversation ON agent_tool_calls (conversation_id, created_at);
