package content

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/civickiosk/kiosk/data"
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// mustParse parses src and fails the test on any problem.
func mustParse(t *testing.T, src string, opts Options) *File {
	t.Helper()
	f, err := Parse([]byte(src), opts)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

// problems parses src, expecting it to be rejected, and returns the problems.
func problems(t *testing.T, src string, opts Options) Errors {
	t.Helper()
	f, err := Parse([]byte(src), opts)
	if err == nil {
		t.Fatalf("Parse accepted a bad file")
	}
	if f != nil {
		t.Errorf("Parse returned a File along with an error")
	}
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error is %T, want *Errors", err)
	}
	if len(*errs) == 0 {
		t.Fatalf("*Errors is empty")
	}
	return *errs
}

// wantProblem fails unless errs has a problem at line whose message holds
// every one of parts.
func wantProblem(t *testing.T, errs Errors, line int, parts ...string) {
	t.Helper()
next:
	for _, p := range errs {
		if p.Line != line {
			continue
		}
		for _, s := range parts {
			if !strings.Contains(p.Msg, s) {
				continue next
			}
		}
		return
	}
	t.Errorf("no problem at line %d containing %q; got:\n%v", line, parts, &errs)
}

const sitesYAML = `sites:
  - id: c
    level: centre
    name: 中心
`

