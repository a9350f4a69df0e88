package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/data"
)

// RosterEntry is one person in a session's roster. Times are UTC ms; the
// phone is masked (data.MaskPhone), never given in full.
type RosterEntry struct {
	Subject     string       // visitor id, "pass:KEY:NO" for a pass not known here, or "anon:…"
	VisitorID   string       // empty for an unknown pass or an anonymised record
	Pass        data.PassRef // the pass on the check-in (zero for staff entries without one)
	Name        string
	MaskedPhone string // "" when the visitor is unknown or deleted
	InMS        int64  // first accepted check-in (0 if only a check-out is recorded)
	InMethod    data.Method
	OutMS       int64 // first check-out after the latest check-in; 0 while inside
	OutMethod   data.Method
	Inside      bool   // the latest accepted record is a check-in
	Backfilled  bool   // one of the person's records is 补录 (back-filled by staff)
	Staff       string // staff member of the latest manual record, if any
}

// Roster is the live roster of one session ("Today" in staff mode).
type Roster struct {
	EventID        string
	SessionStartMS int64
	Capacity       int // the event's capacity; 0 = no limit
	CheckedIn      int // people with an accepted check-in
	CheckedOut     int // people checked out (and not back in)
	Inside         int // people whose latest record is a check-in
	Entries        []RosterEntry
}

// Roster returns the roster of the session of eventID starting at
// sessionStartMS (UTC ms) from its accepted records, read through the
// checkins_session index: everyone checked in, with check-in and check-out
// times and methods, and who is still inside (checked in, not out). Entries
// are in check-in order. An unknown event gives an empty roster with
// capacity 0.
func (s *Store) Roster(ctx context.Context, eventID string, sessionStartMS int64) (Roster, error) {
	r := Roster{EventID: eventID, SessionStartMS: sessionStartMS}
	err := s.r.QueryRowContext(ctx, `SELECT capacity FROM events WHERE id = ?`, eventID).Scan(&r.Capacity)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return r, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT c.subject, c.visitor_id, c.pass_key_id, c.pass_no, c.direction,
			c.method, c.wall_ms, c.staff, c.backfilled, coalesce(v.name, ''), coalesce(v.phone, '')
		FROM checkins c LEFT JOIN visitors v ON v.id = c.visitor_id
		WHERE c.event_id = ? AND c.session_start_ms = ? AND c.outcome = 'accepted'
		ORDER BY c.wall_ms, c.id`, eventID, sessionStartMS)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	index := map[string]int{}
	for rows.Next() {
		var (
			e          RosterEntry
			dir        data.Direction
			method     data.Method
			wall       int64
			staff      string
			backfilled bool
			phone      string
		)
		if err := rows.Scan(&e.Subject, &e.VisitorID, &e.Pass.KeyID, &e.Pass.No, &dir, &method, &wall,
			&staff, &backfilled, &e.Name, &phone); err != nil {
			return r, err
		}
		i, ok := index[e.Subject]
		if !ok {
			if phone != "" {
				e.MaskedPhone = data.MaskPhone(phone)
			}
			i = len(r.Entries)
			index[e.Subject] = i
			r.Entries = append(r.Entries, e)
		}
		p := &r.Entries[i]
		if p.Pass.IsZero() {
			p.Pass = e.Pass
		}
		switch dir {
		case data.In:
			if p.InMS == 0 {
				p.InMS, p.InMethod = wall, method
			}
			p.Inside, p.OutMS, p.OutMethod = true, 0, ""
		case data.Out:
			if p.Inside || p.OutMS == 0 {
				p.OutMS, p.OutMethod = wall, method
			}
			p.Inside = false
		}
		p.Backfilled = p.Backfilled || backfilled
		if staff != "" {
			p.Staff = staff
		}
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	sort.SliceStable(r.Entries, func(i, j int) bool { return r.Entries[i].InMS < r.Entries[j].InMS })
	for _, e := range r.Entries {
		if e.InMS != 0 {
			r.CheckedIn++
		}
		if e.Inside {
			r.Inside++
		} else if e.OutMS != 0 {
			r.CheckedOut++
		}
	}
	return r, nil
}

// DayCount is the number of distinct people checked in on one local day.
type DayCount struct {
	Day     string // YYYY-MM-DD in the centre's zone
	StartMS int64  // local midnight starting the day, UTC ms
	People  int
}

// maxDays bounds AttendancePerDay's range.
const maxDays = 3700

// AttendancePerDay counts, for each local day (in loc, the centre's zone)
// that overlaps [fromMS, toMS) (UTC ms), the distinct people (subjects) with
// an accepted check-in whose wall time falls in that day and in the range.
// Days are in order, days with nobody included (People 0), and bounded by
// real local midnights, so a DST change or a check-in at 07:30 Beijing time
// (23:30 UTC the day before) lands on the right date. Each day is one range
// read of the checkins_day index (wall_ms, subject), which answers without
// touching the table. More than about ten years of days is an error.
func (s *Store) AttendancePerDay(ctx context.Context, fromMS, toMS int64, loc *time.Location) ([]DayCount, error) {
	if loc == nil {
		loc = time.UTC
	}
	if toMS <= fromMS {
		return nil, nil
	}
	var days []DayCount
	var values []string
	var args []any
	t := time.UnixMilli(fromMS).In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	for day.UnixMilli() < toMS {
		next := day.AddDate(0, 0, 1)
		if len(days) == maxDays {
			return nil, fmt.Errorf("attendance per day: more than %d days asked for", maxDays)
		}
		lo, hi := max(day.UnixMilli(), fromMS), min(next.UnixMilli(), toMS)
		values = append(values, "(?, ?, ?)")
		args = append(args, len(days), lo, hi)
		days = append(days, DayCount{Day: day.Format("2006-01-02"), StartMS: day.UnixMilli()})
		day = next
	}
	rows, err := s.r.QueryContext(ctx, `WITH days(i, lo, hi) AS (VALUES `+strings.Join(values, ", ")+`)
		SELECT i, (SELECT count(DISTINCT c.subject) FROM checkins c
			WHERE c.outcome = 'accepted' AND c.direction = 'in' AND c.wall_ms >= lo AND c.wall_ms < hi)
		FROM days`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i, n int
		if err := rows.Scan(&i, &n); err != nil {
			return nil, err
		}
		days[i].People = n
	}
	return days, rows.Err()
}
