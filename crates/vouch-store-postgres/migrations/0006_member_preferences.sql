-- What each member chose for themselves in a workspace's dashboard (a JSON object).
ALTER TABLE memberships ADD COLUMN preferences TEXT NOT NULL DEFAULT '{}';
