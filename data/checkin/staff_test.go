package checkin

import (
	"errors"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/civickiosk/kiosk/data/staff"
)

const teacher = "王老师"

func TestStaffCheckInThenOut(t *testing.T) {
	s, st, c := setup(t, event("taiji", "centre", "09:00", "11:00"))
	reg := register(t, s, "13800138000")
	vid, start := reg.Visitor.ID, ms("09:00")

	c.add(5 * time.Minute) // 09:05, entered as it happens
	in, err := s.StaffCheckIn(ctx, vid, "taiji", start, data.In, 0, teacher)
	if err != nil {
		t.Fatal(err)
	}
	if in.Method != data.MethodStaff || in.Staff != teacher || in.Backfilled || in.WallMS != ms("09:05") ||
		in.Direction != data.In || in.Outcome != data.Accepted || !in.Verified || in.Pass.IsZero() ||
		in.DeviceID == "" || in.RunID == "" || in.VisitorID != vid || in.EventID != "taiji" || in.SessionStartMS != start {
		t.Fatalf("staff check-in %+v", in)
	}
	if _, err := s.StaffCheckIn(ctx, vid, "taiji", start, data.In, 0, teacher); !errors.Is(err, ErrAlreadyIn) {
		t.Fatalf("second check-in: %v", err)
	}
	// The scanner sees the staff check-in like any other.
	c.add(5 * time.Minute)
	if r := scan(t, s, reg.Code, ""); r.Outcome != data.Duplicate || r.Reason != data.ReasonAlreadyIn {
		t.Fatalf("scan 5 minutes after a staff check-in: %+v", r)
	}

	// 10:30: the visitor left at 09:50 without scanning out.
	c.t = at("10:30")
	if _, err := s.StaffCheckIn(ctx, vid, "taiji", start, data.Out, ms("09:05"), teacher); !errors.Is(err, ErrOutBeforeIn) {
		t.Fatalf("check-out at the check-in time: %v", err)
	}
	if _, err := s.StaffCheckIn(ctx, vid, "taiji", start, data.Out, ms("09:00"), teacher); !errors.Is(err, ErrOutBeforeIn) {
		t.Fatalf("check-out before the check-in: %v", err)
	}
	out, err := s.StaffCheckIn(ctx, vid, "taiji", start, data.Out, ms("09:50"), teacher)
	if err != nil || !out.Backfilled || out.WallMS != ms("09:50") || out.Direction != data.Out {
		t.Fatalf("back-filled check-out %+v, %v", out, err)
	}
	for _, dir := range []data.Direction{data.In, data.Out} {
		if _, err := s.StaffCheckIn(ctx, vid, "taiji", start, dir, 0, teacher); !errors.Is(err, ErrAlreadyOut) {
			t.Fatalf("%s after check-out: %v", dir, err)
		}
	}
	r, _ := st.Roster(ctx, "taiji", start)
	if r.CheckedIn != 1 || r.CheckedOut != 1 || r.Inside != 0 || r.Entries[0].OutMS != ms("09:50") ||
		!r.Entries[0].Backfilled || r.Entries[0].Staff != teacher {
		t.Fatalf("roster %+v", r)
	}
	recs, _ := st.CheckIns(ctx, sqlite.CheckInFilter{AcceptedOnly: true})
	if len(recs) != 2 {
		t.Fatalf("%d accepted records, want 2", len(recs))
	}
}

