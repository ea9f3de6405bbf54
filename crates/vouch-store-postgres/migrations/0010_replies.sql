-- Replies to respondents ("close the loop"), and their entries in the responses' history.

-- A reply emailed to the author of a response. Like the history, it names the response
-- without a foreign key: it is erased with the contact's responses and follows an answer that
-- replaces an earlier one. `status` is where its email is; `error` why the last attempt failed.
CREATE TABLE response_replies (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    response_id  BIGINT NOT NULL,
    message      TEXT   NOT NULL,
    reply_to     TEXT,
    status       TEXT   NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    error        TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE INDEX response_replies_response ON response_replies (response_id);

-- The history may now record a reply, `reply_id` naming it.
ALTER TABLE response_history ADD COLUMN reply_id BIGINT;

ALTER TABLE response_history DROP CONSTRAINT response_history_change_check;

ALTER TABLE response_history ADD CONSTRAINT response_history_change_check
    CHECK (change IN ('tag_added', 'tag_removed', 'tag_renamed', 'status', 'assignee', 'reply'));

ALTER TABLE response_history ADD CONSTRAINT response_history_reply_check
    CHECK ((change = 'reply') = (reply_id IS NOT NULL));
