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

// weekMS is a week in ms.
const weekMS = 7 * 24 * 3600 * 1000

// weeklyDriftMS bounds how far a weekly class's session can be from its
// first start plus whole weeks of 7×24 hours: data.Event.Sessions repeats
// it at the same local time in the zone it is given, which moves it in UTC
// by the zone's change of offset since the first start — an hour or two of
// summer time, and a whole day for a zone that moved across the date line
// (Samoa, 2011).
const weeklyDriftMS = 26 * 3600 * 1000

// EventsBetween returns the events that can have a session overlapping
// [fromMS, toMS) (UTC ms), by first start: those not cancelled whose first
// session starts before toMS and that end after fromMS — a weekly class by
// its last day (UntilMS) or never — and, for a weekly class, whose weekday
// and hours (its first start plus whole weeks, give or take weeklyDriftMS)
// meet the span. siteID, when not "", keeps only the events held at that
// site. It may return a few more (expand them with Event.Sessions), never
// fewer: data.SessionsBetween gives the same sessions over EventsBetween as
// over Events (filtered by site), in any zone. It seeks the events_last_end
// index, so years of past events cost nothing, and weekly classes held on
// other days are left in the file.
func (s *Store) EventsBetween(ctx context.Context, fromMS, toMS int64, siteID string) ([]data.Event, error) {
	// A weekly class has a session in the span when, for some whole number of
	// weeks k, start_ms + k weeks lies in (fromMS - length - drift, toMS +
	// drift): when start_ms's distance past the window's start, modulo a
	// week, is less than the window's width.
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventCols+` FROM events INDEXED BY events_last_end
		WHERE cancelled = 0 AND `+eventsLastEnd+` > ? AND start_ms < ?
			AND (weekly = 0 OR ((start_ms - (? - (end_ms - start_ms))) % ? + ?) % ? < ? + (end_ms - start_ms))
			AND (? = '' OR site_id = ?)
		ORDER BY start_ms, id`, fromMS, toMS,
		fromMS-weeklyDriftMS, weekMS, weekMS, weekMS, toMS-fromMS+2*weeklyDriftMS,
		siteID, siteID)
	if err != nil {
		return nil, err
	}
	return collect(rows, eventDest)
}
