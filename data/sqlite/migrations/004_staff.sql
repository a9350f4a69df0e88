-- Staff mode: staff members with argon2id PIN hashes, staff cards, the
-- kiosk-wide PIN lockout, and an audit log of personal-data actions.
-- Personal data: visitors deleted on request or by retention keep their row
-- (phone NULL, name '') with deleted_ms set; check-ins anonymised by
-- retention lose their visitor and pass link and get anonymised_ms.
CREATE TABLE staff (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL DEFAULT '' UNIQUE, -- display name, e.g. 王老师; '' for the unnamed PIN
	pin_hash   TEXT NOT NULL,                   -- $argon2id$v=19$m=…,t=…,p=…$salt$hash
	created_ms INTEGER NOT NULL,
	updated_ms INTEGER NOT NULL,
	disabled   INTEGER NOT NULL DEFAULT 0
) STRICT;

-- A staff card is a pass (this kiosk's key, a number from the passes
-- sequence, reserved in passes with no visitor) mapped to a staff member.
CREATE TABLE staff_cards (
	key_id     INTEGER NOT NULL,
	no         INTEGER NOT NULL,
	staff_id   TEXT NOT NULL REFERENCES staff(id),
	issued_ms  INTEGER NOT NULL,
	revoked_ms INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (key_id, no)
) STRICT;
CREATE INDEX staff_cards_staff ON staff_cards(staff_id);

-- One row: wrong PINs in a row and the end of the current lock (UTC ms).
CREATE TABLE staff_lockout (
	id              INTEGER PRIMARY KEY CHECK (id = 1),
	failures        INTEGER NOT NULL DEFAULT 0,
	locked_until_ms INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO staff_lockout(id) VALUES (1);

-- Who did what to personal data, and when. details is a JSON object with
-- counts and ids only, never a phone number or a name.
CREATE TABLE audit (
	id      INTEGER PRIMARY KEY,
	ms      INTEGER NOT NULL,
	staff   TEXT NOT NULL DEFAULT '',
	action  TEXT NOT NULL,
	details TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
) STRICT;
CREATE INDEX audit_ms ON audit(ms);

ALTER TABLE visitors ADD COLUMN deleted_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checkins ADD COLUMN anonymised_ms INTEGER NOT NULL DEFAULT 0;

-- Finding a visitor by the last 4 digits of their phone.
CREATE INDEX visitors_last4 ON visitors(substr(phone, 8)) WHERE phone IS NOT NULL;
-- A visitor's records (deletion, retention, last seen).
CREATE INDEX checkins_visitor ON checkins(visitor_id, wall_ms) WHERE visitor_id <> '';
-- Distinct people checked in per day, read from the index alone.
CREATE INDEX checkins_day ON checkins(wall_ms, subject) WHERE outcome = 'accepted' AND direction = 'in';
-- Records not yet anonymised, by session start, for the daily retention run.
CREATE INDEX checkins_retention ON checkins(session_start_ms) WHERE anonymised_ms = 0;