func TestDemoFile(t *testing.T) {
	src, err := os.ReadFile("../../assets/centre.yaml")
	if err != nil {
		t.Fatal(err)
	}
	loc := shanghai(t)
	now := time.Date(2025, 6, 10, 10, 0, 0, 0, loc) // a Tuesday
	f := mustParse(t, string(src), Options{Now: now, Dir: os.DirFS("../../assets")})

	if f.Zone != "Asia/Shanghai" {
		t.Errorf("Zone = %q", f.Zone)
	}
	c := f.Centre
	if c.Name != "小店区新时代文明实践中心" || c.Model != "12345678+N" || c.Summary == "" {
		t.Errorf("centre = %q %q, summary %d bytes", c.Name, c.Model, len(c.Summary))
	}
	if want := []string{"文化馆", "图书馆", "法律援助中心", "青少年宫", "老干部党校"}; strings.Join(c.Rooms, ",") != strings.Join(want, ",") {
		t.Errorf("rooms = %v", c.Rooms)
	}
	joined := strings.Join(append(append(append([]string{}, c.Mottoes...), c.Facts...), c.Services...), "\n")
	for _, s := range []string{"五最", "六讲六传", "500余场次", "近6万人次", "32面", "162个", "午餐5元", "晚餐2元", "送餐上门"} {
		if !strings.Contains(joined, s) {
			t.Errorf("centre mottoes/facts/services lack %q", s)
		}
	}

	texts := append(append([]string{c.Summary}, c.Mottoes...), c.Services...)
	for _, h := range f.Honour {
		texts = append(texts, h.Story)
	}
	for _, tm := range f.Teams {
		texts = append(texts, tm.Description)
	}
	for _, s := range texts {
		r := []rune(s)
		for i := 1; i+1 < len(r); i++ {
			if r[i] == ' ' && isCJK(r[i-1]) && isCJK(r[i+1]) {
				t.Errorf("stray space from line folding in %q", s)
				break
			}
		}
	}

	if len(f.Sites) != 16 || len(f.Events) != 25 || len(f.Honour) != 11 || len(f.Teams) != 13 {
		t.Errorf("counts: %d sites, %d events, %d honour, %d teams", len(f.Sites), len(f.Events), len(f.Honour), len(f.Teams))
	}
	sites := map[string]data.Site{}
	perLevel := map[data.SiteLevel]int{}
	for _, s := range f.Sites {
		sites[s.ID] = s
		perLevel[s.Level]++
	}
	if perLevel[data.LevelCentre] != 1 || perLevel[data.LevelInstitute] != 5 || perLevel[data.LevelStation] != 8 || perLevel[data.LevelPoint] != 2 {
		t.Errorf("sites per level: %v", perLevel)
	}
	if sites["xiaodian"].Level != data.LevelCentre || sites["xiaodian"].ParentID != "" {
		t.Errorf("xiaodian = %+v", sites["xiaodian"])
	}
	for _, s := range f.Sites {
		if s.ParentID != "" && sites[s.ParentID].Level >= s.Level {
			t.Errorf("site %s: parent %s is not of a higher level", s.ID, s.ParentID)
		}
	}
	refs := func(kind, id, site string) {
		if _, ok := sites[site]; !ok {
			t.Errorf("%s %s: unknown site %q", kind, id, site)
		}
	}
	for _, e := range f.Events {
		refs("event", e.ID, e.SiteID)
		if e.EndMS <= e.StartMS {
			t.Errorf("event %s: end %d not after start %d", e.ID, e.EndMS, e.StartMS)
		}
	}
	for _, h := range f.Honour {
		refs("honour", h.ID, h.SiteID)
	}
	kinds := map[string]int{}
	for _, tm := range f.Teams {
		refs("team", tm.ID, tm.SiteID)
		kinds[tm.Kind]++
	}
	if kinds[data.TeamParty] == 0 || kinds[data.TeamProfessional] == 0 || kinds[data.TeamSocial] == 0 || len(kinds) != 3 {
		t.Errorf("team kinds: %v", kinds)
	}

	names := map[string]data.HonourEntry{}
	hidden := 0
	for _, h := range f.Honour {
		names[h.Name] = h
		if h.Hidden {
			hidden++
		}
	}
	for _, n := range []string{"赵海生", "陈勇", "冯黎明", "孟小平", "许爱香", "傅小苏", "范玲"} {
		if names[n].Story == "" {
			t.Errorf("honour wall lacks %s", n)
		}
	}
	for _, n := range []string{"孟小平", "许爱香", "傅小苏"} {
		if names[n].SiteID != "changzhilu2" || names[n].Title != "身边好人" {
			t.Errorf("%s: site %s title %s", n, names[n].SiteID, names[n].Title)
		}
	}
	if hidden != 1 {
		t.Errorf("%d hidden honour entries, want 1", hidden)
	}
	teamNames := map[string]bool{}
	for _, tm := range f.Teams {
		teamNames[tm.Name] = true
	}
	for _, n := range []string{"警嫂志愿服务队", "龙城义工", "赵海生雷锋团", "睦邻党支部"} {
		if !teamNames[n] {
			t.Errorf("teams lack %s", n)
		}
	}

	// The 太极拳班 is weekly on Tuesdays in 文华苑社区二楼多功能室, and had
	// sessions before today (from: today-35).
	var taiji data.Event
	for _, e := range f.Events {
		if e.ID == "taiji" {
			taiji = e
		}
	}
	if !taiji.Weekly || taiji.Place != "文华苑社区二楼多功能室" || taiji.SiteID != "wenhuayuan" {
		t.Errorf("taiji = %+v", taiji)
	}
	if st := time.UnixMilli(taiji.StartMS).In(loc); st.Weekday() != time.Tuesday || st.Hour() != 8 || st.Minute() != 30 || !st.Before(now) {
		t.Errorf("taiji first session %v", st)
	}
}

// TestDemoAlwaysCurrent loads the demo at every hour of two weeks and checks
// that the centre always has an event open for check-in between 08:00 and
// 21:00, that every day has something at the centre, and that past and
// coming events both exist.
func TestDemoAlwaysCurrent(t *testing.T) {
	src, err := os.ReadFile("../../assets/centre.yaml")
	if err != nil {
		t.Fatal(err)
	}
	loc := shanghai(t)
	rules := data.DefaultRules
	start := time.Date(2026, 2, 26, 0, 30, 0, 0, loc)
	for h := 0; h < 14*24; h += 5 {
		now := start.Add(time.Duration(h) * time.Hour)
		f, err := Parse(src, Options{Now: now})
		if err != nil {
			t.Fatalf("now %v: %v", now, err)
		}
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
		for _, at := range []time.Time{day.Add(8 * time.Hour), day.Add(13 * time.Hour), day.Add(20*time.Hour + 59*time.Minute)} {
			open := 0
			for _, s := range data.SessionsBetween(f.Events, at.Add(-24*time.Hour).UnixMilli(), at.Add(24*time.Hour).UnixMilli(), "xiaodian", loc) {
				if s.Event.SiteID == "xiaodian" && rules.Open(s, at.UnixMilli()) {
					open++
				}
			}
			if open == 0 {
				t.Errorf("loaded %v: no centre event open at %v", now, at)
			}
		}
		past, coming := 0, 0
		for _, e := range f.Events {
			if e.EndMS < now.UnixMilli() {
				past++
			}
			if e.StartMS > now.UnixMilli() {
				coming++
			}
		}
		if past < 5 || coming < 5 {
			t.Errorf("loaded %v: %d past and %d coming events", now, past, coming)
		}
	}
	// Every weekday has a weekly class at the centre.
	f, _ := Parse(src, Options{Now: start})
	days := map[time.Weekday]bool{}
	for _, e := range f.Events {
		if e.Weekly && e.SiteID == "xiaodian" {
			days[time.UnixMilli(e.StartMS).In(loc).Weekday()] = true
		}
	}
	if len(days) != 7 {
		t.Errorf("centre weekly classes cover %d weekdays: %v", len(days), days)
	}
}

