-- Settings, and the centre's content: sites, events, honour wall, teams.
-- All instants are INTEGER milliseconds since the Unix epoch, UTC.
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE sites (
	id        TEXT PRIMARY KEY,
	parent_id TEXT REFERENCES sites(id),
	level     INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
	name      TEXT NOT NULL,
	address   TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE events (
	id          TEXT PRIMARY KEY,
	site_id     TEXT NOT NULL REFERENCES sites(id),
	title       TEXT NOT NULL,
	category    TEXT NOT NULL DEFAULT '',
	place       TEXT NOT NULL DEFAULT '',
	organiser   TEXT NOT NULL DEFAULT '',
	partners    TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	start_ms    INTEGER NOT NULL,
	end_ms      INTEGER NOT NULL CHECK (end_ms > start_ms),
	weekly      INTEGER NOT NULL DEFAULT 0,
	until_ms    INTEGER NOT NULL DEFAULT 0,
	capacity    INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
	cancelled   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX events_start ON events(start_ms);

CREATE TABLE honour (
	id        TEXT PRIMARY KEY,
	site_id   TEXT NOT NULL REFERENCES sites(id),
	name      TEXT NOT NULL,
	title     TEXT NOT NULL DEFAULT '',
	story     TEXT NOT NULL DEFAULT '',
	community TEXT NOT NULL DEFAULT '',
	photo     BLOB,
	hidden    INTEGER NOT NULL DEFAULT 0,
	sort      INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE teams (
	id          TEXT PRIMARY KEY,
	site_id     TEXT NOT NULL REFERENCES sites(id),
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	community   TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	members     INTEGER NOT NULL DEFAULT 0
) STRICT;
