-- Other names customers use for a service ("mani", a local spelling), as a JSON array of
-- strings; the rule-based agent recognises a service by any of them.
ALTER TABLE services ADD COLUMN aliases TEXT NOT NULL DEFAULT '[]';
