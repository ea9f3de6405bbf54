-- The first schema of Vouch on PostgreSQL. The SQLite backend has the same tables, columns and
-- rules; only the spelling of types differs, plus `responses.horizon` (see below), which only a
-- database with concurrent writers needs.
--
-- Times are BIGINT milliseconds since 1970-01-01 UTC. Both backends store the same numbers, and
-- bucketing into days, weeks and months happens in Rust in the workspace's time zone, never in
-- SQL, so the two backends cannot disagree about a period.
--
-- Never edit this file once released: add a new numbered file instead.

-- One company or brand. Everything else hangs off a workspace and is only seen through it.
CREATE TABLE workspaces (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       TEXT   NOT NULL UNIQUE,
    -- An IANA name such as Europe/Paris; reports bucket periods in it.
    time_zone  TEXT   NOT NULL DEFAULT 'UTC',
    created_at BIGINT NOT NULL
);

-- The kind an attribute was given the first time the workspace saw it. Values of the attribute
-- are compared as this kind from then on (seats=3 matches the number 3).
CREATE TABLE attribute_definitions (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    kind         TEXT   NOT NULL CHECK (kind IN ('string', 'number', 'boolean', 'date')),
    PRIMARY KEY (workspace_id, name)
);

CREATE TABLE surveys (
    id           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('nps', 'enps')),
    question     TEXT    NOT NULL,
    follow_up    TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    archived     BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (workspace_id, name)
);

-- A person who answers. Either key may be missing, never both. NULLs are distinct in UNIQUE
-- constraints, so many contacts may lack an email or an external id. Identity values are never
-- reused, so the id of an erased contact is never given to someone else.
-- `attributes` is the JSON object of the latest attributes given (see attributes_to_json). It is
-- TEXT, not JSONB: it is written and read whole by Rust, never queried, and TEXT keeps the bytes
-- (key order, number spelling) identical to SQLite's.
-- The keys are compared byte for byte (COLLATE "C"), as SQLite does: equality is the same under
-- any deterministic collation, and the unique indexes an import fills compare much faster.
CREATE TABLE contacts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    external_id  TEXT COLLATE "C",
    email        TEXT COLLATE "C",
    attributes   TEXT   NOT NULL DEFAULT '{}',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    UNIQUE (workspace_id, external_id),
    UNIQUE (workspace_id, email),
    CHECK (external_id IS NOT NULL OR email IS NOT NULL)
);

-- One answer. `attributes` is the contact's attributes as they were in this answer (a JSON
-- snapshot), so a later change to the contact does not rewrite history. `workspace_id` repeats
-- the survey's workspace so that loading a workspace is one index range.
--
-- Ids: the analytics index loads this table in id order and then tails it by remembering the
-- largest id it has seen, so an id must never become visible after a larger one was read.
-- Identity values are handed out when rows are written, but transactions commit in any order, so
-- on their own they do not guarantee that. Writers therefore never let a row take its id from
-- the identity default: each batch reserves a range with reserve_response_ids() below and writes
-- the ids itself (COPY writes identity columns as given), and stores in `horizon` a transaction
-- id newer than every transaction that could hold a smaller id. A reader hands a row out only
-- once every writer older than the row's horizon has ended (see the Rust `read` module).
--
-- There are no foreign keys on this table: a PostgreSQL foreign key checks each inserted row with
-- a query of its own, which halves the speed of a bulk import. The import resolves every contact
-- id in the same transaction and checks each survey against the workspace, and erasing a contact
-- deletes its responses explicitly (logging each one), which ON DELETE CASCADE could not do.
CREATE TABLE responses (
    id           BIGINT   GENERATED ALWAYS AS IDENTITY,
    workspace_id BIGINT   NOT NULL,
    survey_id    BIGINT   NOT NULL,
    contact_id   BIGINT   NOT NULL,
    score        SMALLINT NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment      TEXT,
    created_at   BIGINT   NOT NULL,
    -- import, api, email, link or widget.
    channel      TEXT     NOT NULL,
    attributes   TEXT     NOT NULL DEFAULT '{}',
    horizon      XID8     NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

-- Indexes are what a bulk import pays for most, so there are only the three that queries use:
-- - the primary key (workspace_id, id): loading and tailing a workspace in id order; ids are
--   unique by construction, so no second index on `id` alone is needed;
-- - (survey_id, id): tailing one survey in id order, and counting a survey's responses.
--   Periods are bucketed in Rust, so no query asks for a survey's responses by time;
-- - (contact_id): erasing a contact without a full scan. The import sends each batch's rows
--   ordered by contact so that this index takes its entries in order.
CREATE INDEX responses_survey_id ON responses (survey_id, id);
CREATE INDEX responses_contact_id ON responses (contact_id);

-- Reserves `count` consecutive response ids and returns the last one with the horizon to store
-- beside them. It runs in a short transaction of its own, apart from the import that writes the
-- rows, and holds a lock while it reserves, so that ranges are handed out one after the other:
-- - the horizon is the transaction id this function's own transaction is given, after the
--   reservation: newer than the id of every transaction that had reserved before (each writer
--   takes its transaction id before its first reservation), and growing with the ids;
-- - setval() moves the sequence past the range in one step instead of `count` nextval() calls;
--   this is safe because every writer reserves through this function under the same lock.
-- The lock key pair (1987011, 1) belongs to this function; (1987011, 2) serialises erasures and
-- (1987011, 0) migrations.
CREATE FUNCTION reserve_response_ids(count BIGINT, OUT last_id BIGINT, OUT horizon XID8)
LANGUAGE plpgsql AS $$
DECLARE
    sequence_name TEXT := pg_get_serial_sequence('responses', 'id');
BEGIN
    PERFORM pg_advisory_xact_lock(1987011, 1);
    last_id := setval(sequence_name, nextval(sequence_name) + count - 1);
    horizon := pg_current_xact_id();
END
$$;

-- The log of erased responses, so that indexes built from `responses` forget them too. There is
-- no foreign key to `responses` on purpose: the row it names is gone. `sequence` only grows, and
-- erasures hold a lock until they commit, so sequence numbers also become visible in order.
CREATE TABLE response_deletions (
    sequence     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    response_id  BIGINT NOT NULL,
    deleted_at   BIGINT NOT NULL
);

CREATE INDEX response_deletions_workspace_sequence ON response_deletions (workspace_id, sequence);
