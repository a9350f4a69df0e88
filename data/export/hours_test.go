package export

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/civickiosk/kiosk/data"
	"github.com/xuri/excelize/v2"
)

const week = 7 * 24 * 3600 * 1000

// hrow is an accepted record of subject in the Taiji session of 2026-11-30
// (07:30–08:30 Beijing) plus weeks.
func hrow(subject, community string, weeks int64, d data.Direction, at string, m data.Method) AttendanceRow {
	r := AttendanceRow{
		CheckIn: data.CheckIn{ID: subject + at, VisitorID: subject, EventID: "taiji", Direction: d, Method: m,
			WallMS: bj("2026-11-30 "+at+":00") + weeks*week, SessionStartMS: bj("2026-11-30 07:30:00") + weeks*week,
			Outcome: data.Accepted},
		Subject: subject, VisitorName: "name-" + subject, Phone: "13800138000",
		EventStartMS: bj("2026-11-02 07:30:00"), EventEndMS: bj("2026-11-02 08:30:00"),
	}
	if community != "" {
		r.CommunityID, r.CommunityName = community, "社区"+community
	}
	return r
}

func TestComputeHoursPairing(t *testing.T) {
	in, out, qr, auto := data.In, data.Out, data.MethodQR, data.MethodAuto
	filled := func(r AttendanceRow) AttendanceRow { r.Backfilled, r.Method = true, data.MethodStaff; return r }
	refused := hrow("r", "1", 0, in, "07:40", qr)
	refused.Outcome = data.Refused
	gone := hrow("g", "", 0, in, "07:00", qr) // an event deleted since: no end to cap at
	gone.EventID, gone.EventStartMS, gone.EventEndMS = "gone", 0, 0
	goneOut := gone
	goneOut.Direction, goneOut.WallMS = out, bj("2026-11-30 10:00:00")
	pass := hrow("pass:7:9", "", 0, in, "07:30", qr)
	pass.VisitorID, pass.VisitorName, pass.Phone = "", "", ""
	passOut := hrow("pass:7:9", "", 0, out, "07:45", qr)
	passOut.VisitorID, passOut.VisitorName, passOut.Phone = "", "", ""

	rows := []AttendanceRow{
		hrow("a", "1", 0, in, "07:20", qr), // before the start: counted from 07:30
		hrow("b", "1", 0, in, "07:40", qr),
		hrow("c", "2", 0, in, "08:00", qr), // never out
		filled(hrow("d", "2", 0, in, "07:45", qr)),
		hrow("e", "", 0, in, "07:35", qr),
		hrow("e", "", 0, in, "07:40", qr), // a second check-in while in (another kiosk): ignored
		hrow("f", "1", 0, in, "07:30", qr),
		refused,
		gone,
		pass,
		hrow("a", "1", 0, out, "08:00", qr),
		hrow("f", "1", 0, out, "07:50", qr),
		passOut,
		hrow("f", "1", 0, in, "08:00", qr), // back in the same session: one session, both visits
		hrow("e", "", 0, out, "08:05", qr),
		hrow("h", "2", 0, out, "08:10", qr), // a check-out with no check-in
		hrow("f", "1", 0, out, "08:20", qr),
		hrow("b", "1", 0, out, "08:30", auto),
		filled(hrow("d", "2", 0, out, "09:00", qr)), // after the end: counted to 08:30
		goneOut,
		hrow("a", "1", 1, in, "07:30", qr), // next week
		hrow("a", "1", 1, out, "08:00", qr),
	}
	rep, err := ComputeHours(Rows(rows))
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		subject            string
		sessions, unclosed int
		minutes            int64
		auto, backfilled   int
		named              bool
	}
	var got []line
	for _, v := range rep.Visitors {
		got = append(got, line{v.Subject, v.Sessions, v.Unclosed, v.ServiceMS / 60_000, v.Auto, v.Backfilled, v.Name != ""})
	}
	want := []line{ // by community name (none last), then name, then subject
		{"a", 2, 0, 60, 0, 0, true},
		{"b", 1, 0, 50, 1, 0, true},
		{"f", 1, 0, 40, 0, 0, true},
		{"c", 1, 1, 0, 0, 0, true},
		{"d", 1, 0, 45, 0, 2, true}, // a back-filled check-in and check-out
		{"h", 0, 0, 0, 0, 0, true},
		{"pass:7:9", 1, 0, 15, 0, 0, false},
		{"e", 1, 0, 30, 0, 0, true},
		{"g", 1, 0, 150, 0, 0, true}, // 07:30–10:00, not capped at an end
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("visitors:\n got %+v\nwant %+v", got, want)
	}
	for _, v := range rep.Visitors {
		if v.Subject == "r" {
			t.Fatal("a person with only a refused scan is in the report")
		}
	}
	wantGroups := []CommunityHours{
		{"1", "社区1", 3, 4, 150 * 60_000},
		{"2", "社区2", 3, 2, 45 * 60_000},
		{"", "", 3, 3, 195 * 60_000},
	}
	if !reflect.DeepEqual(rep.Communities, wantGroups) {
		t.Fatalf("communities:\n got %+v\nwant %+v", rep.Communities, wantGroups)
	}

	// By session: the same people, and sessions that add up to them.
	bySession, err := ComputeHoursBySession(Rows(rows))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sessions != nil || !reflect.DeepEqual(bySession.Visitors, rep.Visitors) {
		t.Fatalf("by session, visitors differ:\n got %+v\nwant %+v", bySession.Visitors, rep.Visitors)
	}
	sum := map[string]VisitorHours{}
	for _, l := range bySession.Sessions {
		v := sum[l.Subject]
		v.Sessions++
		v.ServiceMS += l.ServiceMS
		v.Auto += l.Auto
		v.Backfilled += l.Backfilled
		if l.Unclosed {
			v.Unclosed++
		}
		sum[l.Subject] = v
	}
	for _, v := range rep.Visitors {
		s := sum[v.Subject]
		if s.Sessions != v.Sessions || s.ServiceMS != v.ServiceMS || s.Auto != v.Auto || s.Backfilled != v.Backfilled ||
			s.Unclosed != v.Unclosed {
			t.Errorf("%s: sessions add up to %+v, the person's line is %+v", v.Subject, s, v)
		}
	}
	var a []int64
	for _, l := range bySession.Sessions {
		if l.Subject == "a" {
			a = append(a, l.ServiceMS/60_000)
		}
	}
	if !reflect.DeepEqual(a, []int64{30, 30}) || bySession.Sessions[0].SessionStartMS > bySession.Sessions[len(bySession.Sessions)-1].SessionStartMS {
		t.Errorf("a's sessions: %v minutes; want two of 30, in order of start", a)
	}

	// Teams: b and d (and g, who served, and x, who did not) are 雷锋团;
	// a, b and the unknown visitor y are 龙城义工; the team with no member
	// recorded is left out, and memberships of a team not given are skipped.
	teams := []data.Team{{ID: "lf", Name: "雷锋团", Kind: data.TeamSocial}, {ID: "lc", Name: "龙城义工", Kind: data.TeamParty},
		{ID: "empty", Name: "阿姨队"}}
	members := []data.TeamMember{{TeamID: "lf", VisitorID: "b"}, {TeamID: "lf", VisitorID: "d"}, {TeamID: "lf", VisitorID: "g"},
		{TeamID: "lf", VisitorID: "x"}, {TeamID: "lc", VisitorID: "a"}, {TeamID: "lc", VisitorID: "b"},
		{TeamID: "lc", VisitorID: "y"}, {TeamID: "gone", VisitorID: "a"}}
	rep.AddTeams(teams, members)
	wantTeams := []TeamHours{ // lei, long
		{TeamID: "lf", Team: "雷锋团", Kind: data.TeamSocial, Members: 4, Visitors: 3, Sessions: 3,
			ServiceMS: (50 + 45 + 150) * 60_000, Auto: 1, Backfilled: 2},
		{TeamID: "lc", Team: "龙城义工", Kind: data.TeamParty, Members: 3, Visitors: 2, Sessions: 3,
			ServiceMS: (60 + 50) * 60_000, Auto: 1},
	}
	if !reflect.DeepEqual(rep.Teams, wantTeams) {
		t.Fatalf("teams:\n got %+v\nwant %+v", rep.Teams, wantTeams)
	}
	rep.AddTeams(teams, members[:1])
	if len(rep.Teams) != 1 || rep.Teams[0].Members != 1 {
		t.Errorf("teams again with one member: %+v", rep.Teams)
	}
}

