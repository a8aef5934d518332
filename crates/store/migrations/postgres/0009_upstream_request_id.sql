-- The request id a trusted proxy gave a request, apart from our own (`request_id`): a client's own header is
-- never kept, and an id we did not make must not pass for one of ours.
ALTER TABLE audit_log ADD COLUMN upstream_request_id TEXT;
