-- How a workspace shows itself to respondents where a survey sets nothing of its own.
ALTER TABLE workspaces
    ADD COLUMN brand_name  TEXT,
    ADD COLUMN brand_color TEXT,
    ADD COLUMN logo_url    TEXT;
