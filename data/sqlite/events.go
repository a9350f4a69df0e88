package sqlite

import (
	"context"

	"github.com/civickiosk/kiosk/data"
)

// eventsLastEnd is the indexed expression of events_last_end (migration
// 006): an upper bound of the end of an event's last session. For a weekly
// class it covers, from its UntilMS (00:00 of its last day in the content's
// zone), the start of that day's session in any zone (two days) and the
// session's length. It must stay the same expression as in the migration
// (SQLite matches an expression index by its expression; a test checks).
const eventsLastEnd = `CASE WHEN weekly = 0 THEN end_ms
		WHEN until_ms = 0 THEN 9223372036854775807
		ELSE until_ms + 172800000 + (end_ms - start_ms) END`

// EventsBetween returns the events that can have a session overlapping
// [fromMS, toMS) (UTC ms), by first start: those not cancelled whose first
// session starts before toMS and that end after fromMS — a weekly class by
// its last day (UntilMS) or never. It may return a few more (expand them
// with Event.Sessions), never fewer: data.SessionsBetween gives the same
// sessions over EventsBetween as over Events. It seeks the events_last_end
// index, so years of past events cost nothing.
func (s *Store) EventsBetween(ctx context.Context, fromMS, toMS int64) ([]data.Event, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventCols+` FROM events INDEXED BY events_last_end
		WHERE cancelled = 0 AND `+eventsLastEnd+` > ? AND start_ms < ?
		ORDER BY start_ms, id`, fromMS, toMS)
	if err != nil {
		return nil, err
	}
	return collect(rows, eventDest)
}
