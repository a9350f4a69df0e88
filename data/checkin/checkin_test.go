package checkin

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/sqlite"
)

var ctx = context.Background()

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func at(hhmm string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-30 "+hhmm, shanghai)
	return t
}
func ms(hhmm string) int64 { return at(hhmm).UnixMilli() }
func event(id, site, from, to string) data.Event {
	return data.Event{ID: id, SiteID: site, Title: "活动 " + id, StartMS: ms(from), EndMS: ms(to)}
}

const sites = `
sites:
  - {id: centre, level: centre, name: 区中心}
  - {id: wenhuayuan, level: station, parent: centre, name: 文华苑社区}
`

// setup opens a store with two sites and the given events, and a Service at
// site "centre" whose clock starts at 09:00 on 2026-11-30 (Shanghai).
func setup(t *testing.T, events ...data.Event) (*Service, *sqlite.Store, *clock) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f, err := content.Parse([]byte(sites), content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.Events = events
	if err := st.LoadContent(ctx, f); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: at("09:00")}
	s, err := New(ctx, st, Options{SiteID: "centre", Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	return s, st, c
}

func register(t *testing.T, s *Service, phone string) Registration {
	t.Helper()
	r, err := s.Register(ctx, phone, "wenhuayuan", "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func scan(t *testing.T, s *Service, text, eventID string) Result {
	t.Helper()
	r, err := s.Scan(ctx, text, Target{Event: eventID})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRegisterSamePhoneSameVisitorAndPass(t *testing.T) {
	s, _, _ := setup(t)
	a := register(t, s, "+86 138-0013-8000")
	if !a.Created || !a.Issued || len(a.Code) != pass.Len || a.Visitor.Phone != "13800138000" {
		t.Fatalf("first registration: %+v", a)
	}
	b := register(t, s, "13800138000")
	if b.Created || b.Issued || b.Visitor.ID != a.Visitor.ID || b.Code != a.Code {
		t.Fatalf("same phone again: %+v, want the same visitor and code as %+v", b, a)
	}
	if _, err := s.Register(ctx, "12345", "", ""); err == nil {
		t.Fatal("a bad phone number was registered")
	}
	// A name is stored normalised, given to a visitor without one, and
	// never replaces a registered one.
	if c, err := s.Register(ctx, "13800138000", "", " 张\u202e三\n "); err != nil || c.Visitor.Name != "张三" {
		t.Errorf("a name for a visitor without one: %+v, %v", c.Visitor, err)
	}
	if d, err := s.Register(ctx, "13800138000", "", "李四"); err != nil || d.Visitor.Name != "张三" {
		t.Errorf("another name: %+v, %v", d.Visitor, err)
	}
}

func TestRegisterKeepsAnotherKiosksPass(t *testing.T) {
	s, st, _ := setup(t)
	v, _, err := st.Register(ctx, data.Visitor{Phone: "13800138000", CreatedMS: ms("08:00")})
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.IssuePass(ctx, v.ID, s.key.ID+1, ms("08:00")) // made on another kiosk, known here by sync
	if err != nil {
		t.Fatal(err)
	}
	reg := register(t, s, "13800138000")
	if reg.Created || !reg.Issued || reg.Visitor.ID != v.ID {
		t.Fatalf("registration here: %+v", reg)
	}
	if _, revoked, _ := st.PassHolder(ctx, other); revoked {
		t.Fatal("registering here revoked the pass of another kiosk")
	}
	if log, _ := st.AuditLog(ctx, 0); len(log) != 0 {
		t.Fatalf("audit after a registration: %+v", log)
	}
}

// TestRegisterAfterANewKeyShowsTheSamePass: after a restore gave the kiosk
// a new signing key, a returning visitor gets their pass of the earlier key
// back (it is still this kiosk's own), and it still checks them in; a new
// visitor gets a pass of the new key.
func TestRegisterAfterANewKeyShowsTheSamePass(t *testing.T) {
	s, st, c := setup(t, event("taiji", "centre", "09:00", "10:30"))
	before := register(t, s, "13800138000")
	k2, err := st.NewOwnKey(ctx, "centre", c.now().UnixMilli()+1)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := New(ctx, st, Options{SiteID: "centre", Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	if s2.key.ID != k2 {
		t.Fatalf("the service signs with key %d, want the new %d", s2.key.ID, k2)
	}
	again := register(t, s2, "13800138000")
	if again.Issued || again.Code != before.Code {
		t.Fatalf("returning visitor after a new key: %+v, want their pass %s back", again, before.Code)
	}
	if r := scan(t, s2, again.Code, "taiji"); r.Outcome != data.Accepted || r.Record.VisitorID != before.Visitor.ID {
		t.Fatalf("the re-shown pass scanned: %+v", r)
	}
	fresh := register(t, s2, "13900139000")
	if p, err := pass.Parse(fresh.Code); err != nil || p.KeyID != k2 || !fresh.Issued {
		t.Fatalf("a new visitor's pass %+v (%v), want one of key %d", fresh, err, k2)
	}
}

func TestScanInDuplicateOutAlreadyOut(t *testing.T) {
	s, st, c := setup(t, event("taiji", "centre", "09:00", "10:30"))
	code := register(t, s, "13800138000").Code

	r := scan(t, s, code+"\r\n", "")
	if r.Outcome != data.Accepted || r.Direction != data.In || r.Session.Event.ID != "taiji" || !r.Record.Verified {
		t.Fatalf("first scan: %+v", r)
	}

	c.add(2 * time.Minute)
	r = scan(t, s, strings.ToLower(code), "")
	if r.Outcome != data.Duplicate || r.Reason != data.ReasonAlreadyIn || r.Previous == nil || r.Previous.WallMS != ms("09:00") {
		t.Fatalf("scan 2 min later: %+v, want duplicate already_in at 09:00", r)
	}

	c.add(58 * time.Minute) // 10:00
	r = scan(t, s, code, "")
	if r.Outcome != data.Accepted || r.Direction != data.Out || r.ServiceMS != time.Hour.Milliseconds() {
		t.Fatalf("scan after an hour: %+v, want check-out with 1 h service", r)
	}

	c.add(5 * time.Minute)
	if r = scan(t, s, code, ""); r.Outcome != data.Duplicate || r.Reason != data.ReasonAlreadyOut {
		t.Fatalf("scan after check-out: %+v", r)
	}

	recs, err := st.CheckIns(ctx, sqlite.CheckInFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Direction != data.In || recs[1].Direction != data.Out {
		t.Fatalf("stored records: %+v, want exactly one in and one out", recs)
	}
	for _, rec := range recs {
		if rec.DeviceID == "" || rec.RunID == "" || rec.ID == "" || rec.Method != data.MethodQR || rec.Pass.IsZero() {
			t.Fatalf("record missing fields: %+v", rec)
		}
	}
}

func TestRefusalsAreExplainedAndLogged(t *testing.T) {
	s, st, _ := setup(t, event("taiji", "centre", "09:00", "10:30"))
	code := register(t, s, "13800138000").Code

	if r := scan(t, s, "HELLO WORLD 123", ""); r.Outcome != data.Refused || r.Reason != data.ReasonUnreadable {
		t.Fatalf("garbage: %+v", r)
	}

	// Same key id, different private key: a forged signature.
	own, _, _, _ := st.OwnKey(ctx)
	forger, _ := pass.NewKey(nil)
	forger.ID = own
	forged, err := pass.Encode(forger, pass.Payload{No: 1, IssuedDay: pass.Day(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	if r := scan(t, s, forged, ""); r.Outcome != data.Refused || r.Reason != data.ReasonTampered {
		t.Fatalf("forged: %+v", r)
	}

	// A re-issued pass makes the old code refused as revoked.
	reg := register(t, s, "13800138000")
	if _, err := s.StaffReissue(ctx, reg.Visitor.ID, "王老师"); err != nil {
		t.Fatal(err)
	}
	if r := scan(t, s, code, ""); r.Outcome != data.Refused || r.Reason != data.ReasonRevoked {
		t.Fatalf("revoked: %+v", r)
	}

	recs, _ := st.CheckIns(ctx, sqlite.CheckInFilter{})
	var reasons []data.Reason
	for _, rec := range recs {
		if rec.Outcome != data.Refused {
			t.Fatalf("unexpected accepted record %+v", rec)
		}
		reasons = append(reasons, rec.Reason)
	}
	want := []data.Reason{data.ReasonUnreadable, data.ReasonTampered, data.ReasonRevoked}
	if len(reasons) != len(want) {
		t.Fatalf("logged reasons %v, want %v", reasons, want)
	}
	for i := range want {
		if reasons[i] != want[i] {
			t.Fatalf("logged reasons %v, want %v", reasons, want)
		}
	}
}

func TestUnknownKeyIsAcceptedUnverified(t *testing.T) {
	s, st, _ := setup(t, event("taiji", "centre", "09:00", "10:30"))
	other, _ := pass.NewKey(nil)
	code, _ := pass.Encode(other, pass.Payload{No: 7, IssuedDay: pass.Day(time.Now())})
	r := scan(t, s, code, "")
	if r.Outcome != data.Accepted || r.Record.Verified || r.Visitor.ID != "" {
		t.Fatalf("unknown key: %+v, want accepted unverified", r)
	}
	// Once that kiosk's key is known (from the hub's feed), its codes verify.
	if err := st.ApplyChanges(ctx, []sqlite.Change{{Kind: "key", ID: "k",
		Key: &sqlite.PublicKeyEntry{KeyID: other.ID, PublicKey: other.Public(), SiteID: "wenhuayuan"}}}, 1); err != nil {
		t.Fatal(err)
	}
	code2, _ := pass.Encode(other, pass.Payload{No: 8, IssuedDay: pass.Day(time.Now())})
	if r := scan(t, s, code2, ""); r.Outcome != data.Accepted || !r.Record.Verified {
		t.Fatalf("known key: %+v, want verified", r)
	}
}

func TestWhichEvent(t *testing.T) {
	s, _, c := setup(t,
		event("a", "centre", "09:00", "10:00"),
		event("b", "centre", "09:15", "11:00"),
		event("elsewhere", "wenhuayuan", "09:00", "12:00"),
	)
	code := register(t, s, "13800138000").Code

	c.t = at("08:00") // nothing within 30 minutes
	if r := scan(t, s, code, ""); r.Reason != data.ReasonNoEvent {
		t.Fatalf("08:00: %+v, want no_event", r)
	}
	c.t = at("08:31") // a's window opened at 08:30; b's opens at 08:45
	if r := scan(t, s, code, ""); r.Outcome != data.Accepted || r.Session.Event.ID != "a" {
		t.Fatalf("08:31: %+v, want check-in to a", r)
	}
	c.t = at("09:20") // a and b both open at this site
	other := register(t, s, "13900001111").Code
	r := scan(t, s, other, "")
	if r.Reason != data.ReasonChooseEvent || len(r.Choices) != 2 {
		t.Fatalf("09:20: %+v, want a choice of 2", r)
	}
	if r := scan(t, s, other, "b"); r.Outcome != data.Accepted || r.Session.Event.ID != "b" {
		t.Fatalf("chosen b: %+v", r)
	}
	// Someone inside one of the open events leaving needs no choice.
	if r := scan(t, s, code, ""); r.Outcome != data.Accepted || r.Direction != data.Out || r.Session.Event.ID != "a" {
		t.Fatalf("leaving a while b is open too: %+v, want a check-out of a", r)
	}
	if r := scan(t, s, code, "b"); r.Outcome != data.Accepted || r.Session.Event.ID != "b" {
		t.Fatalf("chosen b: %+v", r)
	}
	// An event's page may check into an open event at another site.
	if r := scan(t, s, code, "elsewhere"); r.Outcome != data.Accepted || r.Session.Event.ID != "elsewhere" {
		t.Fatalf("chosen elsewhere: %+v", r)
	}
	c.t = at("11:30")
	if r := scan(t, s, code, "b"); r.Reason != data.ReasonNotOpen {
		t.Fatalf("b after its end: %+v, want not_open", r)
	}
	if r := scan(t, s, code, "nope"); r.Reason != data.ReasonUnknownEvent {
		t.Fatalf("unknown event: %+v", r)
	}
}

func TestScanOnAnEventPage(t *testing.T) {
	s, _, c := setup(t, event("long", "centre", "09:00", "21:00"), event("open", "centre", "09:00", "21:00"),
		event("later", "centre", "15:00", "16:00"))
	code := register(t, s, "13800138000").Code
	onPage := func(page string) Result {
		t.Helper()
		r, err := s.Scan(ctx, code, Target{Page: page})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Not inside anything: the page's event.
	if r := onPage("long"); r.Outcome != data.Accepted || r.Direction != data.In || r.Session.Event.ID != "long" {
		t.Fatalf("first scan on long's page: %+v", r)
	}
	// Inside long, scanning on open's page (left there by the previous
	// user): no check-in to open, but the choice of leaving long or
	// joining open.
	c.t = at("18:19")
	r := onPage("open")
	if r.Outcome != data.Refused || r.Reason != data.ReasonChooseEvent || len(r.Choices) != 2 ||
		r.Choices[0].Event.ID != "long" || r.Choices[1].Event.ID != "open" ||
		len(r.Inside) != 1 || r.Inside[0].Event.ID != "long" || r.Visitor.Phone != "13800138000" {
		t.Fatalf("scan on open's page while inside long: %+v", r)
	}
	// A page of an event that is not open does not catch the scan: the
	// scan leaves the event the visitor is in, as on the home screen.
	c.t = at("18:20")
	if r := onPage("later"); r.Outcome != data.Accepted || r.Direction != data.Out || r.Session.Event.ID != "long" {
		t.Fatalf("scan on a closed event's page: %+v", r)
	}
	// The visitor's choice (an explicit event) is applied as it is.
	if r := scan(t, s, code, "open"); r.Outcome != data.Accepted || r.Direction != data.In || r.Session.Event.ID != "open" {
		t.Fatalf("chosen open: %+v", r)
	}
	// Inside open, on open's own page: the check-out from it.
	c.t = at("19:00")
	if r := onPage("open"); r.Outcome != data.Accepted || r.Direction != data.Out || r.Session.Event.ID != "open" {
		t.Fatalf("leaving open on its page: %+v", r)
	}
	// A phone check-in follows the same rule.
	other := register(t, s, "13900001111").Code
	scan(t, s, other, "long")
	c.t = at("19:30")
	r, err := s.Phone(ctx, "13900001111", Target{Page: "open"})
	if err != nil || r.Reason != data.ReasonChooseEvent || len(r.Inside) != 1 || r.Inside[0].Event.ID != "long" {
		t.Fatalf("phone on open's page while inside long: %+v, %v", r, err)
	}
}

func TestWeeklyClassSessionsAreSeparate(t *testing.T) {
	weekly := event("taiji", "centre", "09:00", "10:30")
	weekly.Weekly = true
	s, _, c := setup(t, weekly)
	code := register(t, s, "13800138000").Code
	if r := scan(t, s, code, ""); r.Outcome != data.Accepted || r.Direction != data.In {
		t.Fatalf("week 1: %+v", r)
	}
	c.add(7 * 24 * time.Hour)
	if r := scan(t, s, code, ""); r.Outcome != data.Accepted || r.Direction != data.In || r.Session.StartMS != ms("09:00")+7*24*3600*1000 {
		t.Fatalf("week 2: %+v, want a fresh check-in to next week's session", r)
	}
}

func TestPhoneFallback(t *testing.T) {
	s, _, _ := setup(t, event("taiji", "centre", "09:00", "10:30"))
	register(t, s, "13800138000")
	if r, _ := s.Phone(ctx, "139 0000 0000", Target{}); r.Reason != data.ReasonUnknownPhone || r.Visitor != (data.Visitor{Phone: "13900000000"}) {
		t.Fatalf("unknown phone: %+v", r)
	}
	if r, _ := s.Phone(ctx, "12345", Target{}); r.Reason != data.ReasonBadPhone {
		t.Fatalf("bad phone: %+v", r)
	}
	r, err := s.Phone(ctx, "138-0013-8000", Target{})
	if err != nil || r.Outcome != data.Accepted || r.Record.Method != data.MethodPhone || r.Record.Pass.IsZero() {
		t.Fatalf("known phone: %+v, %v", r, err)
	}
}

func TestCloseEndedChecksOutAtSessionEnd(t *testing.T) {
	s, st, c := setup(t, event("taiji", "centre", "09:00", "10:30"))
	code := register(t, s, "13800138000").Code
	scan(t, s, code, "")
	if n, err := s.CloseEnded(ctx); err != nil || n != 0 {
		t.Fatalf("before the end: closed %d, %v", n, err)
	}
	c.t = at("12:00")
	if n, err := s.CloseEnded(ctx); err != nil || n != 1 {
		t.Fatalf("after the end: closed %d, %v", n, err)
	}
	if n, _ := s.CloseEnded(ctx); n != 0 {
		t.Fatalf("closing twice closed %d more", n)
	}
	recs, _ := st.CheckIns(ctx, sqlite.CheckInFilter{AcceptedOnly: true})
	if len(recs) != 2 || recs[1].Method != data.MethodAuto || recs[1].WallMS != ms("10:30") || recs[1].Direction != data.Out {
		t.Fatalf("records: %+v, want an automatic check-out at 10:30", recs)
	}
}

func TestAcceptedScanSurvivesReopen(t *testing.T) {
	s, st, _ := setup(t, event("taiji", "centre", "09:00", "10:30"))
	code := register(t, s, "13800138000").Code
	r := scan(t, s, code, "")
	path := st.Path()
	st.Close()
	st2, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	recs, _ := st2.CheckIns(ctx, sqlite.CheckInFilter{})
	if len(recs) != 1 || recs[0].ID != r.Record.ID {
		t.Fatalf("after reopen: %+v, want the acknowledged record %s", recs, r.Record.ID)
	}
}

func TestReissueRefusesADeletedVisitor(t *testing.T) {
	s, st, _ := setup(t)
	reg := register(t, s, "13800138000")
	if _, err := st.DeleteVisitor(ctx, reg.Visitor.ID, "王老师", time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StaffReissue(ctx, reg.Visitor.ID, "王老师"); !errors.Is(err, ErrVisitorDeleted) {
		t.Fatalf("Reissue of a deleted visitor: %v, want ErrVisitorDeleted", err)
	}
}

func TestCloseEndedFirstRunOnADatabaseReadsTheWholeHistory(t *testing.T) {
	s, st, c := setup(t, event("taiji", "centre", "09:00", "10:30"))
	code := register(t, s, "13800138000").Code
	scan(t, s, code, "")
	c.add(30 * 24 * time.Hour) // the kiosk was off for a month
	s2, err := New(ctx, st, Options{SiteID: "centre", Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s2.CloseEnded(ctx); err != nil || n != 1 {
		t.Fatalf("first run after a month: closed %d, %v; want the month-old check-in closed", n, err)
	}
}

func TestCloseEndedKeepsItsProgressAcrossRestarts(t *testing.T) {
	s, st, c := setup(t, event("taiji", "centre", "09:00", "10:30"))
	c.t = at("12:00")
	if _, err := s.CloseEnded(ctx); err != nil {
		t.Fatal(err)
	}
	if v, _ := st.Setting(ctx, SettingClosedThrough, ""); v != fmt.Sprint(ms("12:00")) {
		t.Fatalf("progress stored as %q, want %d", v, ms("12:00"))
	}
	// A check-in recorded (back-filled) with a wall time far before that
	// progress is beyond the look-back of a restarted kiosk's runs.
	old := s.record(data.MethodStaff)
	old.VisitorID, old.EventID, old.SessionStartMS = "someone", "taiji", ms("09:00")-30*24*3600*1000
	old.Direction, old.Outcome, old.WallMS = data.In, data.Accepted, old.SessionStartMS
	if err := st.AppendCheckIn(ctx, old); err != nil {
		t.Fatal(err)
	}
	s2, err := New(ctx, st, Options{SiteID: "centre", Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s2.CloseEnded(ctx); err != nil || n != 0 {
		t.Fatalf("a restarted kiosk's run closed %d, %v: it read the whole history again", n, err)
	}
}