func TestStaffCheckInRules(t *testing.T) {
	weekly := event("class", "centre", "14:00", "15:00")
	weekly.Weekly = true
	s, st, c := setup(t, event("taiji", "centre", "09:00", "11:00"), weekly)
	vid := register(t, s, "13800138000").Visitor.ID
	start := ms("09:00")
	c.t = at("10:00")

	cases := []struct {
		name      string
		visitor   string
		event     string
		session   int64
		dir       data.Direction
		atMS      int64
		staffName string
		want      error
	}{
		{"no staff", vid, "taiji", start, data.In, 0, "", ErrStaffRequired},
		{"bad direction", vid, "taiji", start, "sideways", 0, teacher, ErrBadDirection},
		{"unknown visitor", "nobody", "taiji", start, data.In, 0, teacher, data.ErrNotFound},
		{"unknown event", vid, "nothing", start, data.In, 0, teacher, data.ErrNotFound},
		{"no such session", vid, "taiji", start + 60_000, data.In, 0, teacher, ErrNoSession},
		{"future", vid, "taiji", start, data.In, ms("10:02"), teacher, ErrFutureTime},
		{"before the window", vid, "taiji", start, data.In, ms("08:29"), teacher, ErrOutsideWindow},
		{"out without in", vid, "taiji", start, data.Out, 0, teacher, ErrNotCheckedIn},
	}
	for _, tc := range cases {
		if _, err := s.StaffCheckIn(ctx, tc.visitor, tc.event, tc.session, tc.dir, tc.atMS, tc.staffName); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if recs, _ := st.CheckIns(ctx, sqlite.CheckInFilter{}); len(recs) != 0 {
		t.Fatalf("refused manual entries stored: %+v", recs)
	}

	// 补录: entered more than BackfillGrace after the fact; within it, not.
	in, err := s.StaffCheckIn(ctx, vid, "taiji", start, data.In, ms("08:30"), teacher)
	if err != nil || !in.Backfilled {
		t.Fatalf("check-in at the window's opening, 90 min ago: %+v, %v", in, err)
	}
	out, err := s.StaffCheckIn(ctx, vid, "taiji", start, data.Out, ms("09:56"), teacher)
	if err != nil || out.Backfilled {
		t.Fatalf("check-out 4 minutes ago: %+v, %v", out, err)
	}
	// A weekly class: next week's session is a session; a time between is not.
	nextWeek := at("14:00").AddDate(0, 0, 7)
	c.t = nextWeek.Add(10 * time.Minute)
	if _, err := s.StaffCheckIn(ctx, vid, "class", nextWeek.UnixMilli(), data.In, 0, teacher); err != nil {
		t.Fatalf("next week's class: %v", err)
	}
	if _, err := s.StaffCheckIn(ctx, vid, "class", nextWeek.Add(24*time.Hour).UnixMilli(), data.In, 0, teacher); !errors.Is(err, ErrNoSession) {
		t.Fatalf("a day after the class: %v", err)
	}
	// A deleted visitor cannot be checked in.
	if _, err := s.StaffDeleteVisitor(ctx, vid, teacher); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StaffCheckIn(ctx, vid, "class", nextWeek.UnixMilli(), data.Out, 0, teacher); !errors.Is(err, ErrVisitorDeleted) {
		t.Fatalf("deleted visitor: %v", err)
	}
}

func TestStaffCorrectsAutomaticCheckOut(t *testing.T) {
	s, st, c := setup(t, event("taiji", "centre", "09:00", "10:00"))
	reg := register(t, s, "13800138000")
	start := ms("09:00")
	c.t = at("09:10")
	scan(t, s, reg.Code, "")
	c.t = at("10:30")
	if n, err := s.CloseEnded(ctx); n != 1 || err != nil {
		t.Fatalf("CloseEnded = %d, %v", n, err)
	}
	// After the automatic check-out at 10:00 only an earlier one corrects it.
	if _, err := s.StaffCheckIn(ctx, reg.Visitor.ID, "taiji", start, data.Out, ms("10:10"), teacher); !errors.Is(err, ErrAlreadyOut) {
		t.Fatalf("check-out after the automatic one: %v", err)
	}
	if _, err := s.StaffCheckIn(ctx, reg.Visitor.ID, "taiji", start, data.Out, ms("09:05"), teacher); !errors.Is(err, ErrAlreadyOut) {
		t.Fatalf("check-out before the check-in: %v", err)
	}
	out, err := s.StaffCheckIn(ctx, reg.Visitor.ID, "taiji", start, data.Out, ms("09:40"), teacher)
	if err != nil || !out.Backfilled {
		t.Fatalf("correcting the automatic check-out: %+v, %v", out, err)
	}
	if _, err := s.StaffCheckIn(ctx, reg.Visitor.ID, "taiji", start, data.Out, ms("09:30"), teacher); !errors.Is(err, ErrAlreadyOut) {
		t.Fatalf("a second correction: %v", err)
	}
	r, _ := st.Roster(ctx, "taiji", start)
	if e := r.Entries[0]; e.OutMS != ms("09:40") || e.OutMethod != data.MethodStaff || e.Inside || r.CheckedOut != 1 {
		t.Fatalf("roster after the correction: %+v", r)
	}
}

func TestStaffLoginLockoutWithClock(t *testing.T) {
	s, st, c := setup(t)
	if _, err := s.StaffLogin(ctx, "", "2486"); !errors.Is(err, staff.ErrNoStaff) {
		t.Fatalf("login with no staff: %v", err)
	}
	m, err := st.SetFirstPIN(ctx, teacher, "2486", c.now().UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	sess, err := s.StaffLogin(ctx, "", "2486")
	if err != nil || sess.StaffID != m.ID || sess.Name != teacher || sess.StartedMS != c.now().UnixMilli() {
		t.Fatalf("login: %+v, %v", sess, err)
	}
	if sess.Expired(c.now().Add(2*time.Minute).UnixMilli(), 0) || !sess.Expired(c.now().Add(3*time.Minute).UnixMilli(), 0) {
		t.Fatal("default idle time is not 3 minutes")
	}
	for i := 0; i < 4; i++ {
		c.add(time.Second)
		if _, err := s.StaffLogin(ctx, "", "9999"); !errors.Is(err, staff.ErrWrongPIN) {
			t.Fatalf("wrong PIN %d: %v", i+1, err)
		}
	}
	c.add(time.Second)
	_, err = s.StaffLogin(ctx, "", "9999")
	var le *staff.LockedError
	if !errors.As(err, &le) || le.UntilMS != c.now().Add(5*time.Minute).UnixMilli() {
		t.Fatalf("fifth wrong PIN: %v", err)
	}
	c.add(5*time.Minute - time.Millisecond)
	if _, err := s.StaffLogin(ctx, "", "2486"); !errors.Is(err, staff.ErrLocked) {
		t.Fatalf("right PIN while locked: %v", err)
	}
	c.add(time.Millisecond)
	if _, err := s.StaffLogin(ctx, "", "2486"); err != nil {
		t.Fatalf("right PIN after the lock: %v", err)
	}
}

func TestStaffCardOpensPINPromptForItsMember(t *testing.T) {
	s, st, c := setup(t)
	m, _, _ := st.SetPIN(ctx, teacher, "2486", c.now().UnixMilli())
	if _, _, err := st.SetPIN(ctx, "李老师", "5768", c.now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	code, issued, err := s.StaffCardCode(ctx, m.ID, false)
	if err != nil || !issued {
		t.Fatalf("StaffCardCode = %q, %v, %v", code, issued, err)
	}
	if again, issued, _ := s.StaffCardCode(ctx, m.ID, false); again != code || issued {
		t.Fatalf("the card is shown again as %q (issued %v)", again, issued)
	}
	got, found, err := s.StaffCard(ctx, code+"\r")
	if err != nil || !found || got.ID != m.ID {
		t.Fatalf("StaffCard = %+v, %v, %v", got, found, err)
	}
	if _, err := s.StaffLogin(ctx, got.ID, "5768"); !errors.Is(err, staff.ErrWrongPIN) {
		t.Fatalf("李老师's PIN on 王老师's card: %v", err)
	}
	if sess, err := s.StaffLogin(ctx, got.ID, "2486"); err != nil || sess.StaffID != m.ID {
		t.Fatalf("login by card: %+v, %v", sess, err)
	}
	visitor := register(t, s, "13800138000").Code
	for _, text := range []string{visitor, "HELLO", ""} {
		if _, found, err := s.StaffCard(ctx, text); found || err != nil {
			t.Fatalf("StaffCard(%q) = %v, %v", text, found, err)
		}
	}
	renewed, issued, _ := s.StaffCardCode(ctx, m.ID, true)
	if !issued || renewed == code {
		t.Fatal("renew did not issue a new card")
	}
	if _, found, _ := s.StaffCard(ctx, code); found {
		t.Fatal("the replaced card still works")
	}
	// The old card scanned as a visitor pass is refused as revoked.
	if r := scan(t, s, code, ""); r.Reason != data.ReasonRevoked {
		t.Fatalf("old staff card at the scanner: %+v", r)
	}
	if _, _, err := s.StaffCardCode(ctx, "nobody", false); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("card for an unknown member: %v", err)
	}
	log, _ := st.AuditLog(ctx, 0)
	cards := 0
	for _, e := range log {
		if e.Action == sqlite.AuditStaffCard {
			cards++
		}
	}
	if cards != 2 {
		t.Fatalf("%d staff.card audit entries, want 2", cards)
	}
}

func TestStaffPassesAndDeletion(t *testing.T) {
	s, st, c := setup(t, event("taiji", "centre", "09:00", "11:00"))
	reg := register(t, s, "13800138000")
	scan(t, s, reg.Code, "")
	// Nobody revokes or replaces a pass without being named.
	if _, err := s.StaffRevoke(ctx, reg.Visitor.ID, ""); !errors.Is(err, ErrStaffRequired) {
		t.Fatalf("revoke without staff: %v", err)
	}
	if _, err := s.StaffReissue(ctx, reg.Visitor.ID, ""); !errors.Is(err, ErrStaffRequired) {
		t.Fatalf("re-issue without staff: %v", err)
	}
	if log, _ := st.AuditLog(ctx, 0); len(log) != 0 {
		t.Fatalf("audit after refused actions: %+v", log)
	}
	if n, err := s.StaffRevoke(ctx, reg.Visitor.ID, teacher); n != 1 || err != nil {
		t.Fatalf("StaffRevoke = %d, %v", n, err)
	}
	if _, err := s.StaffRevoke(ctx, "nobody", teacher); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("revoke for nobody: %v", err)
	}
	c.add(20 * time.Minute)
	if r := scan(t, s, reg.Code, ""); r.Reason != data.ReasonRevoked {
		t.Fatalf("revoked pass: %+v", r)
	}
	again, err := s.StaffReissue(ctx, reg.Visitor.ID, teacher)
	if err != nil || !again.Issued || again.Code == reg.Code {
		t.Fatalf("StaffReissue = %+v, %v", again, err)
	}
	if r := scan(t, s, again.Code, ""); r.Outcome != data.Accepted || r.Direction != data.Out {
		t.Fatalf("new pass: %+v", r)
	}
	res, err := s.StaffDeleteVisitor(ctx, reg.Visitor.ID, teacher)
	if err != nil || res.RecordsKept != 3 || res.PassesRevoked != 1 {
		t.Fatalf("StaffDeleteVisitor = %+v, %v", res, err)
	}
	if _, err := s.StaffReissue(ctx, reg.Visitor.ID, teacher); !errors.Is(err, ErrVisitorDeleted) {
		t.Fatalf("reissue for a deleted visitor: %v", err)
	}
	if r, _ := s.Phone(ctx, "13800138000", Target{}); r.Reason != data.ReasonUnknownPhone {
		t.Fatalf("deleted visitor's phone at the kiosk: %+v", r)
	}
	log, _ := st.AuditLog(ctx, 0)
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
		if e.Staff != teacher {
			t.Fatalf("audit entry without the staff member: %+v", e)
		}
	}
	want := []string{sqlite.AuditVisitorDelete, sqlite.AuditPassReissue, sqlite.AuditPassRevoke}
	if len(actions) != 3 || actions[0] != want[0] || actions[1] != want[1] || actions[2] != want[2] {
		t.Fatalf("audit actions %v, want %v", actions, want)
	}
	if _, err := s.StaffDeleteVisitor(ctx, reg.Visitor.ID, ""); !errors.Is(err, ErrStaffRequired) {
		t.Fatalf("deletion without staff: %v", err)
	}
}

func TestServiceApplyRetention(t *testing.T) {
	s, st, c := setup(t, event("taiji", "centre", "09:00", "11:00"))
	reg := register(t, s, "13800138000")
	scan(t, s, reg.Code, "")
	c.t = c.t.AddDate(3, 0, 1)
	res, err := s.ApplyRetention(ctx)
	if err != nil || res.Years != 3 || res.Records != 1 || res.Visitors != 1 {
		t.Fatalf("ApplyRetention = %+v, %v", res, err)
	}
	if v, _ := st.Visitor(ctx, reg.Visitor.ID); v.Phone != "" {
		t.Fatalf("visitor after retention %+v", v)
	}
	st.SetSetting(ctx, sqlite.SettingRetentionYears, "x")
	if _, err := s.ApplyRetention(ctx); err == nil {
		t.Fatal("a bad retention setting was accepted")
	}
}
