-- Unfinished keyed jobs only: the claim query finds the head of every queue key in one pass
-- over this small index instead of probing the whole key for each candidate job.
CREATE INDEX jobs_active_queue ON jobs (queue_key, id) WHERE status IN ('queued', 'running');
