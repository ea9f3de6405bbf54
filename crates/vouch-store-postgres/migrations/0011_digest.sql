-- The weekly digest sent for each workspace and reported week (`2026-W49`): a server claims
-- the row before it sends, so the week is sent once however many servers share the database.
CREATE TABLE digest_sends (
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    week         TEXT   NOT NULL,
    claimed_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, week)
);
