package sqlite

import (
	"context"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/export"
)

// AttendanceRow is an attendance record joined with its event's title and
// duration, the event's site, and the visitor's phone, name and community
// (see export.AttendanceRow).
type AttendanceRow = export.AttendanceRow

// AttendanceFilter selects rows for EachAttendance. Zero fields do not
// filter; all given conditions must hold.
type AttendanceFilter struct {
	// FromMS and ToMS bound the record's wall time: [FromMS, ToMS), UTC ms.
	FromMS, ToMS int64
	// SessionFromMS and SessionToMS bound the start of the record's session:
	// [SessionFromMS, SessionToMS), UTC ms. The hours report selects by
	// session so that a check-in and its check-out fall in the same period.
	SessionFromMS, SessionToMS int64
	// EventID keeps the records of one event.
	EventID string
	// CommunityID is the visitor's community (a site id) as registered now.
	CommunityID string
	// VisitorID keeps the records of one visitor.
	VisitorID string
	// AcceptedOnly keeps accepted check-ins and check-outs, dropping refused
	// scans.
	AcceptedOnly bool
}

// where returns f's SQL conditions and their arguments.
func (f AttendanceFilter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) { conds = append(conds, cond); args = append(args, v) }
	if f.FromMS != 0 {
		add("c.wall_ms >= ?", f.FromMS)
	}
	if f.ToMS != 0 {
		add("c.wall_ms < ?", f.ToMS)
	}
	if f.SessionFromMS != 0 {
		add("c.session_start_ms >= ?", f.SessionFromMS)
	}
	if f.SessionToMS != 0 {
		add("c.session_start_ms < ?", f.SessionToMS)
	}
	if f.EventID != "" {
		add("c.event_id = ?", f.EventID)
	}
	if f.CommunityID != "" {
		add("v.community_id = ?", f.CommunityID)
	}
	if f.VisitorID != "" {
		add("c.visitor_id = ?", f.VisitorID)
	}
	if f.AcceptedOnly {
		add("c.outcome = ?", data.Accepted)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// attendanceFrom joins a record to its event, the event's site, its visitor
// and the visitor's community. Records whose event, visitor or site is
// missing are kept with empty names.
const attendanceFrom = ` FROM checkins c
	LEFT JOIN events e ON e.id = c.event_id
	LEFT JOIN sites s ON s.id = e.site_id
	LEFT JOIN visitors v ON v.id = c.visitor_id
	LEFT JOIN sites cs ON cs.id = v.community_id`

// attendanceCols are the columns of an AttendanceRow: the record's own
// (checkinCols, prefixed) then the joined ones, in attendanceDest's order.
var attendanceCols = func() string {
	cols := strings.Split(checkinCols, ",")
	for i, c := range cols {
		cols[i] = "c." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ") + `, c.subject,
		coalesce(e.title, ''), coalesce(e.start_ms, 0), coalesce(e.end_ms, 0),
		coalesce(e.site_id, ''), coalesce(s.name, ''),
		coalesce(v.phone, ''), coalesce(v.name, ''), coalesce(v.community_id, ''), coalesce(cs.name, ''),
		CASE WHEN c.upload_status IN ('stored', 'already_stored') THEN c.uploaded_ms ELSE 0 END`
}()

func attendanceDest(r *AttendanceRow) []any {
	return append(checkinDest(&r.CheckIn), &r.Subject,
		&r.EventTitle, &r.EventStartMS, &r.EventEndMS, &r.SiteID, &r.SiteName,
		&r.Phone, &r.VisitorName, &r.CommunityID, &r.CommunityName, &r.UploadedMS)
}

// EachAttendance calls fn with each record matching f, joined with its names
// (AttendanceRow), in wall-time order then record id. Rows are streamed from
// one read transaction (a consistent snapshot; check-ins go on meanwhile),
// never all held in memory. It stops at the first error from fn or the
// database and returns it; ctx cancels the query. UploadedMS is the kiosk's
// clock when the hub answered that it stored the record (MarkUploaded with
// status stored or already_stored); 0 while the record is in the outbox or
// was rejected.
func (s *Store) EachAttendance(ctx context.Context, f AttendanceFilter, fn func(AttendanceRow) error) error {
	where, args := f.where()
	rows, err := s.r.QueryContext(ctx, `SELECT `+attendanceCols+attendanceFrom+where+` ORDER BY c.wall_ms, c.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var r AttendanceRow
	dest := attendanceDest(&r)
	for rows.Next() {
		r = AttendanceRow{}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountAttendance returns how many records EachAttendance would deliver for
// f, e.g. the total of a progress bar.
func (s *Store) CountAttendance(ctx context.Context, f AttendanceFilter) (int, error) {
	where, args := f.where()
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*)`+attendanceFrom+where, args...).Scan(&n)
	return n, err
}

// AttendanceSource returns an export.Source over EachAttendance(ctx, f).
func (s *Store) AttendanceSource(ctx context.Context, f AttendanceFilter) export.Source {
	return func(fn func(AttendanceRow) error) error { return s.EachAttendance(ctx, f, fn) }
}

// Hours computes the service-hours report (export.ComputeHours) of the
// accepted records f selects, with its totals per volunteer team
// (HoursReport.AddTeams over the store's teams and recorded members).
// Select the period by session start (SessionFromMS, SessionToMS) so that a
// check-in and its check-out are counted together. progress, when set, is
// called with the number of records read so far, every 1000 records.
func (s *Store) Hours(ctx context.Context, f AttendanceFilter, progress func(records int)) (export.HoursReport, error) {
	return s.hours(ctx, f, progress, export.ComputeHours)
}

// HoursBySession is Hours that also lists each person-session
// (export.ComputeHoursBySession); select few people, e.g. one visitor
// (AttendanceFilter.VisitorID).
func (s *Store) HoursBySession(ctx context.Context, f AttendanceFilter) (export.HoursReport, error) {
	return s.hours(ctx, f, nil, export.ComputeHoursBySession)
}

// hours is Hours computing the report with compute.
func (s *Store) hours(ctx context.Context, f AttendanceFilter, progress func(records int),
	compute func(export.Source) (export.HoursReport, error)) (export.HoursReport, error) {
	f.AcceptedOnly = true
	read := 0
	rep, err := compute(func(fn func(AttendanceRow) error) error {
		return s.EachAttendance(ctx, f, func(r AttendanceRow) error {
			if read++; progress != nil && read%1000 == 0 {
				progress(read)
			}
			return fn(r)
		})
	})
	if err != nil {
		return export.HoursReport{}, err
	}
	teams, err := s.Teams(ctx)
	if err != nil {
		return export.HoursReport{}, err
	}
	members, err := s.TeamMembers(ctx)
	if err != nil {
		return export.HoursReport{}, err
	}
	rep.AddTeams(teams, members)
	return rep, nil
}

// Certificate makes visitor v's service record (export.NewCertificate) of
// the sessions that start in [from, to) (a zero time leaves that end open),
// issued at issued (in the centre's zone): v's hours report by session
// (HoursBySession, the same count as Hours) and the centre's name. It
// returns an error wrapping export.ErrNoService when v has no session in
// the period.
func (s *Store) Certificate(ctx context.Context, v data.Visitor, from, to, issued time.Time) (export.Certificate, error) {
	f := AttendanceFilter{VisitorID: v.ID}
	if !from.IsZero() {
		f.SessionFromMS = from.UnixMilli()
	}
	if !to.IsZero() {
		f.SessionToMS = to.UnixMilli()
	}
	rep, err := s.HoursBySession(ctx, f)
	if err != nil {
		return export.Certificate{}, err
	}
	centre, err := s.Centre(ctx)
	if err != nil {
		return export.Certificate{}, err
	}
	return export.NewCertificate(rep, v.ID, centre.Name, v.Name, data.MaskPhone(v.Phone), from, to, issued)
}
