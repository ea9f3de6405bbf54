-- Answer collection: public survey links, invitations, campaigns, email suppressions, widget
-- keys, and the job queue that sends emails and runs campaigns. The SQLite backend has the same
-- tables, columns and rules.
--
-- Never edit this file once released: add a new numbered file instead.

-- A survey's public link is `/l/{slug}`. Links carry no workspace, so a slug is unique across the
-- whole server. Surveys made before this migration get `survey-` and ten random hex digits,
-- which no generated slug can collide with by accident (those end in six hex digits after the
-- name). `settings` is the survey's presentation (brand, colours, translations, throttle) as one
-- JSON document written and read whole by Rust, so that a new setting needs no migration; `{}`
-- reads as every default.
ALTER TABLE surveys
    ADD COLUMN slug     TEXT,
    ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
UPDATE surveys SET slug = 'survey-' || substr(md5(random()::text || id::text), 1, 10);
ALTER TABLE surveys ALTER COLUMN slug SET NOT NULL;
-- Finding a survey by its link, and keeping slugs unique.
CREATE UNIQUE INDEX surveys_slug ON surveys (slug);

-- Secrets the servers sharing this database must agree on, such as `link`, the key that signs
-- survey links. Made by whichever server needs one first (INSERT … ON CONFLICT DO NOTHING, then
-- read back), so that concurrent servers end up with the same value.
CREATE TABLE server_secrets (
    name       TEXT   PRIMARY KEY,
    value      BYTEA  NOT NULL,
    created_at BIGINT NOT NULL
);

-- A campaign sends a survey by email to the contacts matching `filters` (a JSON array of
-- [attribute, canonical value] pairs), once or every `repeat_every_days`. `next_run_at` is when
-- its next `run_campaign` job is due (NULL: it will not run again), kept here so that listings
-- need not read the job queue.
CREATE TABLE campaigns (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id         BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    survey_id            BIGINT  NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    name                 TEXT    NOT NULL,
    filters              TEXT    NOT NULL DEFAULT '[]',
    sample               DOUBLE PRECISION NOT NULL,
    throttle_days        INTEGER NOT NULL,
    reminder_after_days  INTEGER,
    repeat_every_days    INTEGER,
    spread_over_weekdays BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           BIGINT  NOT NULL,
    next_run_at          BIGINT,
    last_run_at          BIGINT
);

-- Campaigns are listed per workspace, newest first.
CREATE INDEX campaigns_workspace ON campaigns (workspace_id, id);

-- One person asked one survey once, by email, link or widget. Links and widget answers point at
-- an invitation, so that answering again replaces the answer instead of counting twice.
-- - Erasing a contact takes its invitations with it (ON DELETE CASCADE): they name the person.
-- - `response_id` has no foreign key: responses have none of their own (see 0001), and a
--   response replaced by a new answer is deleted while the invitation points at the new one.
-- - The send columns tell the campaign numbers apart: pending is none of sent, bounced and
--   suppressed; failing is pending with a `last_error`.
CREATE TABLE invitations (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id  BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    survey_id     BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    contact_id    BIGINT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    campaign_id   BIGINT REFERENCES campaigns (id) ON DELETE SET NULL,
    channel       TEXT   NOT NULL CHECK (channel IN ('email', 'link', 'widget')),
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    sent_at       BIGINT,
    bounced_at    BIGINT,
    suppressed_at BIGINT,
    last_error    TEXT,
    opened_at     BIGINT,
    reminded_at   BIGINT,
    response_id   BIGINT,
    answered_at   BIGINT
);

-- The throttle: "was this contact invited since …" is a range of this index, and it also serves
-- the foreign key when a contact is erased.
CREATE INDEX invitations_contact_created ON invitations (contact_id, created_at);
-- A campaign's numbers, reminders, and "already invited in this cycle".
CREATE INDEX invitations_campaign ON invitations (campaign_id, created_at)
    WHERE campaign_id IS NOT NULL;

-- Addresses that receive nothing more: unsubscribed or bounced. Kept by address (trimmed and
-- lower-cased), not by contact, so that an unsubscribe outlives the contact's erasure and holds
-- when the person is added again. The primary key is also the lookup.
CREATE TABLE email_suppressions (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email        TEXT COLLATE "C" NOT NULL,
    reason       TEXT   NOT NULL CHECK (reason IN ('unsubscribed', 'bounced')),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, email)
);

-- The public key an in-app widget is embedded with (not a secret: it sits in the host page).
-- Unique across the server, since the widget's requests name only the key. `origins` is a JSON
-- array of the origins whose pages may use it. Revoked keys stay, for the record.
CREATE TABLE widget_keys (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id         BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    survey_id            BIGINT  NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    key                  TEXT COLLATE "C" NOT NULL UNIQUE,
    origins              TEXT    NOT NULL DEFAULT '[]',
    sample               DOUBLE PRECISION NOT NULL,
    min_account_age_days INTEGER NOT NULL,
    created_at           BIGINT  NOT NULL,
    revoked_at           BIGINT
);

-- Listing a workspace's widget keys.
CREATE INDEX widget_keys_workspace ON widget_keys (workspace_id, id);

-- The job queue, shared by every server on the database. A worker claims due jobs with
-- `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)`: each claim makes the job `running`
-- with a lease (`locked_until`) and one more attempt, and a job whose worker died is claimable
-- again once its lease has run out. `payload` is a JSON document, read only by the worker.
CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       BIGINT  NOT NULL,
    locked_until BIGINT,
    last_error   TEXT,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);

-- Claiming: due queued jobs are a range of (status = 'queued', run_at ≤ now), in claim order;
-- running jobs (few at any time) are a range too, checked for an expired lease. Done and failed
-- jobs, the bulk of the table over time, are in neither range.
CREATE INDEX jobs_status_run_at ON jobs (status, run_at);
