-- Webhooks and alerts. A change that causes an event inserts its outbox rows
-- (`webhook_deliveries`, `alert_deliveries`) in its own transaction, so a rolled back change
-- leaves none and a committed one always has them.

-- `events` is the subscribed names between commas (`,response.created,response.tagged,`), so
-- that one `instr` finds a subscription without a table of its own.
CREATE TABLE webhooks (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    url          TEXT    NOT NULL,
    events       TEXT    NOT NULL,
    format       TEXT    NOT NULL CHECK (format IN ('standard', 'slack')),
    min_score    INTEGER CHECK (min_score BETWEEN 0 AND 10),
    max_score    INTEGER CHECK (max_score BETWEEN 0 AND 10),
    secret       TEXT    NOT NULL,
    -- Why it receives nothing more (410 Gone); NULL while active.
    disabled     TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX webhooks_of_workspace ON webhooks (workspace_id) WHERE disabled IS NULL;

-- One message to one webhook. `response_id` has no foreign key: a `response.deleted` message
-- outlives its response. `body` is fixed at the first attempt, so every retry sends the same
-- bytes under the same `webhook-id` (`msg_` || id).
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event           TEXT    NOT NULL,
    response_id     INTEGER,
    email           TEXT,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    body            TEXT,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_of_webhook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_of_response ON webhook_deliveries (response_id);

-- The delivery log: every attempt, with the receiver's status, the time it took and the error.
CREATE TABLE webhook_attempts (
    id           INTEGER PRIMARY KEY,
    delivery_id  INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    status_code  INTEGER,
    latency_ms   INTEGER NOT NULL,
    error        TEXT
);
CREATE INDEX webhook_attempts_of_delivery ON webhook_attempts (delivery_id, id);

-- `emails` is the addresses between commas; `tag` is compared ignoring case.
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    max_score       INTEGER CHECK (max_score BETWEEN 0 AND 10),
    tag             TEXT,
    where_attribute TEXT,
    where_value     TEXT,
    emails          TEXT    NOT NULL,
    slack_url       TEXT,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX alerts_name ON alerts (workspace_id, lower(name));

-- One alert about one response, at most once.
CREATE TABLE alert_deliveries (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL,
    alert_id        INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    response_id     INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (alert_id, response_id)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'pending';
