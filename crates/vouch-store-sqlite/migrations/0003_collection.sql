-- Answer collection: public survey links, invitations (email, link, widget), campaigns, email
-- suppressions, widget keys, and the job queue that sends emails and runs campaigns. The
-- PostgreSQL backend has the same tables, columns and rules; only the spelling of types
-- differs.
--
-- Times are INTEGER milliseconds since 1970-01-01 UTC, as everywhere else.
--
-- Never edit this file once released: add a new numbered file instead.

-- The public link of a survey is /l/{slug}: slugs are unique across the server, since a link
-- names no workspace. Surveys made before this migration get 'survey-' and ten random hex
-- digits, which nobody can guess from the survey's name. SQLite cannot add a NOT NULL column
-- without a default, so the column is nullable and the triggers below refuse a survey without
-- one; the store always writes one.
ALTER TABLE surveys ADD COLUMN slug TEXT;
UPDATE surveys SET slug = 'survey-' || lower(hex(randomblob(5)));
CREATE UNIQUE INDEX surveys_slug ON surveys (slug);

CREATE TRIGGER surveys_slug_on_insert BEFORE INSERT ON surveys
    WHEN NEW.slug IS NULL OR NEW.slug = ''
    BEGIN SELECT RAISE(ABORT, 'a survey needs a slug'); END;
CREATE TRIGGER surveys_slug_on_update BEFORE UPDATE OF slug ON surveys
    WHEN NEW.slug IS NULL OR NEW.slug = ''
    BEGIN SELECT RAISE(ABORT, 'a survey needs a slug'); END;

-- How a survey looks and speaks to respondents (brand, colours, follow-ups per category,
-- translations, throttle): one JSON document of vouch_store::SurveySettings, so that new
-- presentation settings need no migration. '{}' reads as the defaults.
ALTER TABLE surveys ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

-- Secrets of the server itself, shared by every server on the database: 'link' signs the
-- links in emails (32 random bytes, made by the first server that needs it).
CREATE TABLE server_secrets (
    name       TEXT    PRIMARY KEY,
    value      BLOB    NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- A survey sent by email to the contacts that match its filters, once or every
-- `repeat_every_days`. `filters` is a JSON array of [attribute, canonical value] pairs.
-- `next_run_at` is when its next `run_campaign` job is due; NULL when it will not send again.
CREATE TABLE campaigns (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id         INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    survey_id            INTEGER NOT NULL REFERENCES surveys (id),
    name                 TEXT    NOT NULL,
    filters              TEXT    NOT NULL DEFAULT '[]',
    sample               REAL    NOT NULL,
    throttle_days        INTEGER NOT NULL,
    reminder_after_days  INTEGER,
    repeat_every_days    INTEGER,
    spread_over_weekdays INTEGER NOT NULL DEFAULT 0 CHECK (spread_over_weekdays IN (0, 1)),
    created_at           INTEGER NOT NULL,
    next_run_at          INTEGER,
    last_run_at          INTEGER
);

-- A workspace's campaigns, newest first.
CREATE INDEX campaigns_workspace_id ON campaigns (workspace_id, id);

-- One person asked one survey once, by email, the public link or the widget. Links in emails
-- and widget answers point at it, so answering again replaces its answer (`response_id`)
-- instead of counting twice. `response_id` has no foreign key on purpose: a replaced answer's
-- response is erased and a new one takes its place. Erasing a contact (GDPR) takes its
-- invitations with it. The send columns: `sent_at` once the SMTP server accepted the email,
-- `bounced_at` once it refused the address for good, `suppressed_at` when the address was
-- suppressed and nothing was sent, `last_error` the last failure (kept while retried).
CREATE TABLE invitations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    survey_id     INTEGER NOT NULL REFERENCES surveys (id),
    contact_id    INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    campaign_id   INTEGER REFERENCES campaigns (id),
    channel       TEXT    NOT NULL CHECK (channel IN ('email', 'link', 'widget')),
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    sent_at       INTEGER,
    bounced_at    INTEGER,
    suppressed_at INTEGER,
    last_error    TEXT,
    opened_at     INTEGER,
    reminded_at   INTEGER,
    response_id   INTEGER,
    answered_at   INTEGER
);

-- The throttle: was this contact asked anything since a time? (Also erasing a contact, and
-- the ON DELETE CASCADE above, without a full scan.)
CREATE INDEX invitations_contact_created_at ON invitations (contact_id, created_at);
-- A campaign's numbers and its reminders.
CREATE INDEX invitations_campaign_id ON invitations (campaign_id) WHERE campaign_id IS NOT NULL;

-- Addresses that receive nothing more: unsubscribed, or refused for good by the SMTP server.
-- Kept by address, not by contact, so that an unsubscribe outlives the contact's erasure and
-- holds when the same person is added again. `email` is stored trimmed and lower-cased
-- (ASCII, as SQLite's lower() does) and compared with lower(contacts.email).
CREATE TABLE email_suppressions (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email        TEXT    NOT NULL,
    reason       TEXT    NOT NULL CHECK (reason IN ('unsubscribed', 'bounced')),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, email)
) WITHOUT ROWID;

-- The public key an in-app widget is embedded with (`pk_…`), looked up by the key alone on
-- every widget request, so it is unique across the server. `origins` is a JSON array of the
-- origins whose pages may use it. A revoked key stays, to say why it stopped working.
CREATE TABLE widget_keys (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id         INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    survey_id            INTEGER NOT NULL REFERENCES surveys (id),
    key                  TEXT    NOT NULL UNIQUE,
    origins              TEXT    NOT NULL DEFAULT '[]',
    sample               REAL    NOT NULL,
    min_account_age_days INTEGER NOT NULL,
    created_at           INTEGER NOT NULL,
    revoked_at           INTEGER
);

-- A workspace's widget keys, oldest first.
CREATE INDEX widget_keys_workspace_id ON widget_keys (workspace_id, id);

-- The job queue (emails to send, campaigns to run), in the database so that nothing queued
-- is lost when a server stops, and so that an invitation and its email job are written in one
-- transaction. A worker claims due jobs: `running` with a lease until `locked_until`; a job
-- whose lease ran out (its worker died) is claimable again. `attempts` counts claims.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       INTEGER NOT NULL,
    locked_until INTEGER,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

-- Claiming: due queued jobs in run_at order, and running jobs (few) whose lease ran out.
CREATE INDEX jobs_status_run_at ON jobs (status, run_at);
-- A workspace's jobs, newest first, without reading every other workspace's finished jobs.
CREATE INDEX jobs_workspace_id ON jobs (workspace_id, id);
