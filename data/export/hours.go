package export

import (
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/civickiosk/kiosk/data"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Sheet names of the hours report.
const (
	HoursSheet     = "服务时长"
	CommunitySheet = "社区汇总"
)

// VisitorHours is one person's service in the period of an hours report.
type VisitorHours struct {
	Subject     string // visitor id, or "pass:KEYID:NO" for a pass not known here
	VisitorID   string // "" for a pass not known here
	Name        string // the visitor's name
	Phone       string // full; the writers mask it unless Options.FullPhone
	CommunityID string // the visitor's community, a site id
	Community   string // its name
	Sessions    int    // sessions checked into (accepted check-in), each counted once
	ServiceMS   int64  // total service time, ms (see ComputeHours)
	Unclosed    int    // sessions checked into and never checked out: no time counted
	Auto        bool   // some counted check-out was automatic (method auto)
	Backfilled  bool   // some counted check-in or check-out was back-filled (补录)
}

// CommunityHours totals the service of the visitors of one community.
type CommunityHours struct {
	CommunityID string // "" for visitors with no community
	Community   string // its name
	Visitors    int    // people
	Sessions    int    // person-sessions (人次)
	ServiceMS   int64  // total service time, ms
}

// HoursReport is the service-hours report: one line per person, and totals
// per community. Volunteer teams have no member list in the store, so the
// community of each visitor is the only grouping above the person.
type HoursReport struct {
	// Visitors by community name (no community last), then name, then
	// subject. Names sort in pinyin order (Unicode collation for Chinese).
	Visitors []VisitorHours
	// Communities by name in pinyin order; no community comes last.
	Communities []CommunityHours
}

// ComputeHours builds the hours report from the accepted records src
// delivers in wall-time order (other records, and duplicates the hub marked
// with DuplicateOf, are skipped). Records pair per person and session:
//
//   - a check-in opens the session for that person (a second check-in while
//     open is ignored);
//   - the next check-out closes it and adds data.ServiceMS for the pair,
//     capped to the session (AttendanceRow.Session: its start plus the
//     event's duration);
//   - a check-out with no open check-in adds nothing;
//   - a check-in still open at the end counts in Sessions and Unclosed but
//     adds no time (close ended sessions first, checkin.Service.CloseEnded).
//
// The period is whatever src covers; select it by session start so that a
// session's check-in and check-out fall in the same report.
func ComputeHours(src Source) (HoursReport, error) {
	// Memory grows with people and person-sessions, not records: a session
	// is 40-odd bytes keyed by small numbers standing for the person and event.
	type key struct {
		person, event int32
		session       int64
	}
	type state struct {
		inMS     int64
		open     bool
		inFilled bool
	}
	var people []*VisitorHours
	personOf := map[string]int32{}
	eventOf := map[string]int32{}
	sessions := map[key]state{}
	err := src(func(r AttendanceRow) error {
		if r.Outcome != data.Accepted || r.DuplicateOf != "" {
			return nil
		}
		p, ok := personOf[r.Subject]
		if !ok {
			p = int32(len(people))
			personOf[r.Subject] = p
			people = append(people, &VisitorHours{Subject: r.Subject, VisitorID: r.VisitorID, Name: r.VisitorName,
				Phone: r.Phone, CommunityID: r.CommunityID, Community: r.CommunityName})
		}
		v := people[p]
		e, ok := eventOf[r.EventID]
		if !ok {
			e = int32(len(eventOf))
			eventOf[r.EventID] = e
		}
		k := key{p, e, r.SessionStartMS}
		st, seen := sessions[k]
		switch r.Direction {
		case data.In:
			if !seen {
				v.Sessions++
			}
			if !st.open {
				sessions[k] = state{inMS: r.WallMS, open: true, inFilled: r.Backfilled}
			}
		case data.Out:
			if !st.open {
				return nil
			}
			sessions[k] = state{}
			v.ServiceMS += data.ServiceMS(r.Session(), st.inMS, r.WallMS)
			v.Auto = v.Auto || r.Method == data.MethodAuto
			v.Backfilled = v.Backfilled || r.Backfilled || st.inFilled
		}
		return nil
	})
	if err != nil {
		return HoursReport{}, err
	}
	for k, st := range sessions {
		if st.open {
			people[k.person].Unclosed++
		}
	}
	var rep HoursReport
	groups := map[string]*CommunityHours{}
	for _, v := range people {
		rep.Visitors = append(rep.Visitors, *v)
		g := groups[v.CommunityID]
		if g == nil {
			g = &CommunityHours{CommunityID: v.CommunityID, Community: v.Community}
			groups[v.CommunityID] = g
		}
		g.Visitors++
		g.Sessions += v.Sessions
		g.ServiceMS += v.ServiceMS
	}
	pinyin := collate.New(language.Chinese).CompareString
	slices.SortFunc(rep.Visitors, func(a, b VisitorHours) int {
		return cmp.Or(noneLast(a.CommunityID, b.CommunityID), pinyin(a.Community, b.Community),
			cmp.Compare(a.CommunityID, b.CommunityID), pinyin(a.Name, b.Name), cmp.Compare(a.Subject, b.Subject))
	})
	for _, g := range groups {
		rep.Communities = append(rep.Communities, *g)
	}
	slices.SortFunc(rep.Communities, func(a, b CommunityHours) int {
		return cmp.Or(noneLast(a.CommunityID, b.CommunityID), pinyin(a.Community, b.Community),
			cmp.Compare(a.CommunityID, b.CommunityID))
	})
	return rep, nil
}

// noneLast orders community ids so that "" (no community) comes after all
// others; it is 0 when both or neither are "".
func noneLast(a, b string) int {
	switch {
	case (a == "") == (b == ""):
		return 0
	case a == "":
		return 1
	}
	return -1
}

// hoursTable is the per-person sheet of the hours report.
var hoursTable = table{sheet: HoursSheet, cols: []column{
	{"姓名", kText, 12},
	{"访客", kText, 13}, // phone, masked unless Options.FullPhone
	{"所属社区", kText, 18},
	{"场次", kInt, 7},
	{"服务时长(小时)", kHours, 15},
	{"未签退场次", kInt, 11},
	{"含自动签退", kText, 11},
	{"含补录", kText, 8},
	{"访客编号", kText, 38},
}}

// communityTable is the per-community sheet of the hours report.
var communityTable = table{sheet: CommunitySheet, cols: []column{
	{"社区", kText, 20},
	{"人数", kInt, 7},
	{"人次", kInt, 7},
	{"服务时长(小时)", kHours, 15},
	{"社区编号", kText, 20},
}}

// HoursHeaders returns the column headers of the per-person hours sheet:
//
//	姓名 访客 所属社区 场次 服务时长(小时) 未签退场次 含自动签退 含补录 访客编号
func HoursHeaders() []string { return hoursTable.headers() }

// CommunityHeaders returns the column headers of the per-community sheet:
//
//	社区 人数 人次 服务时长(小时) 社区编号
func CommunityHeaders() []string { return communityTable.headers() }

// noCommunity labels visitors who gave no community.
const noCommunity = "（未填写社区）"

func (rep HoursReport) visitorRows(o Options) func(emit func([]cell) error) error {
	return func(emit func([]cell) error) error {
		for _, v := range rep.Visitors {
			err := emit([]cell{
				text(v.Name), text(o.phone(v.Phone)), text(v.Community), number(int64(v.Sessions), false),
				hours(v.ServiceMS), number(int64(v.Unclosed), false), text(yesNo(v.Auto)),
				text(yesNo(v.Backfilled)), text(v.Subject),
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
}

func (rep HoursReport) communityRows(emit func([]cell) error) error {
	for _, g := range rep.Communities {
		name := g.Community
		if g.CommunityID == "" {
			name = noCommunity
		}
		err := emit([]cell{text(name), number(int64(g.Visitors), false), number(int64(g.Sessions), false),
			hours(g.ServiceMS), text(g.CommunityID)})
		if err != nil {
			return err
		}
	}
	return nil
}

// WriteHoursCSV writes the hours report as CSV to w (layout as
// WriteAttendanceCSV): one row per person (HoursHeaders), or with
// Options.ByCommunity one row per community (CommunityHeaders). Hours have
// two decimals (Hours). It returns the number of data rows.
func WriteHoursCSV(w io.Writer, rep HoursReport, o Options) (int, error) {
	if o.ByCommunity {
		return writeCSV(w, communityTable, o, rep.communityRows)
	}
	return writeCSV(w, hoursTable, o, rep.visitorRows(o))
}

// WriteHoursXLSX writes the hours report as an XLSX workbook to w with two
// sheets: 服务时长 (per person) and 社区汇总 (per community), each with a
// bold, frozen header row. Hours are numbers with the format 0.00. It
// returns the number of data rows over both sheets.
func WriteHoursXLSX(w io.Writer, rep HoursReport, o Options) (int, error) {
	return writeXLSX(w, o, []table{hoursTable, communityTable}, func(i int, emit func([]cell) error) error {
		if i == 0 {
			return rep.visitorRows(o)(emit)
		}
		return rep.communityRows(emit)
	})
}

// WriteHours writes the hours report in format f (WriteHoursCSV or
// WriteHoursXLSX).
func WriteHours(w io.Writer, f Format, rep HoursReport, o Options) (int, error) {
	switch f {
	case CSV:
		return WriteHoursCSV(w, rep, o)
	case XLSX:
		return WriteHoursXLSX(w, rep, o)
	}
	return 0, fmt.Errorf("export format %q: %w", f, ErrFormat)
}