func TestHours(t *testing.T) {
	for ms, want := range map[int64]float64{0: 0, 50 * 60_000: 0.83, 20 * 60_000: 0.33, 39 * 60_000: 0.65,
		90 * 60_000: 1.5, 18_000: 0.01, 17_999: 0} {
		if got := Hours(ms); got != want {
			t.Errorf("Hours(%d) = %v, want %v", ms, got, want)
		}
	}
}

func hoursReport() HoursReport {
	return HoursReport{
		Visitors: []VisitorHours{
			{Subject: "v1", Name: "=1+1", Phone: "13800138000", CommunityID: "q", Community: "@清河社区",
				Sessions: 3, ServiceMS: 150 * 60_000, Auto: 2},
			{Subject: "v2", Name: "𠮷野家😀", Phone: "13900139000", CommunityID: "q", Community: "@清河社区",
				Sessions: 1, ServiceMS: 50 * 60_000, Unclosed: 1, Backfilled: 1},
			{Subject: "pass:7:9", Sessions: 1, ServiceMS: 15 * 60_000},
		},
		Communities: []CommunityHours{
			{"q", "@清河社区", 2, 4, 200 * 60_000},
			{"", "", 1, 1, 15 * 60_000},
		},
		Teams: []TeamHours{
			{TeamID: "lf", Team: "=雷锋团", Kind: data.TeamSocial, Members: 3, Visitors: 2, Sessions: 4,
				ServiceMS: 200 * 60_000, Unclosed: 1, Auto: 2, Backfilled: 1},
			{TeamID: "lc", Team: "龙城义工", Kind: data.TeamParty, Members: 1},
		},
	}
}

