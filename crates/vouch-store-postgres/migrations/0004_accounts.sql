-- The dashboard: people who sign in, their memberships of workspaces, sessions, invitations to
-- join, password resets, and the team's follow-up of responses (status, assignee, tags, notes).
-- The SQLite backend has the same tables, columns and rules.
--
-- Never edit this file once released: add a new numbered file instead.

-- A person who signs in. Users belong to the server, not to a workspace: one account may be a
-- member of several workspaces. `email` is stored trimmed and with ASCII letters lower-cased
-- (by the store, in Rust, as SQLite does), and compared byte for byte, so it is unique whatever
-- the case it was typed in. Only the argon2 PHC string of the password is kept.
CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT COLLATE "C" NOT NULL UNIQUE,
    name          TEXT   NOT NULL,
    password_hash TEXT   NOT NULL,
    created_at    BIGINT NOT NULL
);

-- A user's place in a workspace: what they may do there, and whether they may see eNPS surveys
-- (`hr`). The primary key finds a workspace's members; the index a user's workspaces.
CREATE TABLE memberships (
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id      BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         TEXT    NOT NULL CHECK (role IN ('viewer', 'member', 'admin')),
    hr           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

CREATE INDEX memberships_user ON memberships (user_id);

-- A signed-in browser. The cookie holds a random secret and only its SHA-256 (hex) is stored, so
-- a stolen database signs nobody in. A session looks at one workspace at a time. Sessions past
-- `expires_at` are never returned. Changing a password ends every session of the user, and
-- leaving a workspace ends the user's sessions looking at it; the index serves both (and the
-- foreign key when a user is deleted).
CREATE TABLE sessions (
    id_hash      TEXT COLLATE "C" PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    csrf_token   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);

-- An invitation to join a workspace, by a link whose secret is stored as its SHA-256 (hex). A
-- link works once: accepting it is `UPDATE … SET accepted_at WHERE accepted_at IS NULL AND
-- expires_at > now`, so of two acceptances racing, the second waits for the first to end and
-- then finds the invitation used. With `email`, only that address may accept it (checked by the
-- dashboard). Accepting makes the user a member with the invitation's role and `hr`; a user who
-- is a member already keeps the higher of the two roles and `hr` if either has it.
CREATE TABLE member_invites (
    token_hash   TEXT COLLATE "C" PRIMARY KEY,
    workspace_id BIGINT  NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    role         TEXT    NOT NULL CHECK (role IN ('viewer', 'member', 'admin')),
    hr           BOOLEAN NOT NULL DEFAULT FALSE,
    email        TEXT,
    invited_by   BIGINT  NOT NULL REFERENCES users (id),
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    accepted_at  BIGINT
);

-- A password reset link, stored as the SHA-256 (hex) of its secret. Used once, like an
-- invitation: `UPDATE … SET used_at WHERE used_at IS NULL AND expires_at > now RETURNING
-- user_id`.
CREATE TABLE password_resets (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

-- The team's follow-up of a response. A response nobody touched has no row and reads as open,
-- unassigned and untagged, so that writing responses costs nothing more.
-- - `response_id` has no foreign key, as responses have none of their own (see 0001): writers
--   check the response is the workspace's and lock it `FOR SHARE` while they write here, so an
--   erasure (which deletes the response first, then its follow-up) cannot leave a row behind.
-- - An answer that replaces another moves the row, its tags and its notes to the new response
--   in its transaction; erasing a contact deletes those of its responses.
-- - `tags` is the JSON array of the tags, sorted and unique (normalised by the store), read
--   whole; `response_tags` below repeats them one row each, for filters and counts.
-- - A user who is deleted leaves the responses assigned to them unassigned.
CREATE TABLE response_workflows (
    response_id  BIGINT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    status       TEXT   NOT NULL CHECK (status IN ('open', 'in_progress', 'closed')),
    assignee_id  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    tags         TEXT   NOT NULL DEFAULT '[]',
    updated_at   BIGINT NOT NULL
);

-- The inbox lists a workspace's responses by status.
CREATE INDEX response_workflows_workspace_status ON response_workflows (workspace_id, status);

-- One row per tag of a response, written with `response_workflows.tags` in one transaction. The
-- primary key answers "responses with this tag" as a range and counts tags per workspace; the
-- index finds a response's tags when they change, move or are erased. Tags are compared byte
-- for byte, as SQLite does.
CREATE TABLE response_tags (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    tag          TEXT COLLATE "C" NOT NULL,
    response_id  BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, tag, response_id)
);

CREATE INDEX response_tags_response ON response_tags (response_id);

-- Internal notes on a response, seen by the team only. Like the follow-up, they have no foreign
-- key to the response, move with a replaced answer and are erased with it: a note about a person
-- is personal data too.
CREATE TABLE response_notes (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    response_id  BIGINT NOT NULL,
    author_id    BIGINT NOT NULL REFERENCES users (id),
    body         TEXT   NOT NULL,
    created_at   BIGINT NOT NULL
);

-- A response's notes, and moving or erasing them with it.
CREATE INDEX response_notes_response ON response_notes (response_id);
