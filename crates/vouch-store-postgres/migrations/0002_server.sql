-- What the HTTP server keeps: API keys, idempotency keys, and an index to page contacts.
--
-- Never edit this file once released: add a new numbered file instead.

-- An API key opens one workspace. Only the SHA-256 of the whole key is stored (hex), so a stolen
-- database opens nothing; `prefix` is the first characters, for people to recognise a key in a
-- listing. A revoked key stays, for the record, and frees its name: a name is unique only among
-- the workspace's keys that are not revoked (the partial index below).
CREATE TABLE api_keys (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT   NOT NULL,
    scope        TEXT   NOT NULL CHECK (scope IN ('read', 'write')),
    prefix       TEXT   NOT NULL,
    secret_hash  TEXT   NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);

CREATE UNIQUE INDEX api_keys_live_name ON api_keys (workspace_id, name) WHERE revoked_at IS NULL;

-- The `Idempotency-Key`s clients sent, so that a retried request is answered with the first
-- result instead of being carried out twice. One table serves two kinds of request:
-- - an ingested response records the key with `response_id`, the response written then;
-- - any other request records the reply it got: `status` and `body`.
-- `fingerprint` is a digest of the request: the same key with another request is refused.
--
-- A key is claimed with INSERT … ON CONFLICT DO NOTHING in the transaction that does the work,
-- so that of two servers racing on one key, the second waits for the first to end and then
-- finds the key taken (and replays it) instead of doing the work again.
--
-- No foreign key to `workspaces`: every ingested response with a key inserts a row here, and a
-- foreign key costs a query of its own per row. Writers check the workspace themselves.
-- Keys are compared byte for byte, like contact keys.
CREATE TABLE idempotency_keys (
    workspace_id BIGINT NOT NULL,
    key          TEXT COLLATE "C" NOT NULL,
    fingerprint  TEXT    NOT NULL,
    response_id  BIGINT,
    status       INTEGER CHECK (status BETWEEN 100 AND 599),
    body         TEXT,
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (workspace_id, key),
    CHECK ((status IS NULL) = (body IS NULL)),
    CHECK (response_id IS NULL OR status IS NULL)
);

-- Erasing a contact forgets the keys of the responses it erases (a replay could not show them,
-- and the fingerprint is a digest of personal data). Response ids grow, so entries are appended
-- at the right edge of this index, which costs an ingest little.
CREATE INDEX idempotency_keys_response ON idempotency_keys (response_id)
    WHERE response_id IS NOT NULL;

-- Contacts are paged per workspace in id order (`id > cursor ORDER BY id LIMIT n`).
CREATE INDEX contacts_workspace_id ON contacts (workspace_id, id);