func TestHoursCSV(t *testing.T) {
	var buf bytes.Buffer
	n, err := WriteHoursCSV(&buf, hoursReport(), Options{})
	if err != nil || n != 3 {
		t.Fatalf("WriteHoursCSV = %d, %v", n, err)
	}
	golden(t, "hours.csv", buf.Bytes())
	want := [][]string{
		HoursHeaders(),
		{"'=1+1", "138****8000", "'@清河社区", "3", "2.50", "0", "是", "否", "v1"},
		{"𠮷野家😀", "139****9000", "'@清河社区", "1", "0.83", "1", "否", "是", "v2"},
		{"", "", "", "1", "0.25", "0", "否", "否", "pass:7:9"},
	}
	if got := readCSV(t, buf.Bytes()); !reflect.DeepEqual(got, want) {
		t.Fatalf("hours CSV:\n got %q\nwant %q", got, want)
	}
	buf.Reset()
	if n, err = WriteHoursCSV(&buf, hoursReport(), Options{HoursBy: ByCommunity, FullPhone: true}); err != nil || n != 2 {
		t.Fatalf("by community: %d, %v", n, err)
	}
	golden(t, "hours-community.csv", buf.Bytes())
	want = [][]string{
		CommunityHeaders(),
		{"'@清河社区", "2", "4", "3.33", "q"},
		{noCommunity, "1", "1", "0.25", ""},
	}
	if got := readCSV(t, buf.Bytes()); !reflect.DeepEqual(got, want) {
		t.Fatalf("community CSV:\n got %q\nwant %q", got, want)
	}
	buf.Reset()
	if n, err = WriteHoursCSV(&buf, hoursReport(), Options{HoursBy: ByTeam}); err != nil || n != 2 {
		t.Fatalf("by team: %d, %v", n, err)
	}
	golden(t, "hours-team.csv", buf.Bytes())
	want = [][]string{
		TeamHeaders(),
		{"'=雷锋团", "社会", "3", "2", "4", "3.33", "1", "2", "1", "lf"},
		{"龙城义工", "党群", "1", "0", "0", "0.00", "0", "0", "0", "lc"},
	}
	if got := readCSV(t, buf.Bytes()); !reflect.DeepEqual(got, want) {
		t.Fatalf("team CSV:\n got %q\nwant %q", got, want)
	}
}

