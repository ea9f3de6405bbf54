-- The first schema of Vouch on SQLite. The PostgreSQL backend has the same tables, columns and
-- rules; only the spelling of types differs.
--
-- Times are INTEGER milliseconds since 1970-01-01 UTC. Both backends store the same numbers, and
-- bucketing into days, weeks and months happens in Rust in the workspace's time zone, never in
-- SQL, so the two backends cannot disagree about a period.
--
-- Never edit this file once released: add a new numbered file instead.

-- One company or brand. Everything else hangs off a workspace and is only seen through it.
CREATE TABLE workspaces (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT    NOT NULL UNIQUE,
    -- An IANA name such as Europe/Paris; reports bucket periods in it.
    time_zone  TEXT    NOT NULL DEFAULT 'UTC',
    created_at INTEGER NOT NULL
);

-- The kind an attribute was given the first time the workspace saw it. Values of the attribute
-- are compared as this kind from then on (seats=3 matches the number 3).
CREATE TABLE attribute_definitions (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('string', 'number', 'boolean', 'date')),
    PRIMARY KEY (workspace_id, name)
) WITHOUT ROWID;

CREATE TABLE surveys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('nps', 'enps')),
    question     TEXT    NOT NULL,
    follow_up    TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    UNIQUE (workspace_id, name)
);

-- A person who answers. Either key may be missing, never both. NULLs are distinct in UNIQUE
-- constraints (in PostgreSQL too), so many contacts may lack an email or an external id.
-- AUTOINCREMENT: the id of an erased contact is never given to someone else.
-- `attributes` is the JSON object of the latest attributes given (see attributes_to_json).
CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    external_id  TEXT,
    email        TEXT,
    attributes   TEXT    NOT NULL DEFAULT '{}',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, external_id),
    UNIQUE (workspace_id, email),
    CHECK (external_id IS NOT NULL OR email IS NOT NULL)
);

-- One answer. AUTOINCREMENT makes ids only grow and never be reused, even after the largest
-- one is erased: the analytics index tails this table by id and must never see an old id again.
-- `attributes` is the contact's attributes as they were in this answer (a JSON snapshot), so a
-- later change to the contact does not rewrite history.
-- `workspace_id` repeats the survey's workspace so that loading a workspace is one index range.
CREATE TABLE responses (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    survey_id    INTEGER NOT NULL REFERENCES surveys (id),
    contact_id   INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
    score        INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    comment      TEXT,
    created_at   INTEGER NOT NULL,
    -- import, api, email, link or widget.
    channel      TEXT    NOT NULL,
    attributes   TEXT    NOT NULL DEFAULT '{}'
);

-- Loading and tailing a workspace in id order.
CREATE INDEX responses_workspace_id ON responses (workspace_id, id);
-- A survey's responses in a time range.
CREATE INDEX responses_survey_created_at ON responses (survey_id, created_at);
-- Erasing a contact, and the ON DELETE CASCADE above, without a full scan.
CREATE INDEX responses_contact_id ON responses (contact_id);

-- The log of erased responses, so that indexes built from `responses` forget them too. There is
-- no foreign key to `responses` on purpose: the row it names is gone. `sequence` only grows.
CREATE TABLE response_deletions (
    sequence     INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    response_id  INTEGER NOT NULL,
    deleted_at   INTEGER NOT NULL
);

CREATE INDEX response_deletions_workspace_sequence ON response_deletions (workspace_id, sequence);