// TestDemoSessionsAcrossWeekBoundary expands the demo's weekly classes from a
// Saturday to the next Wednesday and checks each session's weekday and time.
func TestDemoSessionsAcrossWeekBoundary(t *testing.T) {
	src, err := os.ReadFile("../../assets/centre.yaml")
	if err != nil {
		t.Fatal(err)
	}
	loc := shanghai(t)
	now := time.Date(2025, 11, 28, 12, 0, 0, 0, loc) // a Friday
	f := mustParse(t, string(src), Options{Now: now})
	want := map[string]time.Weekday{
		"jianshencao": time.Monday, "taiji": time.Tuesday, "shuhua": time.Tuesday, "hechang": time.Wednesday,
		"menqian-sanbao": time.Wednesday, "dushuhui": time.Thursday, "dajiangtang": time.Friday,
		"kepu-ketang": time.Saturday, "falv-zixun": time.Saturday, "shufa-ban": time.Saturday, "guangchang": time.Sunday,
	}
	from := time.Date(2025, 12, 6, 0, 0, 0, 0, loc) // Saturday
	to := time.Date(2025, 12, 11, 0, 0, 0, 0, loc)  // Thursday 00:00
	var weekly []data.Event
	for _, e := range f.Events {
		if e.Weekly {
			weekly = append(weekly, e)
		}
	}
	if len(weekly) != len(want) {
		t.Fatalf("%d weekly events, want %d", len(weekly), len(want))
	}
	got := map[string][]time.Time{}
	for _, s := range data.SessionsBetween(weekly, from.UnixMilli(), to.UnixMilli(), "", loc) {
		st := time.UnixMilli(s.StartMS).In(loc)
		got[s.Event.ID] = append(got[s.Event.ID], st)
		if wd, ok := want[s.Event.ID]; !ok || st.Weekday() != wd {
			t.Errorf("%s: session on %v, want a %v", s.Event.ID, st, wd)
		}
		first := time.UnixMilli(s.Event.StartMS).In(loc)
		if st.Hour() != first.Hour() || st.Minute() != first.Minute() || s.EndMS-s.StartMS != s.Event.EndMS-s.Event.StartMS {
			t.Errorf("%s: session %v does not keep the first session's time %v", s.Event.ID, st, first)
		}
	}
	for id, wd := range want {
		n := 1
		if wd == time.Thursday || wd == time.Friday {
			n = 0
		}
		if len(got[id]) != n {
			t.Errorf("%s (%v): %d sessions in Sat–Wed, want %d: %v", id, wd, len(got[id]), n, got[id])
		}
	}
	if d := got["guangchang"]; len(d) == 1 && d[0].Day() != 7 {
		t.Errorf("Sunday class on %v, want 2025-12-07", d[0])
	}
	if d := got["jianshencao"]; len(d) == 1 && d[0].Day() != 8 {
		t.Errorf("Monday class on %v, want 2025-12-08", d[0])
	}
}

