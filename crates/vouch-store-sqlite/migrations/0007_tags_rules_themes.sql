-- Tags as a managed set, keyword rules, the history of each response, and themes.

-- The workspace's tags, including ones no response carries yet. Names are unique ignoring
-- case; the store compares them with the core's one rule (lower-cased in Rust, since SQLite's
-- lower() only knows ASCII), under the write lock.
CREATE TABLE tags (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, name)
) WITHOUT ROWID;

-- The tags already used join the set; spellings differing only in (ASCII) case on different
-- responses become one tag, the first spelling in byte order, and their responses carry it.
INSERT OR IGNORE INTO tags (workspace_id, name, created_at)
    SELECT workspace_id, min(tag), 0 FROM response_tags GROUP BY workspace_id, lower(tag);

UPDATE OR IGNORE response_tags
SET tag = (SELECT t.name FROM tags t
           WHERE t.workspace_id = response_tags.workspace_id AND lower(t.name) = lower(response_tags.tag))
WHERE NOT EXISTS (SELECT 1 FROM tags t
                  WHERE t.workspace_id = response_tags.workspace_id AND t.name = response_tags.tag);

-- A keyword rule: responses whose comment holds one of `terms` get `tag`. `through_id` is the
-- latest response matched so far; `backfill_until` the latest one when the rule was saved.
CREATE TABLE tag_rules (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id   INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    tag            TEXT    NOT NULL,
    terms          TEXT    NOT NULL,
    survey_id      INTEGER REFERENCES surveys (id) ON DELETE CASCADE,
    created_at     INTEGER NOT NULL,
    through_id     INTEGER NOT NULL DEFAULT 0,
    backfill_until INTEGER NOT NULL,
    tagged         INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX tag_rules_workspace_id ON tag_rules (workspace_id);

-- Every change to a response's tags, status or assignee. Like the follow-up, it names the
-- response without a foreign key: it is erased with the contact's responses and follows an
-- answer that replaces an earlier one.
CREATE TABLE response_history (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    response_id  INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    actor_kind   TEXT    NOT NULL CHECK (actor_kind IN ('member', 'rule', 'api_key', 'operator')),
    actor_id     INTEGER,
    change       TEXT    NOT NULL
                 CHECK (change IN ('tag_added', 'tag_removed', 'tag_renamed', 'status', 'assignee')),
    value        TEXT,
    previous     TEXT
);

CREATE INDEX response_history_response_id ON response_history (response_id);

-- Themes found in a survey's comments. `keywords` is a JSON array of {lang, stem, word,
-- weight}. A theme a later run does not find again is retired, not deleted, so its id is
-- never reused.
CREATE TABLE themes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    survey_id    INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    label        TEXT    NOT NULL,
    keywords     TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    retired_at   INTEGER
);

CREATE INDEX themes_survey_id ON themes (survey_id);

-- The last run that found a survey's themes.
CREATE TABLE theme_runs (
    survey_id    INTEGER PRIMARY KEY REFERENCES surveys (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    comments     INTEGER NOT NULL
);
