package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/staff"
	"github.com/google/uuid"
)

// t0 is a fixed test instant: 2026-11-30 09:00 Beijing time.
var t0 = time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC).UnixMilli()

const minute = int64(60_000)

func TestFirstPINAndVerify(t *testing.T) {
	s := openTemp(t)
	if has, err := s.HasStaff(ctx); has || err != nil {
		t.Fatalf("new store HasStaff = %v, %v", has, err)
	}
	if _, err := s.VerifyPIN(ctx, "", "1234", t0); !errors.Is(err, staff.ErrNoStaff) {
		t.Fatalf("verify with no staff: %v", err)
	}
	if _, err := s.SetFirstPIN(ctx, "", "12", t0); !errors.Is(err, staff.ErrBadPIN) {
		t.Fatalf("first PIN of 2 digits: %v", err)
	}
	if _, err := s.SetFirstPIN(ctx, "", "1234", t0); !errors.Is(err, staff.ErrWeakPIN) {
		t.Fatalf("a weak first PIN: %v", err)
	}
	first, err := s.SetFirstPIN(ctx, "", "2580", t0)
	if err != nil || first.ID == "" || first.Label() != first.ID {
		t.Fatalf("SetFirstPIN = %+v, %v", first, err)
	}
	if has, _ := s.HasStaff(ctx); !has {
		t.Fatal("HasStaff false after the first PIN")
	}
	if _, err := s.SetFirstPIN(ctx, "另一个", "1397", t0); !errors.Is(err, staff.ErrStaffExists) {
		t.Fatalf("a second first PIN: %v", err)
	}
	m, err := s.VerifyPIN(ctx, "", "2580", t0)
	if err != nil || m.ID != first.ID {
		t.Fatalf("right PIN: %+v, %v", m, err)
	}
	var hash string
	s.r.QueryRow(`SELECT pin_hash FROM staff`).Scan(&hash)
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(hash, "2580") {
		t.Fatalf("stored hash %q", hash)
	}

	// Named members; a PIN names one member.
	wang, created, err := s.SetPIN(ctx, "王老师", "135790", t0+1)
	if err != nil || !created || wang.Name != "王老师" {
		t.Fatalf("SetPIN 王老师 = %+v, %v, %v", wang, created, err)
	}
	if _, _, err := s.SetPIN(ctx, "李老师", "2580", t0); !errors.Is(err, staff.ErrPINInUse) {
		t.Fatalf("a PIN in use: %v", err)
	}
	if m, err := s.VerifyPIN(ctx, "", "135790", t0); err != nil || m.ID != wang.ID {
		t.Fatalf("王老师's PIN: %+v, %v", m, err)
	}
	// Changing one's own PIN, and to the same PIN, is allowed.
	if m, created, err := s.SetPIN(ctx, "王老师", "135790", t0+2); err != nil || created || m.ID != wang.ID || m.UpdatedMS != t0+2 {
		t.Fatalf("re-setting 王老师's PIN: %+v, %v, %v", m, created, err)
	}
	// A card names the member: another member's PIN does not open it.
	if _, err := s.VerifyPIN(ctx, wang.ID, "2580", t0); !errors.Is(err, staff.ErrWrongPIN) {
		t.Fatalf("another member's PIN on 王老师's card: %v", err)
	}
	if _, err := s.VerifyPIN(ctx, "nobody", "2580", t0); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("unknown staff id: %v", err)
	}
	// A malformed PIN is refused without counting as a try.
	a0, _ := s.StaffLockout(ctx)
	if _, err := s.VerifyPIN(ctx, "", "12a", t0); !errors.Is(err, staff.ErrBadPIN) {
		t.Fatalf("malformed PIN: %v", err)
	}
	if a1, _ := s.StaffLockout(ctx); a1 != a0 {
		t.Fatalf("a malformed PIN counted: %+v → %+v", a0, a1)
	}

	// Disabled members cannot enter.
	if err := s.SetStaffDisabled(ctx, wang.ID, true, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyPIN(ctx, wang.ID, "135790", t0); !errors.Is(err, staff.ErrDisabled) {
		t.Fatalf("disabled by card: %v", err)
	}
	if _, err := s.VerifyPIN(ctx, "", "135790", t0); !errors.Is(err, staff.ErrWrongPIN) {
		t.Fatalf("disabled member's PIN: %v", err)
	}
	if err := s.SetStaffDisabled(ctx, "nobody", true, t0); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("disable unknown: %v", err)
	}
	list, _ := s.StaffMembers(ctx)
	if len(list) != 2 || list[0].Name != "" || list[1].Name != "王老师" || !list[1].Disabled {
		t.Fatalf("StaffMembers = %+v", list)
	}
}

func TestLockoutPersistsAcrossReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kiosk.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.SetPIN(ctx, "王老师", "4317", t0); err != nil {
		t.Fatal(err)
	}
	now := t0
	for i := 1; i <= 4; i++ {
		_, err := s.VerifyPIN(ctx, "", "0000", now)
		var wp *staff.WrongPINError
		if !errors.As(err, &wp) || wp.TriesLeft != 5-i {
			t.Fatalf("wrong PIN %d: %v", i, err)
		}
		now += 10_000
	}
	// Restarting the kiosk keeps the count.
	s.Close()
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	_, err = s.VerifyPIN(ctx, "", "0000", now)
	var le *staff.LockedError
	if !errors.As(err, &le) || le.UntilMS != now+5*minute {
		t.Fatalf("fifth wrong PIN after a restart: %v", err)
	}
	lockedAt := now
	// While locked even the right PIN is refused, and nothing is counted.
	if _, err := s.VerifyPIN(ctx, "", "4317", lockedAt+4*minute); !errors.Is(err, staff.ErrLocked) {
		t.Fatalf("right PIN while locked: %v", err)
	}
	s.Close()
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyPIN(ctx, "", "4317", lockedAt+5*minute-1); !errors.Is(err, staff.ErrLocked) {
		t.Fatalf("right PIN after a restart, still locked: %v", err)
	}
	a, _ := s.StaffLockout(ctx)
	p, _ := s.StaffPolicy(ctx)
	if p.Check(a, lockedAt+minute) == nil || p.TriesLeft(a, lockedAt+5*minute) != 5 {
		t.Fatalf("lockout state %+v", a)
	}
	// After the period: five fresh tries; a success resets the count.
	after := lockedAt + 5*minute
	if _, err := s.VerifyPIN(ctx, "", "0000", after); err.(*staff.WrongPINError).TriesLeft != 4 {
		t.Fatalf("wrong PIN after the lock: %v", err)
	}
	if m, err := s.VerifyPIN(ctx, "", "4317", after+1); err != nil || m.Name != "王老师" {
		t.Fatalf("right PIN after the lock: %+v, %v", m, err)
	}
	if a, _ := s.StaffLockout(ctx); a != (staff.Attempts{}) {
		t.Fatalf("after success: %+v", a)
	}
	log, _ := s.AuditLog(ctx, 0)
	locked := false
	for _, e := range log {
		locked = locked || e.Action == AuditStaffLocked && e.Details["until_ms"] == float64(lockedAt+5*minute)
	}
	if !locked {
		t.Fatalf("audit log %+v: want the lock logged", log)
	}
}

func TestLockoutPolicyFromSettings(t *testing.T) {
	s := openTemp(t)
	s.SetPIN(ctx, "", "5915", t0)
	s.SetSetting(ctx, SettingStaffMaxTries, "3")
	s.SetSetting(ctx, SettingStaffLockMinutes, "10")
	s.SetSetting(ctx, SettingStaffIdleMinutes, "2")
	p, err := s.StaffPolicy(ctx)
	if err != nil || p.MaxTries != 3 || p.LockFor != 10*time.Minute || p.Idle != 2*time.Minute {
		t.Fatalf("StaffPolicy = %+v, %v", p, err)
	}
	s.VerifyPIN(ctx, "", "0000", t0)
	s.VerifyPIN(ctx, "", "0000", t0)
	_, err = s.VerifyPIN(ctx, "", "0000", t0)
	var le *staff.LockedError
	if !errors.As(err, &le) || le.UntilMS != t0+10*minute {
		t.Fatalf("third wrong PIN: %v", err)
	}
	if err := s.ResetStaffLockout(ctx, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyPIN(ctx, "", "5915", t0); err != nil {
		t.Fatalf("after an administrator's reset: %v", err)
	}
	s.SetSetting(ctx, SettingStaffMaxTries, "zero")
	if _, err := s.StaffPolicy(ctx); err == nil {
		t.Fatal("a bad setting was accepted")
	}
	if _, err := s.VerifyPIN(ctx, "", "5915", t0); err == nil {
		t.Fatal("verification with a bad policy setting succeeded")
	}
}

func TestWeakHashIsReplacedOnSuccess(t *testing.T) {
	s := openTemp(t)
	m, _, _ := s.SetPIN(ctx, "", "7193", t0)
	weak, _ := staff.HashPIN("7193", staff.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, nil)
	s.w.Exec(`UPDATE staff SET pin_hash = ? WHERE id = ?`, weak, m.ID)
	if _, err := s.VerifyPIN(ctx, "", "7193", t0); err != nil {
		t.Fatal(err)
	}
	var hash string
	s.r.QueryRow(`SELECT pin_hash FROM staff`).Scan(&hash)
	if staff.NeedsRehash(hash, staff.DefaultParams) {
		t.Fatalf("hash not upgraded: %s", hash)
	}
	if _, err := s.VerifyPIN(ctx, "", "7193", t0); err != nil {
		t.Fatal(err)
	}
}

func TestStaffCards(t *testing.T) {
	s := openTemp(t)
	m, _, _ := s.SetPIN(ctx, "王老师", "2468", t0)
	if _, err := s.IssueStaffCard(ctx, "nobody", 9, t0); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("card for an unknown member: %v", err)
	}
	v, _, _ := s.Register(ctx, data.Visitor{Phone: "13800138000", CreatedMS: t0})
	p1, _ := s.IssuePass(ctx, v.ID, 9, t0)
	card, err := s.IssueStaffCard(ctx, m.ID, 9, t0)
	if err != nil || card != (data.PassRef{KeyID: 9, No: p1.No + 1}) {
		t.Fatalf("IssueStaffCard = %+v, %v", card, err)
	}
	// A visitor's pass issued later never reuses the card's number.
	p2, _ := s.IssuePass(ctx, v.ID, 9, t0)
	if p2.No != card.No+1 {
		t.Fatalf("next visitor pass %+v after card %+v", p2, card)
	}
	got, found, err := s.StaffByPass(ctx, card)
	if err != nil || !found || got.ID != m.ID {
		t.Fatalf("StaffByPass(card) = %+v, %v, %v", got, found, err)
	}
	if _, found, _ := s.StaffByPass(ctx, p2); found {
		t.Fatal("a visitor's pass is a staff card")
	}
	if ref, _, found, _ := s.StaffCard(ctx, m.ID); !found || ref != card {
		t.Fatalf("StaffCard = %+v, %v", ref, found)
	}
	// A new card revokes the old one, here and as a pass.
	card2, _ := s.IssueStaffCard(ctx, m.ID, 9, t0+1)
	if _, found, _ := s.StaffByPass(ctx, card); found {
		t.Fatal("the replaced card still opens staff mode")
	}
	if _, revoked, _ := s.PassHolder(ctx, card); !revoked {
		t.Fatal("the replaced card is not a revoked pass")
	}
	if got, found, _ := s.StaffByPass(ctx, card2); !found || got.ID != m.ID {
		t.Fatal("the new card does not name the member")
	}
}

