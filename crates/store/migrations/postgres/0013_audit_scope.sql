-- Which part of the public data a change touched (`domain::data_version::Scope`), so that a process keeping
-- public pages in memory drops only those whose data changed: the newest entry's id per scope is that part's
-- version. Entries of changes the public does not see (signing in, letters) have none; a save in a wave that is
-- not published is scoped to that wave, which no public page shows yet. Entries written before this have none; a
-- process starts with nothing kept, so it never serves what they changed from memory.
ALTER TABLE audit_log ADD COLUMN scope TEXT;
CREATE INDEX audit_log_scope ON audit_log (scope, id);
