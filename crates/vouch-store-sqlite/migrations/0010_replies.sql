-- Replies to respondents ("close the loop"), and their entries in the responses' history.

-- A reply emailed to the author of a response. Like the history, it names the response
-- without a foreign key: it is erased with the contact's responses and follows an answer that
-- replaces an earlier one. `status` is where its email is; `error` why the last attempt failed.
CREATE TABLE response_replies (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    response_id  INTEGER NOT NULL,
    message      TEXT    NOT NULL,
    reply_to     TEXT,
    status       TEXT    NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    error        TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE INDEX response_replies_response_id ON response_replies (response_id);

-- The history may now record a reply, `reply_id` naming it. SQLite cannot change a CHECK, so
-- the table is rebuilt with its rows and ids.
CREATE TABLE response_history_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    response_id  INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    actor_kind   TEXT    NOT NULL CHECK (actor_kind IN ('member', 'rule', 'api_key', 'operator')),
    actor_id     INTEGER,
    change       TEXT    NOT NULL
                 CHECK (change IN ('tag_added', 'tag_removed', 'tag_renamed', 'status', 'assignee',
                                   'reply')),
    value        TEXT,
    previous     TEXT,
    reply_id     INTEGER,
    CHECK ((change = 'reply') = (reply_id IS NOT NULL))
);

INSERT INTO response_history_new
    (id, workspace_id, response_id, at, actor_kind, actor_id, change, value, previous)
    SELECT id, workspace_id, response_id, at, actor_kind, actor_id, change, value, previous
    FROM response_history;

DROP TABLE response_history;

ALTER TABLE response_history_new RENAME TO response_history;

CREATE INDEX response_history_response_id ON response_history (response_id);
