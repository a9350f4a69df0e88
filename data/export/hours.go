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
	TeamSheet      = "团队汇总"
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
	Auto        int    // counted check-outs that were automatic (method auto)
	Backfilled  int    // counted check-ins and check-outs that were back-filled (补录)
}

// CommunityHours totals the service of the visitors of one community.
type CommunityHours struct {
	CommunityID string // "" for visitors with no community
	Community   string // its name
	Visitors    int    // people
	Sessions    int    // person-sessions (人次)
	ServiceMS   int64  // total service time, ms
}

// TeamHours totals the service of the members of one volunteer team.
type TeamHours struct {
	TeamID     string
	Team       string // its name
	Kind       string // data.TeamParty, data.TeamProfessional or data.TeamSocial
	Members    int    // members recorded (data.TeamMember)
	Visitors   int    // members who served in the period (a session checked into)
	Sessions   int    // person-sessions (人次)
	ServiceMS  int64  // total service time, ms
	Unclosed   int    // sessions never checked out
	Auto       int    // counted check-outs that were automatic
	Backfilled int    // counted check-ins and check-outs that were back-filled (补录)
}

// HoursReport is the service-hours report: one line per person, and totals
// per community and per volunteer team.
type HoursReport struct {
	// Visitors by community name (no community last), then name, then
	// subject. Names sort in pinyin order (Unicode collation for Chinese).
	Visitors []VisitorHours
	// Communities by name in pinyin order; no community comes last.
	Communities []CommunityHours
	// Teams by name in pinyin order, then id; empty until AddTeams.
	Teams []TeamHours
	// Sessions are the person-sessions behind Visitors, by session start,
	// then event title and subject; filled by ComputeHoursBySession only.
	Sessions []SessionHours
}

// SessionHours is one person's service in one session: a line of a
// volunteer's service record (志愿服务记录证明). Its person's VisitorHours
// is the sum of their SessionHours.
type SessionHours struct {
	Subject        string // as VisitorHours.Subject
	EventID        string
	Event          string // the event's title
	SiteID         string // the event's site
	Site           string // its name
	SessionStartMS int64  // the session's start, UTC ms
	ServiceMS      int64  // service time in the session, ms (see ComputeHours)
	Unclosed       bool   // checked into and never checked out: no time counted
	Auto           int    // counted check-outs that were automatic (method auto)
	Backfilled     int    // counted check-ins and check-outs that were back-filled (补录)
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
func ComputeHours(src Source) (HoursReport, error) { return computeHours(src, false) }

// ComputeHoursBySession is ComputeHours that also lists each person-session
// in HoursReport.Sessions, each with the service ComputeHours counted in
// it. Its memory grows with the sessions listed: select few people (a
// service record selects one visitor).
func ComputeHoursBySession(src Source) (HoursReport, error) { return computeHours(src, true) }

// computeHours is ComputeHours, listing the person-sessions when bySession.
func computeHours(src Source, bySession bool) (HoursReport, error) {
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
		line     int32 // the session's index in lines, when bySession
	}
	var people []*VisitorHours
	var lines []SessionHours
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
				if bySession {
					st.line = int32(len(lines))
					lines = append(lines, SessionHours{Subject: r.Subject, EventID: r.EventID, Event: r.EventTitle,
						SiteID: r.SiteID, Site: r.SiteName, SessionStartMS: r.SessionStartMS})
				}
			}
			if !st.open {
				sessions[k] = state{inMS: r.WallMS, open: true, inFilled: r.Backfilled, line: st.line}
			}
		case data.Out:
			if !st.open {
				return nil
			}
			sessions[k] = state{line: st.line}
			ms := data.ServiceMS(r.Session(), st.inMS, r.WallMS)
			auto := btoi(r.Method == data.MethodAuto)
			filled := btoi(r.Backfilled) + btoi(st.inFilled)
			v.ServiceMS += ms
			v.Auto += auto
			v.Backfilled += filled
			if bySession {
				l := &lines[st.line]
				l.ServiceMS += ms
				l.Auto += auto
				l.Backfilled += filled
			}
		}
		return nil
	})
	if err != nil {
		return HoursReport{}, err
	}
	for k, st := range sessions {
		if st.open {
			people[k.person].Unclosed++
			if bySession {
				lines[st.line].Unclosed = true
			}
		}
	}
	var rep HoursReport
	if bySession {
		pinyin := collate.New(language.Chinese).CompareString
		slices.SortStableFunc(lines, func(a, b SessionHours) int {
			return cmp.Or(cmp.Compare(a.SessionStartMS, b.SessionStartMS), pinyin(a.Event, b.Event),
				cmp.Compare(a.Subject, b.Subject))
		})
		rep.Sessions = lines
	}
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

