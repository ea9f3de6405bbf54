-- The lead model last learnt from each survey's answers (JSON written by the analytics
-- engine), and when.
CREATE TABLE lead_models (
    survey_id    INTEGER PRIMARY KEY REFERENCES surveys (id) ON DELETE CASCADE,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    model        TEXT    NOT NULL,
    trained_at   INTEGER NOT NULL
);
