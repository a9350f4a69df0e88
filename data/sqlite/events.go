package sqlite

import (
	"context"

	"github.com/civickiosk/kiosk/data"
)

// untilSlackMS covers, for a weekly class, the time from its UntilMS (00:00
// of its last day in the content's zone) to the start of that day's session
// in any zone: two days.
const untilSlackMS = 2 * 24 * 3600 * 1000

// EventsBetween returns the events that can have a session overlapping
// [fromMS, toMS) (UTC ms), by first start: those not cancelled whose first
// session starts before toMS and that end after fromMS — a weekly class by
// its last day (UntilMS) or never. It may return a few more (expand them
// with Event.Sessions), never fewer: data.SessionsBetween gives the same
// sessions over EventsBetween as over Events. The filter runs in SQLite, so
// the cost does not grow with years of past events read into Go.
func (s *Store) EventsBetween(ctx context.Context, fromMS, toMS int64) ([]data.Event, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventCols+` FROM events
		WHERE cancelled = 0 AND start_ms < ?1
			AND (end_ms > ?2 OR weekly <> 0 AND (until_ms = 0 OR until_ms + ?3 + (end_ms - start_ms) > ?2))
		ORDER BY start_ms, id`, toMS, fromMS, untilSlackMS)
	if err != nil {
		return nil, err
	}
	return collect(rows, eventDest)
}