// rec makes an accepted record of visitor v (a subject) at wallMS.
func rec(v, event string, session int64, dir data.Direction, wallMS int64) data.CheckIn {
	return data.CheckIn{ID: uuid.Must(uuid.NewV7()).String(), VisitorID: v, EventID: event, SessionStartMS: session,
		Direction: dir, Method: data.MethodQR, DeviceID: "dev", WallMS: wallMS, RunID: "run", Outcome: data.Accepted}
}

func appendAll(t *testing.T, s *Store, recs ...data.CheckIn) {
	t.Helper()
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, r := range recs {
			if err := insertCheckIn(ctx, tx, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// addEvent stores e at a site "c", made if missing.
func addEvent(t *testing.T, s *Store, e data.Event) {
	t.Helper()
	if _, err := s.w.Exec(`INSERT OR IGNORE INTO sites(id, level, name) VALUES('c', 1, '中心')`); err != nil {
		t.Fatal(err)
	}
	e.SiteID = "c"
	if err := s.PutEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
}

// people registers n visitors with phones 1390000000N, made at createdMS.
func people(t *testing.T, s *Store, n int, createdMS int64) []data.Visitor {
	t.Helper()
	var out []data.Visitor
	for i := 0; i < n; i++ {
		v, _, err := s.Register(ctx, data.Visitor{Phone: fmt.Sprintf("1390000%04d", i), Name: fmt.Sprintf("居民%d", i), CreatedMS: createdMS})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestRosterCounts(t *testing.T) {
	s := openTemp(t)
	start := t0
	addEvent(t, s, data.Event{ID: "e", Title: "讲座", StartMS: start, EndMS: start + 60*minute, Capacity: 30})
	vs := people(t, s, 4, t0)
	staffIn := rec(vs[3].ID, "e", start, data.In, start+5*minute)
	staffIn.Method, staffIn.Staff, staffIn.Backfilled = data.MethodStaff, "王老师", true
	unknown := rec("", "e", start, data.In, start+6*minute)
	unknown.Pass = data.PassRef{KeyID: 3, No: 44}
	refused := rec(vs[2].ID, "e", start, data.In, start)
	refused.Outcome, refused.Reason = data.Refused, data.ReasonRevoked
	appendAll(t, s,
		rec(vs[0].ID, "e", start, data.In, start-10*minute), // in then out
		rec(vs[1].ID, "e", start, data.In, start-5*minute),  // still inside
		rec(vs[0].ID, "e", start, data.Out, start+40*minute),
		staffIn, unknown, refused,
		rec(vs[2].ID, "other", start, data.In, start), // another event
	)
	r, err := s.Roster(ctx, "e", start)
	if err != nil {
		t.Fatal(err)
	}
	if r.Capacity != 30 || r.CheckedIn != 4 || r.CheckedOut != 1 || r.Inside != 3 || len(r.Entries) != 4 {
		t.Fatalf("roster counts %+v", r)
	}
	e0 := r.Entries[0]
	if e0.VisitorID != vs[0].ID || e0.InMS != start-10*minute || e0.OutMS != start+40*minute || e0.Inside ||
		e0.MaskedPhone != "139****0000" || e0.Name != "居民0" || e0.InMethod != data.MethodQR || e0.OutMethod != data.MethodQR {
		t.Fatalf("first entry %+v", e0)
	}
	if e := r.Entries[1]; e.VisitorID != vs[1].ID || !e.Inside || e.OutMS != 0 {
		t.Fatalf("second entry %+v", e)
	}
	if e := r.Entries[2]; e.VisitorID != vs[3].ID || !e.Backfilled || e.Staff != "王老师" || e.InMethod != data.MethodStaff {
		t.Fatalf("staff entry %+v", e)
	}
	if e := r.Entries[3]; e.Subject != "pass:3:44" || e.MaskedPhone != "" || e.Pass.No != 44 {
		t.Fatalf("unknown pass entry %+v", e)
	}
	for _, e := range r.Entries {
		if strings.Contains(e.MaskedPhone, "13900000") {
			t.Fatalf("full phone in the roster: %+v", e)
		}
	}
	if r, _ := s.Roster(ctx, "nothing", start); r.CheckedIn != 0 || r.Capacity != 0 {
		t.Fatalf("roster of an unknown event %+v", r)
	}
}

func TestAttendancePerDayInShanghaiOnUTCMachine(t *testing.T) {
	old := time.Local
	time.Local = time.UTC
	defer func() { time.Local = old }()
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	bj := func(s string) int64 {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	s := openTemp(t)
	vs := people(t, s, 3, t0)
	refused := rec(vs[2].ID, "e", 1, data.In, bj("2026-12-02 10:00"))
	refused.Outcome = data.Refused
	appendAll(t, s,
		// 07:30 Beijing on 12-01 is 23:30 UTC on 11-30: it counts for 12-01.
		rec(vs[0].ID, "e", 1, data.In, bj("2026-12-01 07:30")),
		rec(vs[0].ID, "e", 1, data.Out, bj("2026-12-01 09:00")),
		// The same person twice on one day counts once.
		rec(vs[0].ID, "f", 2, data.In, bj("2026-12-01 19:00")),
		rec(vs[1].ID, "f", 2, data.In, bj("2026-12-01 23:59")),
		// 00:00 Beijing belongs to the new day.
		rec(vs[1].ID, "g", 3, data.In, bj("2026-12-02 00:00")),
		rec(vs[2].ID, "g", 3, data.In, bj("2026-11-30 23:59")),
		refused,
	)
	days, err := s.AttendancePerDay(ctx, bj("2026-11-30 00:00"), bj("2026-12-04 00:00"), shanghai)
	if err != nil {
		t.Fatal(err)
	}
	want := []DayCount{
		{"2026-11-30", bj("2026-11-30 00:00"), 1},
		{"2026-12-01", bj("2026-12-01 00:00"), 2},
		{"2026-12-02", bj("2026-12-02 00:00"), 1},
		{"2026-12-03", bj("2026-12-03 00:00"), 0},
	}
	if fmt.Sprint(days) != fmt.Sprint(want) {
		t.Fatalf("AttendancePerDay =\n%v\nwant\n%v", days, want)
	}
	// A range starting mid-day counts only from there.
	days, _ = s.AttendancePerDay(ctx, bj("2026-12-01 08:00"), bj("2026-12-02 00:00"), shanghai)
	if len(days) != 1 || days[0].People != 2 || days[0].Day != "2026-12-01" {
		t.Fatalf("partial day %v", days)
	}
	// The UTC calendar would put the 07:30 check-in on 11-30.
	days, _ = s.AttendancePerDay(ctx, bj("2026-11-30 08:00"), bj("2026-12-01 08:00"), time.UTC)
	if days[0].Day != "2026-11-30" || days[0].People != 2 {
		t.Fatalf("UTC days %v", days)
	}
	if _, err := s.AttendancePerDay(ctx, 0, bj("2026-12-01 00:00"), shanghai); err == nil {
		t.Fatal("56 years of days accepted")
	}
}

// plan returns SQLite's query plan for q.
func plan(t *testing.T, s *Store, q string, args ...any) string {
	t.Helper()
	rows, err := s.r.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		rows.Scan(&id, &parent, &unused, &detail)
		b.WriteString(detail + "\n")
	}
	return b.String()
}

func TestStaffQueriesUseIndexes(t *testing.T) {
	s := openTemp(t)
	for q, want := range map[string]string{
		`SELECT count(DISTINCT c.subject) FROM checkins c WHERE c.outcome = 'accepted' AND c.direction = 'in' AND c.wall_ms >= 1 AND c.wall_ms < 2`:                               "COVERING INDEX checkins_day",
		`SELECT id FROM visitors v WHERE substr(v.phone, 8) = '1234' AND v.phone IS NOT NULL AND v.deleted_ms = 0`:                                                                "INDEX visitors_last4",
		`SELECT c.wall_ms FROM checkins c INDEXED BY checkins_visitor WHERE c.visitor_id = 'x' AND c.visitor_id <> '' AND c.outcome = 'accepted' ORDER BY c.wall_ms DESC LIMIT 1`: "INDEX checkins_visitor",
		`SELECT count(*) FROM checkins WHERE visitor_id = 'x' AND visitor_id <> ''`:                                                                                               "INDEX checkins_visitor",
		strings.ReplaceAll(`SELECT count(*) FROM visitors WHERE `+retentionVisitors(retentionDue), "?1", "5"):                                                                     "INDEX checkins_visitor",
		`SELECT 1 FROM checkins WHERE event_id = 'e' AND session_start_ms = 1 AND outcome = 'accepted'`:                                                                           "INDEX checkins_session",
		`SELECT session_start_ms FROM checkins WHERE anonymised_ms = 0 AND session_start_ms > 0 AND session_start_ms < 5 ORDER BY session_start_ms LIMIT 1 OFFSET 4999`:           "INDEX checkins_retention",
		`SELECT rowid FROM checkins WHERE anonymised_ms = 0 AND session_start_ms = 0 AND wall_ms < 5`:                                                                             "INDEX checkins_retention",
	} {
		if p := plan(t, s, q); !strings.Contains(p, want) || strings.Contains(p, "SCAN c\n") {
			t.Errorf("%s\nplan:\n%s\nwant %s", q, p, want)
		}
	}
}

func TestFindVisitors(t *testing.T) {
	s := openTemp(t)
	a, _, _ := s.Register(ctx, data.Visitor{Phone: "13800001234", Name: "甲", CreatedMS: t0})
	b, _, _ := s.Register(ctx, data.Visitor{Phone: "15900001234", Name: "乙", CreatedMS: t0 + 1})
	s.Register(ctx, data.Visitor{Phone: "13800005678", Name: "丙", CreatedMS: t0})
	ref, _ := s.IssuePass(ctx, a.ID, 5, t0)
	appendAll(t, s, rec(a.ID, "e", 1, data.In, t0+minute))

	got, err := s.FindVisitors(ctx, "+86 138-0000-1234", 0)
	if err != nil || len(got) != 1 || got[0].ID != a.ID || got[0].MaskedPhone != "138****1234" || got[0].Pass != ref || got[0].LastSeenMS != t0+minute {
		t.Fatalf("by phone: %+v, %v", got, err)
	}
	got, _ = s.FindVisitors(ctx, " 1234 ", 0)
	if len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID || got[1].MaskedPhone != "159****1234" || got[1].LastSeenMS != 0 {
		t.Fatalf("by last 4: %+v", got)
	}
	if got, _ := s.FindVisitors(ctx, "1234", 1); len(got) != 1 {
		t.Fatalf("limit 1: %+v", got)
	}
	if got[0].LastDir != data.In || got[0].LastMethod != data.MethodQR {
		t.Fatalf("last record of 甲: %+v", got[0])
	}
	auto := rec(a.ID, "e", 1, data.Out, t0+2*minute)
	auto.Method = data.MethodAuto
	appendAll(t, s, auto)
	if got, _ := s.FindVisitors(ctx, "13800001234", 0); len(got) != 1 || got[0].LastSeenMS != t0+2*minute ||
		got[0].LastDir != data.Out || got[0].LastMethod != data.MethodAuto {
		t.Fatalf("after the automatic check-out: %+v", got)
	}
	for _, bad := range []string{"", "123", "12345", "abcd", "1380000123"} {
		if _, err := s.FindVisitors(ctx, bad, 0); !errors.Is(err, ErrBadQuery) {
			t.Errorf("FindVisitors(%q): %v", bad, err)
		}
	}
	if got, _ := s.FindVisitors(ctx, "9999", 0); len(got) != 0 {
		t.Fatalf("no match: %+v", got)
	}
}

func TestDeleteVisitorKeepsAttendanceAnonymous(t *testing.T) {
	s := openTemp(t)
	start := t0
	addEvent(t, s, data.Event{ID: "e", Title: "讲座", StartMS: start, EndMS: start + 60*minute})
	vs := people(t, s, 2, t0)
	ref, _ := s.IssuePass(ctx, vs[0].ID, 5, t0)
	appendAll(t, s,
		rec(vs[0].ID, "e", start, data.In, start), rec(vs[0].ID, "e", start, data.Out, start+30*minute),
		rec(vs[1].ID, "e", start, data.In, start),
	)
	before, _ := s.Roster(ctx, "e", start)
	daysBefore, _ := s.AttendancePerDay(ctx, start-60*minute, start+60*minute, time.UTC)

	res, err := s.DeleteVisitor(ctx, vs[0].ID, "王老师", t0+time.Hour.Milliseconds())
	if err != nil || res.RecordsKept != 2 || res.PassesRevoked != 1 {
		t.Fatalf("DeleteVisitor = %+v, %v", res, err)
	}
	v, err := s.Visitor(ctx, vs[0].ID)
	if err != nil || v.Phone != "" || v.Name != "" {
		t.Fatalf("deleted visitor row %+v, %v", v, err)
	}
	if del, _ := s.VisitorDeleted(ctx, vs[0].ID); !del {
		t.Fatal("VisitorDeleted false")
	}
	if _, err := s.VisitorByPhone(ctx, "13900000000"); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("deleted visitor found by phone: %v", err)
	}
	if got, _ := s.FindVisitors(ctx, "0000", 0); len(got) != 0 {
		t.Fatalf("deleted visitor found by last 4: %+v", got)
	}
	if _, revoked, _ := s.PassHolder(ctx, ref); !revoked {
		t.Fatal("the deleted visitor's pass still works")
	}
	after, _ := s.Roster(ctx, "e", start)
	if after.CheckedIn != before.CheckedIn || after.CheckedOut != before.CheckedOut || after.Inside != before.Inside {
		t.Fatalf("roster changed: %+v → %+v", before, after)
	}
	if after.Entries[0].Name != "" || after.Entries[0].MaskedPhone != "" {
		t.Fatalf("deleted visitor named in the roster: %+v", after.Entries[0])
	}
	if daysAfter, _ := s.AttendancePerDay(ctx, start-60*minute, start+60*minute, time.UTC); fmt.Sprint(daysAfter) != fmt.Sprint(daysBefore) {
		t.Fatalf("per-day counts changed: %v → %v", daysBefore, daysAfter)
	}
	if n, _ := s.CountAttendance(ctx, AttendanceFilter{}); n != 3 {
		t.Fatalf("%d records after deletion, want 3", n)
	}
	if _, err := s.DeleteVisitor(ctx, vs[0].ID, "王老师", t0); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	log, _ := s.AuditLog(ctx, 1)
	if len(log) != 1 || log[0].Action != AuditVisitorDelete || log[0].Staff != "王老师" ||
		log[0].Details["visitor_id"] != vs[0].ID || log[0].Details["records_kept"] != float64(2) {
		t.Fatalf("audit %+v", log)
	}
	assertNoPersonalData(t, s)
	// The phone may register again, as a new visitor.
	again, created, err := s.Register(ctx, data.Visitor{Phone: "13900000000", CreatedMS: t0})
	if err != nil || !created || again.ID == vs[0].ID {
		t.Fatalf("re-registering a deleted phone: %+v, %v, %v", again, created, err)
	}
}

// assertNoPersonalData fails if any audit detail holds a phone-like number
// or a visitor's name.
func assertNoPersonalData(t *testing.T, s *Store) {
	t.Helper()
	rows, _ := s.r.Query(`SELECT details FROM audit`)
	defer rows.Close()
	for rows.Next() {
		var d string
		rows.Scan(&d)
		if strings.Contains(d, "1390000") || strings.Contains(d, "居民") || strings.Contains(d, "phone") {
			t.Fatalf("personal data in audit details: %s", d)
		}
	}
}

func TestRevokeVisitorPasses(t *testing.T) {
	s := openTemp(t)
	v := people(t, s, 1, t0)[0]
	ref, _ := s.IssuePass(ctx, v.ID, 5, t0)
	if n, err := s.RevokeVisitorPasses(ctx, v.ID, "王老师", t0); err != nil || n != 1 {
		t.Fatalf("RevokeVisitorPasses = %d, %v", n, err)
	}
	if _, revoked, _ := s.PassHolder(ctx, ref); !revoked {
		t.Fatal("not revoked")
	}
	if n, _ := s.RevokeVisitorPasses(ctx, v.ID, "王老师", t0); n != 0 {
		t.Fatalf("second revoke: %d", n)
	}
	if log, _ := s.AuditLog(ctx, 0); len(log) != 2 || log[0].Action != AuditPassRevoke {
		t.Fatalf("audit %+v", log)
	}
}

func TestReissuePass(t *testing.T) {
	s := openTemp(t)
	v := people(t, s, 1, t0)[0]
	first, _ := s.IssuePass(ctx, v.ID, 5, t0)
	// Issuing another pass (under another kiosk's key) revokes nothing.
	second, err := s.IssuePass(ctx, v.ID, 6, t0+minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []data.PassRef{first, second} {
		if _, revoked, _ := s.PassHolder(ctx, ref); revoked {
			t.Fatalf("IssuePass revoked %+v", ref)
		}
	}
	if log, _ := s.AuditLog(ctx, 0); len(log) != 0 {
		t.Fatalf("audit after IssuePass: %+v", log)
	}
	ref, err := s.ReissuePass(ctx, v.ID, 5, "王老师", t0+2*minute)
	if err != nil || ref != (data.PassRef{KeyID: 5, No: first.No + 1}) {
		t.Fatalf("ReissuePass = %+v, %v", ref, err)
	}
	for _, old := range []data.PassRef{first, second} {
		if _, revoked, _ := s.PassHolder(ctx, old); !revoked {
			t.Fatalf("%+v not revoked by the re-issue", old)
		}
	}
	if active, _, _, _ := s.ActivePass(ctx, v.ID); active != ref {
		t.Fatalf("active pass %+v, want %+v", active, ref)
	}
	log, _ := s.AuditLog(ctx, 0)
	if len(log) != 1 || log[0].Action != AuditPassReissue || log[0].Staff != "王老师" || log[0].MS != t0+2*minute ||
		log[0].Details["visitor_id"] != v.ID || log[0].Details["revoked"] != float64(2) || log[0].Details["no"] != float64(ref.No) {
		t.Fatalf("audit %+v", log)
	}
}

func TestRetention(t *testing.T) {
	s := openTemp(t)
	day := 24 * 60 * minute
	now := time.Date(2029, 12, 1, 2, 0, 0, 0, time.UTC).UnixMilli()
	cutoff := RetentionCutoff(now, 3)
	if cutoff != time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC).UnixMilli() {
		t.Fatalf("cutoff %v", time.UnixMilli(cutoff).UTC())
	}
	old, recent := cutoff-10*day, cutoff+10*day
	oldOnly := people(t, s, 1, old-day)[0] // attended only long ago
	neverSeen, _, _ := s.Register(ctx, data.Visitor{Phone: "13700000001", Name: "早登记", CreatedMS: old - day})
	both, _, _ := s.Register(ctx, data.Visitor{Phone: "13700000002", Name: "老朋友", CreatedMS: old - day})
	fresh, _, _ := s.Register(ctx, data.Visitor{Phone: "13700000003", Name: "新人", CreatedMS: recent})
	noEventOld := rec("", "", 0, data.In, old)
	noEventOld.Pass, noEventOld.Outcome, noEventOld.Reason = data.PassRef{KeyID: 5, No: 9}, data.Refused, data.ReasonUnreadable
	noEventNew := noEventOld
	noEventNew.ID, noEventNew.WallMS = uuid.Must(uuid.NewV7()).String(), recent
	// A session that started just before the cutoff: its check-out after
	// the cutoff goes with it.
	edgeIn := rec(both.ID, "e", cutoff-minute, data.In, cutoff-minute)
	edgeOut := rec(both.ID, "e", cutoff-minute, data.Out, cutoff+30*minute)
	appendAll(t, s,
		rec(oldOnly.ID, "e", old, data.In, old), rec(oldOnly.ID, "e", old, data.Out, old+60*minute),
		rec(both.ID, "e", old, data.In, old+minute), rec(both.ID, "e", old, data.Out, old+50*minute),
		edgeIn, edgeOut,
		rec(both.ID, "e", recent, data.In, recent),
		rec(fresh.ID, "e", recent, data.In, recent),
		noEventOld, noEventNew,
	)
	oldRoster, _ := s.Roster(ctx, "e", old)
	oldDays, _ := s.AttendancePerDay(ctx, old-day, old+day, time.UTC)

	preview, err := s.PreviewRetention(ctx, now, 3)
	if err != nil || preview.Records != 7 || preview.Visitors != 2 || preview.CutoffMS != cutoff {
		t.Fatalf("PreviewRetention = %+v, %v; want 7 records, 2 visitors", preview, err)
	}
	if n, _ := s.CountAttendance(ctx, AttendanceFilter{}); n != 10 {
		t.Fatal("the preview changed records")
	}
	res, err := s.ApplyRetention(ctx, now, 3)
	if err != nil || res.Records != preview.Records || res.Visitors != preview.Visitors {
		t.Fatalf("ApplyRetention = %+v, %v; preview %+v", res, err, preview)
	}

	all, _ := s.CheckIns(ctx, CheckInFilter{})
	if len(all) != 10 {
		t.Fatalf("%d records after retention, want all 10 kept", len(all))
	}
	subjects := map[string]string{}
	rows, _ := s.r.Query(`SELECT id, subject, visitor_id, pass_key_id, anonymised_ms FROM checkins`)
	for rows.Next() {
		var id, subject, visitor string
		var key, anon int64
		rows.Scan(&id, &subject, &visitor, &key, &anon)
		subjects[id] = subject
		isOld := id == noEventOld.ID || id == edgeIn.ID || id == edgeOut.ID
		for _, c := range all {
			if c.ID == id && c.SessionStartMS == old {
				isOld = true
			}
		}
		if isOld != (anon == now) || isOld != strings.HasPrefix(subject, "anon:") || isOld && (visitor != "" || key != 0) {
			t.Errorf("record %s: old %v, subject %q, visitor %q, key %d, anonymised %d", id, isOld, subject, visitor, key, anon)
		}
	}
	rows.Close()
	if subjects[edgeIn.ID] != subjects[edgeOut.ID] || subjects[edgeIn.ID] != "anon:"+edgeIn.ID {
		t.Fatalf("edge session pair split: %q, %q", subjects[edgeIn.ID], subjects[edgeOut.ID])
	}
	// Counts and pairing of the old session stay; nobody is named.
	newRoster, _ := s.Roster(ctx, "e", old)
	if newRoster.CheckedIn != oldRoster.CheckedIn || newRoster.CheckedOut != oldRoster.CheckedOut || newRoster.Inside != 0 {
		t.Fatalf("old roster %+v → %+v", oldRoster, newRoster)
	}
	for _, e := range newRoster.Entries {
		if e.VisitorID != "" || e.Name != "" || e.MaskedPhone != "" || e.OutMS == 0 {
			t.Fatalf("anonymised entry %+v", e)
		}
	}
	if days, _ := s.AttendancePerDay(ctx, old-day, old+day, time.UTC); fmt.Sprint(days) != fmt.Sprint(oldDays) {
		t.Fatalf("per-day counts %v → %v", oldDays, days)
	}
	// Visitors: long-gone and never-seen old registrations are cleared;
	// those with recent records or registered recently keep their data.
	for id, wantKept := range map[string]bool{oldOnly.ID: false, neverSeen.ID: false, both.ID: true, fresh.ID: true} {
		v, _ := s.Visitor(ctx, id)
		if (v.Phone != "") != wantKept || (v.Name != "") != wantKept {
			t.Errorf("visitor %s after retention: %+v, want kept %v", id, v, wantKept)
		}
	}
	if again, _ := s.ApplyRetention(ctx, now, 3); again.Records != 0 || again.Visitors != 0 {
		t.Fatalf("second run %+v", again)
	}
	log, _ := s.AuditLog(ctx, 0)
	if len(log) != 2 || log[1].Action != AuditRetention || log[1].Staff != "" ||
		log[1].Details["records"] != float64(7) || log[1].Details["visitors"] != float64(2) || log[1].Details["years"] != float64(3) {
		t.Fatalf("audit %+v", log)
	}
	assertNoPersonalData(t, s)
	if _, err := s.ApplyRetention(ctx, now, 0); err == nil {
		t.Fatal("0 years accepted")
	}
	if y, err := s.RetentionYears(ctx); y != 3 || err != nil {
		t.Fatalf("RetentionYears = %d, %v", y, err)
	}
	s.SetSetting(ctx, SettingRetentionYears, "5")
	if y, _ := s.RetentionYears(ctx); y != 5 {
		t.Fatalf("RetentionYears after setting = %d", y)
	}
	s.SetSetting(ctx, SettingRetentionYears, "0")
	if _, err := s.RetentionYears(ctx); err == nil {
		t.Fatal("retention of 0 years accepted")
	}
}

func TestRetentionInBatches(t *testing.T) {
	s := openTemp(t)
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	// 3 batches' worth of old sessions, 7 people each, in and out.
	var recs []data.CheckIn
	n := 0
	for sess := 0; n < 3*retentionBatch; sess++ {
		start := base + int64(sess)*60*minute
		for p := 0; p < 7; p++ {
			v := fmt.Sprintf("v%d", p)
			recs = append(recs, rec(v, "e", start, data.In, start+int64(p)), rec(v, "e", start, data.Out, start+30*minute))
			n += 2
		}
	}
	appendAll(t, s, recs...)
	res, err := s.ApplyRetention(ctx, now, 3)
	if err != nil || res.Records != n {
		t.Fatalf("ApplyRetention = %+v, %v; want %d records", res, err, n)
	}
	var pairs, distinct int
	s.r.QueryRow(`SELECT count(*), count(DISTINCT subject) FROM checkins WHERE direction = 'in'`).Scan(&pairs, &distinct)
	var unpaired int
	s.r.QueryRow(`SELECT count(*) FROM checkins o WHERE direction = 'out' AND NOT EXISTS
		(SELECT 1 FROM checkins i WHERE i.outcome = 'accepted' AND i.subject = o.subject AND i.direction = 'in')`).Scan(&unpaired)
	if pairs != distinct || unpaired != 0 {
		t.Fatalf("%d check-ins with %d subjects, %d unpaired check-outs", pairs, distinct, unpaired)
	}
}