func TestHoursXLSX(t *testing.T) {
	var buf bytes.Buffer
	n, err := WriteHoursXLSX(&buf, hoursReport(), Options{FullPhone: true})
	if err != nil || n != 7 {
		t.Fatalf("WriteHoursXLSX = %d, %v", n, err)
	}
	f := openXLSX(t, buf.Bytes())
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{HoursSheet, CommunitySheet, TeamSheet}) {
		t.Fatalf("sheets %q", got)
	}
	rows, _ := f.GetRows(HoursSheet)
	want := [][]string{
		HoursHeaders(),
		{"=1+1", "13800138000", "@清河社区", "3", "2.50", "0", "是", "否", "v1"},
		{"𠮷野家😀", "13900139000", "@清河社区", "1", "0.83", "1", "否", "是", "v2"},
		{"", "", "", "1", "0.25", "0", "否", "否", "pass:7:9"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("%s:\n got %q\nwant %q", HoursSheet, rows, want)
	}
	if raw, _ := f.GetCellValue(HoursSheet, "E3", excelize.Options{RawCellValue: true}); raw != "0.83" {
		t.Errorf("E3 raw %q, want the number 0.83", raw)
	}
	if typ, _ := f.GetCellType(HoursSheet, "B2"); typ != excelize.CellTypeInlineString {
		t.Errorf("the full phone is not text: %v", typ)
	}
	checkLayout(t, f, HoursSheet, len(HoursHeaders()))
	rows, _ = f.GetRows(CommunitySheet)
	want = [][]string{CommunityHeaders(), {"@清河社区", "2", "4", "3.33", "q"}, {noCommunity, "1", "1", "0.25"}}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("%s:\n got %q\nwant %q", CommunitySheet, rows, want)
	}
	checkLayout(t, f, CommunitySheet, len(CommunityHeaders()))
	rows, _ = f.GetRows(TeamSheet)
	want = [][]string{TeamHeaders(), {"=雷锋团", "社会", "3", "2", "4", "3.33", "1", "2", "1", "lf"},
		{"龙城义工", "党群", "1", "0", "0", "0.00", "0", "0", "0", "lc"}}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("%s:\n got %q\nwant %q", TeamSheet, rows, want)
	}
	if raw, _ := f.GetCellValue(TeamSheet, "F2", excelize.Options{RawCellValue: true}); raw != "3.33" {
		t.Errorf("F2 raw %q, want the number 3.33", raw)
	}
	if typ, _ := f.GetCellType(TeamSheet, "C2"); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("成员数 is text: %v", typ)
	}
	checkLayout(t, f, TeamSheet, len(TeamHeaders()))
}

func TestHoursSortPinyin(t *testing.T) {
	var rows []AttendanceRow
	for i, name := range []string{"张三", "王五", "李四", "阿明"} {
		r := hrow("s"+string(rune('0'+i)), "1", 0, data.In, "07:30", data.MethodQR)
		r.VisitorName = name
		rows = append(rows, r)
	}
	rep, err := ComputeHours(Rows(rows))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, v := range rep.Visitors {
		got = append(got, v.Name)
	}
	if want := []string{"阿明", "李四", "王五", "张三"}; !reflect.DeepEqual(got, want) { // a, li, wang, zhang
		t.Fatalf("order %q, want %q", got, want)
	}
}
