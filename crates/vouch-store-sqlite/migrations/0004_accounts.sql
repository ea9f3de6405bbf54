-- The dashboard: users, their memberships of workspaces, sign-in sessions, invitations to
-- join, password resets, and the team's follow-up of responses (status, assignee, tags,
-- internal notes). The PostgreSQL backend has the same tables, columns and rules; only the
-- spelling of types differs.
--
-- Times are INTEGER milliseconds since 1970-01-01 UTC, as everywhere else. Secrets (session
-- cookies, invitation and reset links) are never stored: only the lower-case hex SHA-256 of
-- each, so that a copy of the database signs nobody in.
--
-- Never edit this file once released: add a new numbered file instead.

-- A person who signs in. Users belong to the server, not to a workspace: one person may work
-- in several. `email` is unique across the server and stored trimmed and lower-cased (ASCII
-- letters only, as SQLite's lower() does), so that Ann@Example.com and ann@example.com are one
-- account. `password_hash` is an argon2 PHC string; checking it happens above the store.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- A user's place in a workspace: what they may do there (`role`) and whether they may see
-- eNPS surveys (`hr`, the HR permission, apart from the role so that an HR viewer need not be
-- an admin). One row per workspace and user.
CREATE TABLE memberships (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT    NOT NULL CHECK (role IN ('viewer', 'member', 'admin')),
    hr           INTEGER NOT NULL DEFAULT 0 CHECK (hr IN (0, 1)),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
) WITHOUT ROWID;

-- The workspaces of a user, read at every sign-in and for the workspace switcher (the primary
-- key serves the members of a workspace).
CREATE INDEX memberships_user_id ON memberships (user_id);

-- A signed-in browser, looked up by the hash of its cookie on every dashboard request. A
-- session looks at one workspace at a time (`workspace_id`, changed by the switcher). A
-- session past `expires_at` is never returned; changing the password ends every session of
-- the user, and leaving a workspace ends the user's sessions looking at it.
CREATE TABLE sessions (
    id_hash      TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- The token every form of the session carries, against cross-site request forgery.
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- Ending every session of a user (a new password) without a full scan.
CREATE INDEX sessions_user_id ON sessions (user_id);

-- An invitation to join a workspace, by a link that works once (`accepted_at`) until
-- `expires_at`. With `email`, only that address may accept it (checked above the store).
-- Accepting it when already a member keeps the higher role and either HR permission.
CREATE TABLE member_invites (
    token_hash   TEXT    PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    role         TEXT    NOT NULL CHECK (role IN ('viewer', 'member', 'admin')),
    hr           INTEGER NOT NULL DEFAULT 0 CHECK (hr IN (0, 1)),
    email        TEXT,
    invited_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    accepted_at  INTEGER
) WITHOUT ROWID;

-- A link to choose a new password, which works once (`used_at`) until `expires_at`. Taking it
-- is one UPDATE … RETURNING, so two clicks at once cannot both use it.
CREATE TABLE password_resets (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;

-- Where a response is in the team's follow-up. Responses nobody touched have no row: they read
-- as open, unassigned and untagged, so millions of imported responses cost nothing here.
-- `response_id` has no foreign key on purpose: the store checks it against the workspace's
-- responses when writing, erasing a contact deletes the rows of its responses, and an answer
-- that replaces an earlier one takes its row over (the earlier response is gone by then).
-- `tags` is the JSON array of the response's tags, sorted and unique, read with the row;
-- response_tags below repeats them for filtering and counting.
CREATE TABLE response_workflows (
    response_id  INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    status       TEXT    NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
    -- Unassigned when the user goes, rather than losing the response's follow-up.
    assignee_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    tags         TEXT    NOT NULL DEFAULT '[]',
    updated_at   INTEGER NOT NULL
);

-- The inbox's status filter ("in progress", "closed"), within one workspace; the assignee
-- filter reads the same range of rows, which is small (only touched responses have rows).
CREATE INDEX response_workflows_workspace_status ON response_workflows (workspace_id, status);

-- One row per tag of a response, written with response_workflows.tags in the same transaction.
-- The primary key answers both "the responses with this tag" (the inbox's tag filter) and
-- "every tag of the workspace with its count" (the tag list) from one index range, without
-- parsing JSON.
CREATE TABLE response_tags (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    tag          TEXT    NOT NULL,
    response_id  INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, tag, response_id)
) WITHOUT ROWID;

-- Replacing a response's tags, moving them to a replacing answer, and erasing them with a
-- contact, by response.
CREATE INDEX response_tags_response_id ON response_tags (response_id);

-- An internal note on a response, seen by the team only. Like response_workflows, no foreign
-- key to responses: notes are erased with the contact's responses and follow a replacing
-- answer. A note keeps its author: no cascade, so a user who wrote notes cannot be deleted
-- from under them.
CREATE TABLE response_notes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    response_id  INTEGER NOT NULL,
    author_id    INTEGER NOT NULL REFERENCES users (id),
    body         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);

-- The notes of a response, read with it; also erasing and moving them.
CREATE INDEX response_notes_response_id ON response_notes (response_id);