func TestRelativeDatesInCentreZone(t *testing.T) {
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	time.Local = la
	loc := shanghai(t)

	// 16:30 UTC on Sunday 10 March 2024 is already 00:30 on Monday 11 March
	// in Shanghai (and still 9 March/10 March in Los Angeles/UTC).
	now := time.Date(2024, 3, 10, 16, 30, 0, 0, time.UTC)
	src := sitesYAML + `events:
  - {id: a, site: c, title: A, date: today, time: "09:00-10:00"}
  - {id: b, site: c, title: B, date: today+3, time: "9:00-24:00"}
  - {id: d, site: c, title: D, date: "today - 30", time: "18:30-19:00"}
  - {id: e, site: c, title: E, date: 2024/3/1, time: "08:00～09:00"}
  - {id: f, site: c, title: F, date: 2024年3月2日, time: "08:00至09:00"}
`
	f := mustParse(t, src, Options{Now: now})
	want := []struct{ start, end time.Time }{
		{time.Date(2024, 3, 11, 9, 0, 0, 0, loc), time.Date(2024, 3, 11, 10, 0, 0, 0, loc)},
		{time.Date(2024, 3, 14, 9, 0, 0, 0, loc), time.Date(2024, 3, 15, 0, 0, 0, 0, loc)},
		{time.Date(2024, 2, 10, 18, 30, 0, 0, loc), time.Date(2024, 2, 10, 19, 0, 0, 0, loc)},
		{time.Date(2024, 3, 1, 8, 0, 0, 0, loc), time.Date(2024, 3, 1, 9, 0, 0, 0, loc)},
		{time.Date(2024, 3, 2, 8, 0, 0, 0, loc), time.Date(2024, 3, 2, 9, 0, 0, 0, loc)},
	}
	for i, w := range want {
		e := f.Events[i]
		if e.Weekly || e.StartMS != w.start.UnixMilli() || e.EndMS != w.end.UnixMilli() {
			t.Errorf("event %s: %v–%v, want %v–%v", e.ID, time.UnixMilli(e.StartMS).In(loc), time.UnixMilli(e.EndMS).In(loc), w.start, w.end)
		}
	}
	if f.Events[0].StartMS != time.Date(2024, 3, 11, 1, 0, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("09:00 Shanghai is not 01:00 UTC")
	}

	// Another zone in the file moves both "today" and the wall-clock times.
	f = mustParse(t, "zone: America/New_York\n"+src, Options{Now: now})
	ny, _ := time.LoadLocation("America/New_York")
	if got, want := f.Events[0].StartMS, time.Date(2024, 3, 10, 9, 0, 0, 0, ny).UnixMilli(); got != want || f.Zone != "America/New_York" {
		t.Errorf("New York today 09:00 = %v, want %v", time.UnixMilli(got).In(ny), time.UnixMilli(want).In(ny))
	}
}

func TestWeekly(t *testing.T) {
	loc := shanghai(t)
	now := time.Date(2024, 3, 6, 12, 0, 0, 0, loc) // a Wednesday
	src := sitesYAML + `events:
  - {id: sun, site: c, title: A, weekly: 周一, from: 2024-03-10, time: "09:00-10:30"}
  - {id: mon, site: c, title: B, weekly: mon, from: 2024-03-11, time: "09:00-10:30"}
  - {id: num, site: c, title: C, weekly: 1, from: 2024-03-10, time: "09:00-10:30", until: 2024-03-25}
  - {id: def, site: c, title: D, weekly: 星期三, time: "08:00-09:00"}
  - {id: sat, site: c, title: E, weekly: Sat, time: "08:00-09:00", from: today-7}
  - {id: sunday, site: c, title: F, weekly: 7, time: "08:00-09:00"}
`
	f := mustParse(t, src, Options{Now: now.UTC()})
	monday := time.Date(2024, 3, 11, 9, 0, 0, 0, loc)
	for _, i := range []int{0, 1, 2} {
		e := f.Events[i]
		if !e.Weekly || e.StartMS != monday.UnixMilli() || e.EndMS != monday.Add(90*time.Minute).UnixMilli() {
			t.Errorf("event %s starts %v, want %v", e.ID, time.UnixMilli(e.StartMS).In(loc), monday)
		}
	}
	if f.Events[0].UntilMS != 0 {
		t.Errorf("UntilMS without until = %d", f.Events[0].UntilMS)
	}
	if got, want := f.Events[2].UntilMS, time.Date(2024, 3, 25, 0, 0, 0, 0, loc).UnixMilli(); got != want {
		t.Errorf("UntilMS = %v, want %v", time.UnixMilli(got).In(loc), time.UnixMilli(want).In(loc))
	}
	// until is inclusive of its day: 11, 18 and 25 March.
	if n := len(f.Events[2].Sessions(0, 1<<62, loc)); n != 3 {
		t.Errorf("%d sessions up to until, want 3", n)
	}
	checks := []struct {
		i    int
		want time.Time
	}{
		{3, time.Date(2024, 3, 6, 8, 0, 0, 0, loc)}, // from defaults to the load day, itself a Wednesday
		{4, time.Date(2024, 3, 2, 8, 0, 0, 0, loc)}, // first Saturday on/after 28 February
		{5, time.Date(2024, 3, 10, 8, 0, 0, 0, loc)},
	}
	for _, c := range checks {
		if got := f.Events[c.i].StartMS; got != c.want.UnixMilli() {
			t.Errorf("event %s starts %v, want %v", f.Events[c.i].ID, time.UnixMilli(got).In(loc), c.want)
		}
	}
}

