-- Tags as a managed set, keyword rules, the history of each response, and themes. The SQLite
-- backend has the same tables and columns.
--
-- Never edit this file once released: add a new numbered file instead.

-- The workspace's tags, including ones no response carries yet. Names are unique ignoring
-- case; the store compares them with the core's one rule (`tag_key`, in Rust), in transactions
-- that first lock the workspace's row `FOR NO KEY UPDATE`, so that two of them changing the set
-- run one after the other. Names are compared and sorted byte for byte, as in `response_tags`.
CREATE TABLE tags (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT COLLATE "C" NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, name)
);

-- The tags responses carry already join the set. Before this version a response kept each tag
-- once ignoring case, but two responses could spell one tag differently ("Bug", "bug"); those
-- are one tag now, spelt as most responses spelt it (the first in byte order of those).
-- PostgreSQL's lower() in the database's own collation (not "C", which folds ASCII only) stands
-- in for the core's rule here.
INSERT INTO tags (workspace_id, name, created_at)
    SELECT DISTINCT ON (workspace_id, lower(tag COLLATE "default")) workspace_id, tag, 0
    FROM (
        SELECT workspace_id, tag, count(*) AS uses FROM response_tags GROUP BY workspace_id, tag
    ) AS spellings
    ORDER BY workspace_id, lower(tag COLLATE "default"), uses DESC, tag;

INSERT INTO response_tags (workspace_id, tag, response_id)
    SELECT DISTINCT r.workspace_id, t.name, r.response_id
    FROM response_tags r
    JOIN tags t ON t.workspace_id = r.workspace_id
               AND lower(t.name COLLATE "default") = lower(r.tag COLLATE "default")
    WHERE t.name <> r.tag
    ON CONFLICT DO NOTHING;

DELETE FROM response_tags r
    WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.workspace_id = r.workspace_id AND t.name = r.tag);

-- A keyword rule: responses whose comment holds one of `terms` get `tag`. `through_id` is the
-- latest response matched so far; `backfill_until` the latest one when the rule was saved.
CREATE TABLE tag_rules (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id   BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    tag            TEXT COLLATE "C" NOT NULL,
    terms          TEXT   NOT NULL,
    survey_id      BIGINT REFERENCES surveys (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    through_id     BIGINT NOT NULL DEFAULT 0,
    backfill_until BIGINT NOT NULL,
    tagged         BIGINT NOT NULL DEFAULT 0
);

-- A workspace's rules, and the rules of a tag when it is renamed, merged or deleted.
CREATE INDEX tag_rules_workspace_tag ON tag_rules (workspace_id, tag);

-- Every change to a response's tags, status or assignee. Like the follow-up, it names the
-- response without a foreign key (responses have none, see 0001): writers lock the response
-- `FOR SHARE` while they write here, it is erased with the contact's responses, and it follows
-- an answer that replaces an earlier one. `value` is the tag, status or assignee's id set;
-- `previous` the old name of a renamed tag. Tagging many responses writes a row each, so
-- `workspace_id` has no foreign key either (its check, a query per row, would cost as much as
-- the rest of the insert): the store writes the workspace of the response it locked.
CREATE TABLE response_history (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL,
    response_id  BIGINT NOT NULL,
    at           BIGINT NOT NULL,
    actor_kind   TEXT   NOT NULL CHECK (actor_kind IN ('member', 'rule', 'api_key', 'operator')),
    actor_id     BIGINT,
    change       TEXT   NOT NULL
                 CHECK (change IN ('tag_added', 'tag_removed', 'tag_renamed', 'status', 'assignee')),
    value        TEXT,
    previous     TEXT
);

-- A response's history, and moving or erasing it with the response.
CREATE INDEX response_history_response ON response_history (response_id);

-- Themes found in a survey's comments. `keywords` is a JSON array of {lang, stem, word,
-- weight}. A theme a later run does not find again is retired, not deleted, so its id is
-- never reused.
CREATE TABLE themes (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    survey_id    BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    label        TEXT   NOT NULL,
    keywords     TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    retired_at   BIGINT
);

-- A survey's themes; and a workspace's, through its surveys' (`themes` of every survey).
CREATE INDEX themes_survey ON themes (survey_id);
CREATE INDEX themes_workspace ON themes (workspace_id);

-- The last run that found a survey's themes.
CREATE TABLE theme_runs (
    survey_id    BIGINT PRIMARY KEY REFERENCES surveys (id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    at           BIGINT NOT NULL,
    comments     BIGINT NOT NULL
);
