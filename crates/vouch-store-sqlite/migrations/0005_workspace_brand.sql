-- How a workspace shows itself to respondents where a survey sets nothing of its own.
ALTER TABLE workspaces ADD COLUMN brand_name TEXT;
ALTER TABLE workspaces ADD COLUMN brand_color TEXT;
ALTER TABLE workspaces ADD COLUMN logo_url TEXT;