// AddTeams totals the report's people per volunteer team into rep.Teams:
// each team of teams that has a member in members, with its members' service
// (a person in two teams counts in both). Members are matched by visitor id;
// a member who did not serve in the report's period counts in Members only.
// The totals are of whatever the report covers (its period, one event or
// all), whenever the person joined the team.
func (rep *HoursReport) AddTeams(teams []data.Team, members []data.TeamMember) {
	byVisitor := make(map[string]*VisitorHours, len(rep.Visitors))
	for i := range rep.Visitors {
		if v := &rep.Visitors[i]; v.VisitorID != "" {
			byVisitor[v.VisitorID] = v
		}
	}
	totals := map[string]*TeamHours{}
	for _, t := range teams {
		totals[t.ID] = &TeamHours{TeamID: t.ID, Team: t.Name, Kind: t.Kind}
	}
	rep.Teams = nil
	for _, m := range members {
		g := totals[m.TeamID]
		if g == nil {
			continue
		}
		g.Members++
		v := byVisitor[m.VisitorID]
		if v == nil {
			continue
		}
		if v.Sessions > 0 {
			g.Visitors++
		}
		g.Sessions += v.Sessions
		g.ServiceMS += v.ServiceMS
		g.Unclosed += v.Unclosed
		g.Auto += v.Auto
		g.Backfilled += v.Backfilled
	}
	for _, g := range totals {
		if g.Members > 0 {
			rep.Teams = append(rep.Teams, *g)
		}
	}
	pinyin := collate.New(language.Chinese).CompareString
	slices.SortFunc(rep.Teams, func(a, b TeamHours) int {
		return cmp.Or(pinyin(a.Team, b.Team), cmp.Compare(a.TeamID, b.TeamID))
	})
}

// btoi is 1 for true, 0 for false.
func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
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

// teamTable is the per-team sheet of the hours report.
var teamTable = table{sheet: TeamSheet, cols: []column{
	{"团队", kText, 20},
	{"类型", kText, 7},
	{"成员数", kInt, 8},
	{"服务人数", kInt, 9},
	{"人次", kInt, 7},
	{"服务时长(小时)", kHours, 15},
	{"未签退场次", kInt, 11},
	{"自动签退次数", kInt, 13},
	{"补录记录数", kInt, 11},
	{"团队编号", kText, 16},
}}

// HoursHeaders returns the column headers of the per-person hours sheet:
//
//	姓名 访客 所属社区 场次 服务时长(小时) 未签退场次 含自动签退 含补录 访客编号
func HoursHeaders() []string { return hoursTable.headers() }

// CommunityHeaders returns the column headers of the per-community sheet:
//
//	社区 人数 人次 服务时长(小时) 社区编号
func CommunityHeaders() []string { return communityTable.headers() }

// TeamHeaders returns the column headers of the per-team sheet:
//
//	团队 类型 成员数 服务人数 人次 服务时长(小时) 未签退场次 自动签退次数 补录记录数 团队编号
func TeamHeaders() []string { return teamTable.headers() }

// noCommunity labels visitors who gave no community.
const noCommunity = "（未填写社区）"

func (rep HoursReport) visitorRows(o Options) func(emit func([]cell) error) error {
	return func(emit func([]cell) error) error {
		for _, v := range rep.Visitors {
			err := emit([]cell{
				text(v.Name), text(o.phone(v.Phone)), text(v.Community), number(int64(v.Sessions), false),
				hours(v.ServiceMS), number(int64(v.Unclosed), false), text(yesNo(v.Auto > 0)),
				text(yesNo(v.Backfilled > 0)), text(v.Subject),
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

func (rep HoursReport) teamRows(emit func([]cell) error) error {
	for _, g := range rep.Teams {
		err := emit([]cell{text(g.Team), text(g.Kind), number(int64(g.Members), false), number(int64(g.Visitors), false),
			number(int64(g.Sessions), false), hours(g.ServiceMS), number(int64(g.Unclosed), false),
			number(int64(g.Auto), false), number(int64(g.Backfilled), false), text(g.TeamID)})
		if err != nil {
			return err
		}
	}
	return nil
}

// HoursRows is what a row of the CSV hours report stands for
// (Options.HoursBy).
type HoursRows string

// The rows of the CSV hours report.
const (
	ByVisitor   HoursRows = "visitor"   // a person (HoursHeaders); the default
	ByCommunity HoursRows = "community" // a community (CommunityHeaders)
	ByTeam      HoursRows = "team"      // a volunteer team (TeamHeaders)
)

// WriteHoursCSV writes the hours report as CSV to w (layout as
// WriteAttendanceCSV): one row per person (HoursHeaders), per community
// (CommunityHeaders) or per volunteer team (TeamHeaders), as Options.HoursBy
// says. Hours have two decimals (Hours). It returns the number of data rows.
func WriteHoursCSV(w io.Writer, rep HoursReport, o Options) (int, error) {
	switch o.HoursBy {
	case ByCommunity:
		return writeCSV(w, communityTable, o, rep.communityRows)
	case ByTeam:
		return writeCSV(w, teamTable, o, rep.teamRows)
	}
	return writeCSV(w, hoursTable, o, rep.visitorRows(o))
}

// WriteHoursXLSX writes the hours report as an XLSX workbook to w with three
// sheets: 服务时长 (per person), 社区汇总 (per community) and 团队汇总 (per
// volunteer team), each with a bold, frozen header row. Hours are numbers
// with the format 0.00. It returns the number of data rows over all sheets.
func WriteHoursXLSX(w io.Writer, rep HoursReport, o Options) (int, error) {
	return writeXLSX(w, o, []table{hoursTable, communityTable, teamTable}, func(i int, emit func([]cell) error) error {
		switch i {
		case 0:
			return rep.visitorRows(o)(emit)
		case 1:
			return rep.communityRows(emit)
		}
		return rep.teamRows(emit)
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
