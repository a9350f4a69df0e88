// Package export writes the kiosk's attendance log and service-hours report
// as files staff open in Chinese Excel, WPS or LibreOffice: CSV (UTF-8 with a
// BOM, or GB18030) and XLSX; and a volunteer's service record
// (志愿服务记录证明, Certificate) as A4 pages to print.
//
// It imports no Fyne and no SQL driver: records come in through a Source, a
// callback that a store (sqlite.Store.EachAttendance) or a test fills. Dates
// and times are written in the centre's time zone (Options.Zone), never the
// machine's. Files are written whole or not at all (WriteFile).
package export

import (
	"math"
	"time"

	"github.com/civickiosk/kiosk/data"
)

// AttendanceRow is one attendance record with the names it refers to, as a
// store joins them. It is the input of the attendance log and of the hours
// report.
//
// Names are those in the store at export time (a visitor who moved community
// since shows the new one). Fields a record cannot have are empty: a refused
// scan with no event has no event or site, a pass not known on this kiosk has
// no visitor, phone, name or community.
type AttendanceRow struct {
	data.CheckIn

	// Subject is the key under which a person's records are matched: the
	// visitor id when the visitor is known, otherwise "pass:KEYID:NO".
	Subject string

	EventTitle string // the event's title
	// EventStartMS and EventEndMS are the event's first session (UTC ms);
	// every session of the event lasts EventEndMS − EventStartMS. Both are 0
	// when the event no longer exists.
	EventStartMS, EventEndMS int64
	SiteID                   string // the event's site
	SiteName                 string // the name of the event's site

	Phone         string // the visitor's full 11-digit phone; "" when unknown or deleted
	VisitorName   string // the visitor's name
	CommunityID   string // the visitor's community, a site id
	CommunityName string // the community's name

	// UploadedMS is when the hub confirmed it stored the record (the kiosk's
	// clock at the answer, UTC ms); 0 while it has not been uploaded.
	UploadedMS int64

	// Visitor is written in the 访客 column when Phone is "": the hub, which
	// holds no phones, puts the pass there ("pass:KEYID:NO"). Kiosks leave
	// it empty.
	Visitor string
	// DuplicateOf is, in the hub's district export, the id of the record
	// this one repeats (two kiosks checked the same pass into the same
	// session while offline). Such a row is written with 结果 重复 and 原因
	// naming that record, and ComputeHours does not count it. Kiosks leave
	// it empty.
	DuplicateOf string
}

// Session returns the session the record belongs to: it starts at
// SessionStartMS and lasts as long as the event's first session
// (EventEndMS − EventStartMS), the rule checkin.Service.CloseEnded closes
// sessions by. When the event is unknown the session has no end
// (EndMS = math.MaxInt64), so service time is not capped at the end.
func (r AttendanceRow) Session() data.Session {
	s := data.Session{
		Event: data.Event{ID: r.EventID, SiteID: r.SiteID, Title: r.EventTitle,
			StartMS: r.EventStartMS, EndMS: r.EventEndMS},
		StartMS: r.SessionStartMS,
		EndMS:   math.MaxInt64,
	}
	if d := r.EventEndMS - r.EventStartMS; d > 0 {
		s.EndMS = r.SessionStartMS + d
	}
	return s
}

// Source delivers rows to fn one at a time, in wall-time order (then record
// id), and stops at the first error fn returns, returning it. A store's
// Source streams from the database without loading all rows, e.g.
//
//	src := func(fn func(export.AttendanceRow) error) error { return st.EachAttendance(ctx, filter, fn) }
type Source func(fn func(AttendanceRow) error) error

// Rows returns a Source over rows held in memory, for tests and small lists.
func Rows(rows []AttendanceRow) Source {
	return func(fn func(AttendanceRow) error) error {
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// Options configure the writers. The zero Options write a UTF-8 CSV with a
// BOM, masked phones, times in Asia/Shanghai.
type Options struct {
	// Zone is the centre's time zone: every date and time is written on its
	// calendar and clock, whatever the machine's zone. Default
	// data.DefaultZone (Asia/Shanghai; zone data is embedded).
	Zone *time.Location
	// FullPhone writes visitors' full phone numbers. By default they are
	// masked as 138****8000 (data.MaskPhone).
	FullPhone bool
	// GB18030 encodes CSV as GB18030 without a BOM instead of UTF-8 with a
	// BOM. XLSX is always UTF-8 (the format's own encoding).
	GB18030 bool
	// Progress, when set, is called with the number of data rows written so
	// far: every 1000 rows and once at the end.
	Progress func(rows int)
	// TempDir is where the XLSX writer spills sheet data above 16 MiB
	// (excelize's stream chunk); default os.TempDir(). Point it at the
	// destination's folder when /tmp is a RAM disk.
	TempDir string
	// HoursBy is what a row of the CSV hours report stands for: ByVisitor
	// (also when ""), ByCommunity or ByTeam. The XLSX hours report always
	// has a sheet of each.
	HoursBy HoursRows
}

// progressEvery is how often, in rows, Options.Progress is called.
const progressEvery = 1000

func (o Options) zone() *time.Location {
	if o.Zone != nil {
		return o.Zone
	}
	loc, err := time.LoadLocation(data.DefaultZone)
	if err != nil { // cannot happen: data embeds time/tzdata
		panic(err)
	}
	return loc
}

// phone renders a visitor's phone for a cell: masked unless FullPhone.
func (o Options) phone(p string) string {
	switch {
	case p == "":
		return ""
	case o.FullPhone:
		return p
	}
	return data.MaskPhone(p)
}

// Format is an export file format.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// Extension returns the file name extension of f, with the dot.
func (f Format) Extension() string { return "." + string(f) }
