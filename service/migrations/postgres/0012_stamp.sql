-- Stamp sessions (文件签章): where the stamp goes and which seal kinds may make it (JSON of
-- StampRequest), and the seal the phone picked. The prepared PDF's digest, once the platform
-- sends it, is kept in document_digests.
ALTER TABLE rp_sessions ADD COLUMN stamp TEXT;
ALTER TABLE rp_sessions ADD COLUMN stamp_seal_id TEXT;
