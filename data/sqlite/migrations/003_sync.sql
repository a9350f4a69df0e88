-- Sync with the district hub. A record is in the outbox while upload_status
-- is ''; the hub's answer (stored, already_stored, rejected) and its reason
-- are kept, with the kiosk's clock at the answer (UTC ms). Rejected records
-- stay here, out of the outbox. The enrolment and the change-feed cursor are
-- settings (sync.*).
ALTER TABLE checkins ADD COLUMN upload_status TEXT NOT NULL DEFAULT '';
ALTER TABLE checkins ADD COLUMN upload_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE checkins ADD COLUMN uploaded_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX checkins_outbox ON checkins(upload_status) WHERE upload_status = '';

-- A revoked pass (revoked_ms <> 0) goes up until revocation_sent is 1;
-- revocations that came down from the hub are marked sent.
ALTER TABLE passes ADD COLUMN revocation_sent INTEGER NOT NULL DEFAULT 0;
CREATE INDEX passes_revocation_outbox ON passes(key_id, no) WHERE revoked_ms <> 0 AND revocation_sent = 0;
