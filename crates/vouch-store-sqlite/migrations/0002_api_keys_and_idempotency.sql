-- What the HTTP server keeps besides responses: API keys and idempotency keys.
--
-- Never edit this file once released: add a new numbered file instead.

-- A key to the API of one workspace. Only the SHA-256 of the secret is stored; requests are
-- checked by looking their key's hash up, so the hash is unique across all workspaces. A name
-- is unique among a workspace's live keys: once a key is revoked its name may be used again.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    scope        TEXT    NOT NULL CHECK (scope IN ('read', 'write')),
    -- The first characters of the key, to recognise it in listings.
    prefix       TEXT    NOT NULL,
    -- Lower-case hex SHA-256 of the whole key.
    secret_hash  TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER
);

CREATE UNIQUE INDEX api_keys_live_name ON api_keys (workspace_id, name) WHERE revoked_at IS NULL;

-- An `Idempotency-Key` a client sent, so that a retried request is answered as the first one
-- was instead of being done twice. `fingerprint` is a digest of the request's body: the same
-- key with another body is refused. A response written through the group-commit ingest
-- records its id here (in the transaction that writes it); any other request records the
-- reply it got (`status` and `body`). A key serves one request only.
--
-- WITHOUT ROWID: keys are looked up and inserted by (workspace, key) only, and this way each
-- insert touches one B-tree instead of two.
CREATE TABLE idempotency_keys (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,
    response_id  INTEGER,
    status       INTEGER,
    body         TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, key)
) WITHOUT ROWID;

-- Erasing a contact forgets the keys of its responses (a fingerprint is a digest of personal
-- data). Response ids only grow, so this index is appended to, never written at random.
CREATE INDEX idempotency_keys_response_id ON idempotency_keys (response_id)
    WHERE response_id IS NOT NULL;
