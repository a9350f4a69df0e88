-- Event sign-in codes: every token this kiosk showed as an event's sign-in
-- QR code (package token), kept for audit and sent up to the hub until
-- sent is 1. Check-ins made at the hub (phone check-ins) come down with
-- upload_status 'from_hub' and never go back up.
CREATE TABLE event_codes (
	token            TEXT PRIMARY KEY,   -- the token's text form
	event_id         TEXT NOT NULL,
	session_start_ms INTEGER NOT NULL,
	slot             INTEGER NOT NULL,   -- Unix seconds / 30
	issued_ms        INTEGER NOT NULL,   -- kiosk clock, UTC ms
	sent             INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX event_codes_outbox ON event_codes(issued_ms) WHERE sent = 0;
