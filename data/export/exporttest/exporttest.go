// Package exporttest builds kiosk databases with known attendance for tests
// and benchmarks of the exporters, the store's export queries and kioskctl.
// Records are made the way the kiosk makes them: sqlite.Open, content.Parse
// and LoadContent, then checkin.Service Register, Scan, Phone and CloseEnded
// on a settable clock; back-filled records and bulk data go through
// Store.AppendCheckIn.
package exporttest

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/google/uuid"
)

// Day is the calendar day (Asia/Shanghai) of the scenario.
const Day = "2026-11-30"

// Device is the device id of the scenario's kiosk.
const Device = "kiosk-0001"

// Shanghai is the centre's zone in every fixture.
var Shanghai = mustZone(data.DefaultZone)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// At returns hh:mm on Day in Shanghai.
func At(hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", Day+" "+hhmm, Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// MS returns At(hhmm) in UTC ms.
func MS(hhmm string) int64 { return At(hhmm).UnixMilli() }

// Clock is a settable clock for checkin.Options.Now, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to hh:mm on Day in Shanghai.
func (c *Clock) Set(hhmm string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = At(hhmm)
}

// The sites: the district centre, and two communities, one with a name a
// spreadsheet could take for a formula.
const sitesYAML = `
sites:
  - {id: centre, level: centre, name: 区中心}
  - {id: wenhuayuan, level: station, parent: centre, name: 文华苑社区}
  - {id: qinghe, level: station, parent: centre, name: "@清河社区"}
`

// Events of the scenario: taiji 07:30–08:30 at the centre; talk 09:00–10:30
// at wenhuayuan, whose title is a spreadsheet formula.
var (
	Taiji = data.Event{ID: "taiji", SiteID: "centre", Title: "晨练太极", StartMS: MS("07:30"), EndMS: MS("08:30")}
	Talk  = data.Event{ID: "talk", SiteID: "wenhuayuan", Title: `=HYPERLINK("http://evil.example","点我")`,
		StartMS: MS("09:00"), EndMS: MS("10:30")}
)

// Person is a visitor of the scenario.
type Person struct {
	Key       string // short name used by tests: A … H
	Phone     string // 11 digits
	Name      string // a hostile name: formula triggers, tab, CR, quotes, newline, 4-byte CJK, emoji
	Community string // site id, "" for none
}

// People are the scenario's visitors.
var People = []Person{
	{"A", "13800138000", "=1+1", "wenhuayuan"},
	{"B", "13900139000", "+cmd|' /C calc'!A0", "wenhuayuan"},
	{"C", "13700137000", "-2", "centre"},
	{"D", "13600136000", "@SUM(1+1)", "qinghe"},
	{"E", "13500135000", "\t张三", "qinghe"},
	{"F", "13300133000", "\r李四", ""},
	{"G", "15800158000", "王\"五\",\n第二行", "wenhuayuan"},
	{"H", "18800188000", "𠮷野家😀", "qinghe"},
}

// Staff is the staff member of the back-filled records (a hostile name too).
const Staff = "=管理员"

// Fixture is a kiosk database and its check-in service.
type Fixture struct {
	Path  string                          // the database file
	Store *sqlite.Store                   // the open store, closed when the test ends
	Svc   *checkin.Service                // check-ins at site "centre" on Clock
	Clock *Clock                          // the service's clock
	Reg   map[string]checkin.Registration // by Person.Key
}

var ctx = context.Background()

// New opens a new database in dir with the scenario's sites and events
// (Taiji, Talk), device id Device, and a check-in service at site "centre"
// whose clock is at 07:00 on Day. The store is closed when tb ends.
func New(tb testing.TB, dir string) *Fixture {
	tb.Helper()
	f := &Fixture{Path: filepath.Join(dir, "kiosk.db"), Clock: &Clock{}, Reg: map[string]checkin.Registration{}}
	f.Clock.Set("07:00")
	st, err := sqlite.Open(f.Path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	f.Store = st
	c, err := content.Parse([]byte(sitesYAML), content.Options{Now: f.Clock.Now()})
	if err != nil {
		tb.Fatal(err)
	}
	c.Events = []data.Event{Taiji, Talk}
	if err := st.LoadContent(ctx, c); err != nil {
		tb.Fatal(err)
	}
	if err := st.SetSetting(ctx, sqlite.SettingDevice, Device); err != nil {
		tb.Fatal(err)
	}
	if f.Svc, err = checkin.New(ctx, st, checkin.Options{SiteID: "centre", Now: f.Clock.Now}); err != nil {
		tb.Fatal(err)
	}
	return f
}

// Scenario returns New(tb, dir) with the day below recorded; the clock is
// left at 09:30 and ended sessions are NOT closed (CloseEnded would close B
// and F at 08:30; C stays in Talk, which runs to 10:30).
//
//	07:25 A scans in to Taiji (checked in before the start)
//	07:30 B scans in to Taiji (23:30 UTC the day before)
//	07:31 G scans in to Taiji
//	07:33 A scans again: a duplicate, not stored
//	07:40 E in to Taiji, back-filled by Staff
//	07:42 an unreadable code: refused
//	07:45 F checks in to Taiji by phone
//	08:00 A scans out (30 min: capped to the 07:30 start)
//	08:10 G checks out by phone (39 min)
//	08:20 D scans a pass replaced since: refused, revoked
//	08:45 C scans in to Talk
//	08:50 H scans in to Talk
//	09:00 E out of Taiji, back-filled (50 min: capped to the 08:30 end)
//	09:20 H scans out of Talk (20 min: from the 09:00 start)
func Scenario(tb testing.TB, dir string) *Fixture {
	tb.Helper()
	f := New(tb, dir)
	for _, p := range People {
		// The hostile names are stored as they are, as records made before
		// names were normalised on registration hold them.
		if _, _, err := f.Store.Register(ctx, data.Visitor{Phone: p.Phone, Name: p.Name, CommunityID: p.Community,
			CreatedMS: f.Clock.Now().UnixMilli()}); err != nil {
			tb.Fatal(err)
		}
		r, err := f.Svc.Register(ctx, p.Phone, p.Community, "")
		if err != nil {
			tb.Fatal(err)
		}
		f.Reg[p.Key] = r
	}
	oldD := f.Reg["D"].Code
	if _, err := f.Svc.StaffReissue(ctx, f.Reg["D"].Visitor.ID, "王老师"); err != nil {
		tb.Fatal(err)
	}
	scan := func(hhmm, who, event string, want data.Outcome) {
		tb.Helper()
		f.Clock.Set(hhmm)
		r, err := f.Svc.Scan(ctx, f.Reg[who].Code, checkin.Target{Event: event})
		if err != nil || r.Outcome != want {
			tb.Fatalf("%s scan by %s: %+v, %v; want %s", hhmm, who, r, err, want)
		}
	}
	phone := func(hhmm, who string) {
		tb.Helper()
		f.Clock.Set(hhmm)
		r, err := f.Svc.Phone(ctx, f.Reg[who].Visitor.Phone, checkin.Target{})
		if err != nil || r.Outcome != data.Accepted {
			tb.Fatalf("%s phone check-in by %s: %+v, %v", hhmm, who, r, err)
		}
	}
	scan("07:25", "A", "", data.Accepted)
	scan("07:30", "B", "", data.Accepted)
	scan("07:31", "G", "", data.Accepted)
	scan("07:33", "A", "", data.Duplicate)
	f.Backfill(tb, "E", Taiji, data.In, "07:40")
	f.Clock.Set("07:42")
	if r, err := f.Svc.Scan(ctx, "HELLO WORLD", checkin.Target{}); err != nil || r.Reason != data.ReasonUnreadable {
		tb.Fatalf("unreadable scan: %+v, %v", r, err)
	}
	phone("07:45", "F")
	scan("08:00", "A", "", data.Accepted)
	phone("08:10", "G")
	f.Clock.Set("08:20")
	if r, err := f.Svc.Scan(ctx, oldD, checkin.Target{}); err != nil || r.Reason != data.ReasonRevoked {
		tb.Fatalf("revoked scan: %+v, %v", r, err)
	}
	scan("08:45", "C", "talk", data.Accepted)
	scan("08:50", "H", "talk", data.Accepted)
	f.Backfill(tb, "E", Taiji, data.Out, "09:00")
	scan("09:20", "H", "talk", data.Accepted)
	f.Clock.Set("09:30")
	return f
}

// Backfill stores a record entered by Staff after the fact: person who, at
// hh:mm, in or out of the first session of e.
func (f *Fixture) Backfill(tb testing.TB, who string, e data.Event, dir data.Direction, hhmm string) {
	tb.Helper()
	reg := f.Reg[who]
	ref, _, _, err := f.Store.ActivePass(ctx, reg.Visitor.ID)
	if err != nil {
		tb.Fatal(err)
	}
	err = f.Store.AppendCheckIn(ctx, data.CheckIn{
		ID: uuid.Must(uuid.NewV7()).String(), VisitorID: reg.Visitor.ID, Pass: ref,
		EventID: e.ID, SessionStartMS: e.StartMS, Direction: dir, Method: data.MethodStaff,
		DeviceID: Device, WallMS: MS(hhmm), RunID: "backfill", Verified: true,
		Outcome: data.Accepted, Staff: Staff, Backfilled: true,
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// Hours is a person's expected line in the hours report of the scenario
// after CloseEnded at 09:30.
type Hours struct {
	Key        string // Person.Key
	Sessions   int    // VisitorHours.Sessions
	Hours      string // service hours with two decimals, as in the CSV
	Unclosed   int    // VisitorHours.Unclosed
	Auto       bool   // VisitorHours.Auto
	Backfilled bool   // VisitorHours.Backfilled
}

// WantHours are the expected hours of the scenario after CloseEnded at
// 09:30. D has only a refused scan and is not in the report.
var WantHours = []Hours{
	{"A", 1, "0.50", 0, false, false}, // 07:25–08:00, from 07:30
	{"B", 1, "1.00", 0, true, false},  // 07:30–08:30 automatic
	{"C", 1, "0.00", 1, false, false}, // still in Talk
	{"E", 1, "0.83", 0, false, true},  // 07:40–09:00 back-filled, to 08:30
	{"F", 1, "0.75", 0, true, false},  // 07:45–08:30 automatic
	{"G", 1, "0.65", 0, false, false}, // 07:31–08:10
	{"H", 1, "0.33", 0, false, false}, // 08:50–09:20, from 09:00
}

// Records is the number of stored records of the scenario after
// CloseEnded at 09:30 (13 by Scenario, 2 automatic check-outs).
const Records = 15

// Bulk returns New(tb, dir) with n more records: visitors check in and out
// of weekly sessions, a refusal now and then, written through
// Store.AppendCheckIn in one goroutine. It is slow for large n (one
// durable transaction per record), so benchmarks build it once.
func Bulk(tb testing.TB, dir string, n int) *Fixture {
	tb.Helper()
	f := New(tb, dir)
	const visitors = 500
	ids := make([]string, visitors)
	for i := range ids {
		v, _, err := f.Store.Register(ctx, data.Visitor{Phone: fmt.Sprintf("139%08d", i), Name: fmt.Sprintf("志愿者%03d", i),
			CommunityID: []string{"wenhuayuan", "qinghe", ""}[i%3], CreatedMS: MS("07:00")})
		if err != nil {
			tb.Fatal(err)
		}
		ids[i] = v.ID
	}
	for i := 0; i < n; i++ {
		v := (i / 2) % visitors
		week := int64(i / (2 * visitors))
		start := Taiji.StartMS + week*7*24*3600*1000
		rec := data.CheckIn{
			ID: uuid.Must(uuid.NewV7()).String(), VisitorID: ids[v], Pass: data.PassRef{KeyID: 7, No: uint32(v + 1)},
			EventID: Taiji.ID, SessionStartMS: start, Direction: data.In, Method: data.MethodQR,
			DeviceID: Device, WallMS: start + int64(v)*1000, RunID: "bulk", Verified: true, Outcome: data.Accepted,
		}
		if i%2 == 1 {
			rec.Direction, rec.WallMS = data.Out, start+45*60_000+int64(v)*1000
		}
		if i%97 == 0 {
			rec.Outcome, rec.Reason, rec.Direction = data.Refused, data.ReasonNotOpen, data.In
		}
		if err := f.Store.AppendCheckIn(ctx, rec); err != nil {
			tb.Fatal(err)
		}
	}
	return f
}
