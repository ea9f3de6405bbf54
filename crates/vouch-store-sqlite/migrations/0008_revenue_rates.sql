-- The revenue calculator's rates a workspace saved (all three or none): the share of
-- detractors' and passives' value expected to churn, and of promoters' value expected back
-- from referrals.
ALTER TABLE workspaces ADD COLUMN revenue_detractor_rate REAL;
ALTER TABLE workspaces ADD COLUMN revenue_passive_rate REAL;
ALTER TABLE workspaces ADD COLUMN revenue_promoter_rate REAL;
