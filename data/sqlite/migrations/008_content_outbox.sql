-- Content edited in staff mode (events made, changed or cancelled; honour-wall
-- entries hidden, shown or given a photo) waits here to go up to the hub.
-- One row per item, whatever the number of edits: the item's current state
-- is sent. rev counts the edits, so that the hub's answer to an earlier
-- state does not take a later edit out of the outbox. An item is in the
-- outbox while status is ''; a rejected item stays with the hub's reason
-- and the kiosk's clock at the answer (UTC ms) until it is edited again.
CREATE TABLE content_outbox (
	kind        TEXT NOT NULL CHECK (kind IN ('event', 'honour')),
	id          TEXT NOT NULL,
	rev         INTEGER NOT NULL DEFAULT 1,
	status      TEXT NOT NULL DEFAULT '',
	reason      TEXT NOT NULL DEFAULT '',
	answered_ms INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (kind, id)
) STRICT;
