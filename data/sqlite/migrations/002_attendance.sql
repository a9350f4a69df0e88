-- Signing keys, visitors, passes and the attendance log.
CREATE TABLE keys (
	key_id     INTEGER PRIMARY KEY,      -- uint32 key id carried in pass codes
	public     BLOB NOT NULL,            -- Ed25519 public key, 32 bytes
	private    BLOB,                     -- Ed25519 private key; only this kiosk's own key
	site_id    TEXT NOT NULL DEFAULT '',
	created_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE visitors (
	id           TEXT PRIMARY KEY,
	phone        TEXT UNIQUE,            -- 11 digits; NULL once deleted on request
	name         TEXT NOT NULL DEFAULT '',
	community_id TEXT NOT NULL DEFAULT '',
	created_ms   INTEGER NOT NULL
) STRICT;

CREATE TABLE passes (
	key_id     INTEGER NOT NULL,
	no         INTEGER NOT NULL,
	visitor_id TEXT REFERENCES visitors(id),
	issued_ms  INTEGER NOT NULL,
	revoked_ms INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (key_id, no)
) STRICT;
CREATE INDEX passes_visitor ON passes(visitor_id);

CREATE TABLE checkins (
	id               TEXT PRIMARY KEY,   -- UUIDv7 made on the kiosk
	subject          TEXT NOT NULL,      -- visitor id, or "pass:KEY:NO" for a pass unknown here
	visitor_id       TEXT NOT NULL DEFAULT '',
	pass_key_id      INTEGER NOT NULL DEFAULT 0,
	pass_no          INTEGER NOT NULL DEFAULT 0,
	event_id         TEXT NOT NULL DEFAULT '',
	session_start_ms INTEGER NOT NULL DEFAULT 0,
	direction        TEXT NOT NULL CHECK (direction IN ('in', 'out')),
	method           TEXT NOT NULL,
	device_id        TEXT NOT NULL,
	wall_ms          INTEGER NOT NULL,
	run_id           TEXT NOT NULL,
	run_ms           INTEGER NOT NULL,
	verified         INTEGER NOT NULL DEFAULT 0,
	outcome          TEXT NOT NULL CHECK (outcome IN ('accepted', 'refused')),
	reason           TEXT NOT NULL DEFAULT '',
	staff            TEXT NOT NULL DEFAULT '',
	backfilled       INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX checkins_subject ON checkins(subject, event_id, session_start_ms, wall_ms) WHERE outcome = 'accepted';
CREATE INDEX checkins_session ON checkins(event_id, session_start_ms);
CREATE INDEX checkins_wall ON checkins(wall_ms);