func TestBadFileReportsEveryRow(t *testing.T) {
	src := `zone: Asia/Shanghai
sites:
  - id: c
    level: centre
    name: 中心
  - id: s1
    level: station
    name: 站
    parent: nowhere
events:
  - id: taiji
    site: c
    title: 太极拳班
    date: today
    time: "9:00-8:00"
  - id: Bad Id
    site: c
    title: x
    weekly: 周八
    time: "09:00-10:00"
  - id: cap
    site: s9
    title: y
    date: 2020-02-30
    time: "09:00-10:00"
    capacity: -3
  - id: both
    site: c
    title: z
    date: today
    weekly: 周一
    time: "09:00-10:00"
  - id: untl
    site: c
    title: u
    weekly: 周一
    time: "09:00"
    from: 2024-03-10
    until: 2024-03-01
  - id: once
    site: c
    date: today
    from: today
    time: "25:00-26:00"
teams:
  - id: t
    site: c
    name: 队
    kind: 民间
    members: 很多
`
	errs := problems(t, src, Options{Now: time.Date(2024, 3, 6, 4, 0, 0, 0, time.UTC)})
	want := []string{
		`line 9: site "s1": parent "nowhere" is not a site of this file`,
		`line 15: event "taiji": time "9:00-8:00" ends before it starts`,
		`line 16: event "Bad Id": id "Bad Id" must be a short ASCII slug: lower-case letters a-z, digits, '-' and '_', starting with a letter or digit`,
		`line 19: event "Bad Id": weekly "周八" is not a day of the week; write 周一…周日, mon…sun or 1–7 (1 = Monday)`,
		`line 22: event "cap": site "s9" is not a site of this file (did you mean "s1"?)`,
		`line 24: event "cap": date "2020-02-30" is not a day of the calendar`,
		`line 26: event "cap": capacity -3 must be 0 (no limit) or more`,
		`line 31: event "both": give either date (a one-off event) or weekly (a weekly class), not both`,
		`line 37: event "untl": time "09:00" is not a time range; write it as "09:00-11:00"`,
		`line 39: event "untl": until 2024-03-01 is before the first class (周一 2024-03-11), so the class never takes place`,
		`line 40: event "once": missing title`,
		`line 43: event "once": from applies to weekly classes only; a one-off event has just a date`,
		`line 44: event "once": time "25:00-26:00": 25:00 is not a time of day`,
		`line 49: team "t": kind "民间" must be 党群, 专业 or 社会 (party, professional, social)`,
		`line 50: team "t": members "很多" is not a whole number`,
	}
	got := make([]string, len(errs))
	for i, p := range errs {
		got[i] = p.String()
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if e := (&errs).Error(); !strings.HasPrefix(e, want[0]+"\n") || strings.Count(e, "\n") != len(want)-1 {
		t.Errorf("Error() = %q", e)
	}
}

func TestWholeFileRejected(t *testing.T) {
	good := sitesYAML + `events:
  - {id: a, site: c, title: A, date: today, time: "09:00-10:00"}
  - {id: b, site: c, title: B, weekly: 周二, time: "09:00-10:00"}
teams:
  - {id: t1, site: c, name: 队一, kind: 党群}
`
	mustParse(t, good, Options{})
	bad := good + "  - {id: t2, site: c, name: 队二, kind: 党群, members: -1}\n"
	f, err := Parse([]byte(bad), Options{})
	if f != nil {
		t.Fatalf("a file with one bad row gave %d events, %d teams", len(f.Events), len(f.Teams))
	}
	var errs *Errors
	if !errors.As(err, &errs) || len(*errs) != 1 || (*errs)[0].Line != 10 {
		t.Fatalf("err = %v", err)
	}
}

func TestUnknownKeys(t *testing.T) {
	src := sitesYAML + `events:
  - id: a
    site: c
    titel: 太极
    date: today
    time: "09:00-10:00"
event:
  - id: b
centre:
  name: 中心
  rooms: [文化馆]
  adress: 小店区
`
	errs := problems(t, src, Options{})
	wantProblem(t, errs, 8, `event "a": unknown key "titel" (did you mean "title"?)`, "allowed keys: id, site, title")
	wantProblem(t, errs, 6, `event "a": missing title`)
	wantProblem(t, errs, 11, `unknown key "event" (did you mean "events"?)`)
	wantProblem(t, errs, 16, `centre: unknown key "adress"; allowed keys: name, model`)
	if len(errs) != 4 {
		t.Errorf("got %d problems:\n%v", len(errs), &errs)
	}
}

func TestDuplicates(t *testing.T) {
	src := `sites:
  - {id: c, level: centre, name: 中心}
  - {id: c, level: institute, name: 所, parent: c}
  - {id: c2, level: 区中心, name: 另一个中心}
events:
  - {id: a, site: c, title: A, date: today, time: "09:00-10:00"}
  - {id: a, site: c, title: B, date: today, time: "09:00-10:00"}
honour:
  - {id: a, site: c, name: 张三}
  - id: b
    site: c
    name: 李四
    name: 王五
teams:
  - {id: a, site: c, name: 队, kind: 社会}
`
	errs := problems(t, src, Options{})
	wantProblem(t, errs, 3, `site "c": id "c" is used twice (first at line 2)`)
	wantProblem(t, errs, 4, `site "c2": a second centre; a file holds at most one (the first is at line 2)`)
	wantProblem(t, errs, 7, `event "a": id "a" is used twice (first at line 6)`)
	wantProblem(t, errs, 13, `honour entry "b": key "name" given twice (first at line 12)`)
	wantProblem(t, errs, 3, `site "c": a site cannot be its own parent`)
	if len(errs) != 5 {
		t.Errorf("got %d problems (ids are unique per kind only):\n%v", len(errs), &errs)
	}
}

func TestSiteLevels(t *testing.T) {
	src := `sites:
  - {id: c, level: centre, name: 中心, parent: x}
  - {id: i, level: institute, name: 所}
  - {id: s, level: station, name: 站, parent: p}
  - {id: p, level: point, name: 点, parent: s}
  - {id: q, level: 5, name: 点}
  - {id: r, level: 村居站, name: 站, parent: r}
  - {id: ok, level: 4, name: 点, parent: c}
`
	errs := problems(t, src, Options{})
	wantProblem(t, errs, 2, "a centre has no parent")
	wantProblem(t, errs, 3, "missing parent: a institute (街乡所) belongs to a site of a higher level")
	wantProblem(t, errs, 4, `parent "p" is a point (文明单位点), not of a higher level than this station (村居站)`)
	wantProblem(t, errs, 6, `level "5" must be one of centre, institute, station, point`)
	wantProblem(t, errs, 7, "a site cannot be its own parent")
	if len(errs) != 5 {
		t.Errorf("got %d problems:\n%v", len(errs), &errs)
	}
}

func TestKnownSites(t *testing.T) {
	src := `sites:
  - {id: newstation, level: station, name: 新站, parent: pingyanglu}
events:
  - {id: a, site: xiaodian, title: A, date: today, time: "09:00-10:00"}
  - {id: b, site: newstation, title: B, date: today, time: "09:00-10:00"}
`
	f := mustParse(t, src, Options{KnownSites: map[string]bool{"xiaodian": true, "pingyanglu": true}})
	if f.Centre.Name != "" || len(f.Sites) != 1 || len(f.Events) != 2 {
		t.Errorf("import = %+v", f)
	}
	errs := problems(t, src, Options{KnownSites: map[string]bool{"xiaodian": true}})
	wantProblem(t, errs, 2, `parent "pingyanglu" is not a site of this file nor an existing site`)
	if len(errs) != 1 {
		t.Errorf("got %d problems:\n%v", len(errs), &errs)
	}
}

func TestPhotos(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var pngBuf, jpgBuf bytes.Buffer
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpgBuf, img, nil); err != nil {
		t.Fatal(err)
	}
	dir := fstest.MapFS{
		"photos/zhao.png":   {Data: pngBuf.Bytes()},
		"photos/chen.jpg":   {Data: jpgBuf.Bytes()},
		"photos/notes.txt":  {Data: []byte("not an image")},
		"photos/huge.jpg":   {Data: append(append([]byte{}, jpgBuf.Bytes()...), make([]byte, MaxPhotoBytes)...)},
		"photos/sub/x.jpeg": {Data: jpgBuf.Bytes()},
	}
	good := sitesYAML + `honour:
  - {id: a, site: c, name: 赵, photo: photos/zhao.png}
  - {id: b, site: c, name: 陈, photo: ./photos/chen.jpg, title: 中国好人, hidden: true, sort: -2}
  - {id: d, site: c, name: 冯, photo: 'photos\sub\x.jpeg'}
  - {id: e, site: c, name: 无照片}
`
	f := mustParse(t, good, Options{Dir: dir})
	if !bytes.Equal(f.Honour[0].Photo, pngBuf.Bytes()) || !bytes.Equal(f.Honour[1].Photo, jpgBuf.Bytes()) || f.Honour[2].Photo == nil || f.Honour[3].Photo != nil {
		t.Errorf("photos not loaded as given")
	}
	if h := f.Honour[1]; !h.Hidden || h.Sort != -2 || h.Title != "中国好人" {
		t.Errorf("honour entry = %+v", h)
	}

	errs := problems(t, good, Options{})
	wantProblem(t, errs, 6, `honour entry "a": photo "photos/zhao.png": photos are not allowed here`)
	if len(errs) != 3 {
		t.Errorf("without Dir: %d problems, want 3:\n%v", len(errs), &errs)
	}

	bad := sitesYAML + `honour:
  - {id: a, site: c, name: 甲, photo: photos/missing.png}
  - {id: b, site: c, name: 乙, photo: photos/notes.txt}
  - {id: d, site: c, name: 丙, photo: ../secret.png}
  - {id: e, site: c, name: 丁, photo: /etc/passwd}
  - {id: f, site: c, name: 戊, photo: photos}
  - {id: g, site: c, name: 己, photo: photos/huge.jpg}
`
	errs = problems(t, bad, Options{Dir: dir})
	wantProblem(t, errs, 6, `photo "photos/missing.png": no such file`)
	wantProblem(t, errs, 7, `photo "photos/notes.txt" is not a PNG or JPEG image`)
	wantProblem(t, errs, 8, `photo "../secret.png" must be inside the content file's folder`)
	wantProblem(t, errs, 9, `photo "/etc/passwd" must be a path relative to the content file`)
	wantProblem(t, errs, 10, `photo "photos" is a folder`)
	wantProblem(t, errs, 11, `photo "photos/huge.jpg" is`, "at most 8 MB")
	if len(errs) != 6 {
		t.Errorf("got %d problems:\n%v", len(errs), &errs)
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct {
		src  string
		line int
		msg  string
	}{
		{"", 1, "the file is empty"},
		{"# only a comment\n", 1, "the file is empty"},
		{sitesYAML + "events:\n  - id: a\n\t site: c\n", 7, "YAML syntax: found a tab character"},
		{sitesYAML + "events: [\n  {id: a},\n  {id: b}\nteams: []\n", 5, "YAML syntax: did not find expected ',' or ']'"},
		{"centre: name: 中心\n", 1, "YAML syntax: mapping values are not allowed in this context"},
		{sitesYAML + "events:\n  - id: a\n    title: \"未闭合\n", 7, "YAML syntax: found unexpected end of stream"},
		{sitesYAML + "teams:\n  - *team\n", 6, `YAML syntax: unknown anchor "team" referenced`},
		{sitesYAML + "---\nevents: []\n", 5, "more than one YAML document"},
		{sitesYAML + "events:\n  - id: a\n    site: c\n   title: x\n    date: today\n", 8, "YAML syntax: "},
		{sitesYAML + "events:\n  - id: a\n    site: c\n      title: x\n", 8, "YAML syntax: "},
		{"- a\n- b\n", 1, "the file must be a mapping"},
		{"zone: Asia/Shanghai\nsites:\n  - {id: c, level: centre, name: \xd6\xd0\xd0\xc4}\n", 3, "not UTF-8"},
		{"zone: Mars/Olympus\n", 1, `zone "Mars/Olympus" is not an IANA time zone`},
		{"sites: 中心\n", 1, "sites must be a list"},
		{"sites:\n  - 中心\n", 2, "site #1 must be a mapping"},
		{"centre:\n  name: [a, b]\n", 2, "centre: name must be text, not a list"},
		{"centre:\n  name: x\n  rooms: {a: b}\n", 3, "centre: rooms must be a list of texts"},
	}
	for _, c := range cases {
		errs := problems(t, c.src, Options{})
		if errs[0].Line != c.line || !strings.Contains(errs[0].Msg, c.msg) {
			t.Errorf("%q: first problem %q, want line %d: …%s…", c.src, errs[0].String(), c.line, c.msg)
		}
	}
}

func TestTeamsAndFields(t *testing.T) {
	src := sitesYAML + `teams:
  - id: jingsao
    site: c
    name: 警嫂志愿服务队
    kind: social
    members: 12
    description: |
      疫情期间组成志愿服务队伍，
      一直坚持了下来。
    community: >-
      永康社区 A
      B 社区，
      “好人”
events:
  - id: a
    site: c
    title: "  讲座  "
    date: today
    time: " 14：00 — 15：30 "
    capacity: 0
    cancelled: 是
`
	loc := shanghai(t)
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, loc)
	f := mustParse(t, src, Options{Now: now})
	tm := f.Teams[0]
	if tm.Kind != data.TeamSocial || tm.Members != 12 || tm.Community != "永康社区 A B 社区，“好人”" || tm.Description != "疫情期间组成志愿服务队伍，\n一直坚持了下来。" {
		t.Errorf("team = %+v", tm)
	}
	e := f.Events[0]
	if e.Title != "讲座" || !e.Cancelled || e.StartMS != time.Date(2024, 5, 1, 14, 0, 0, 0, loc).UnixMilli() || e.EndMS-e.StartMS != 90*60_000 {
		t.Errorf("event = %+v", e)
	}
}

func TestAFileWithoutZoneIsReadInTheCentresZone(t *testing.T) {
	urumqi, _ := time.LoadLocation("Asia/Urumqi")
	src := []byte("sites:\n  - {id: c, level: centre, name: 中心}\nevents:\n  - {id: e, site: c, title: 讲座, date: 2026-12-01, time: \"09:00-10:00\"}\n")
	f, err := Parse(src, Options{Zone: urumqi})
	if err != nil {
		t.Fatal(err)
	}
	if f.Zone != "" {
		t.Fatalf("File.Zone = %q for a file naming no zone; an import must not change the centre's zone", f.Zone)
	}
	if got := time.UnixMilli(f.Events[0].StartMS).In(urumqi).Format("2006-01-02 15:04"); got != "2026-12-01 09:00" {
		t.Fatalf("start = %s in Urumqi, want 09:00 there", got)
	}
	named, err := Parse(append([]byte("zone: Asia/Shanghai\n"), src...), Options{Zone: urumqi})
	if err != nil || named.Zone != "Asia/Shanghai" {
		t.Fatalf("a file naming its zone: %v, %v", named, err)
	}
}
