package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/civickiosk/kiosk/data/staff"
	"github.com/google/uuid"
)

// withStore opens the database at path for fn and closes it after.
func withStore(t *testing.T, path string, fn func(st *sqlite.Store)) {
	t.Helper()
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fn(st)
}

func TestSetPINAndStaffCommands(t *testing.T) {
	db := seededDB(t)
	if out := mustCtl(t, "staff", "--db", db); !strings.Contains(out, "no staff members") {
		t.Fatalf("staff on a new kiosk: %q", out)
	}
	for _, weak := range []string{"1234", "0000", "9876"} {
		if code, _, errOut := ctl(t, "set-pin", "--db", db, "--pin", weak); code != 1 || !strings.Contains(errOut, "straight run") {
			t.Errorf("set-pin --pin %s: exit %d, %q", weak, code, errOut)
		}
	}
	if out := mustCtl(t, "set-pin", "--db", db, "--pin", "1357"); !strings.Contains(out, "created staff member 管理员") {
		t.Fatalf("set-pin: %q", out)
	}
	pinInput = strings.NewReader("2468\n")
	defer func() { pinInput = os.Stdin }()
	if out := mustCtl(t, "set-pin", "--db", db, "--staff", "王老师", "--pin-stdin"); !strings.Contains(out, "created staff member 王老师") {
		t.Fatalf("set-pin --pin-stdin: %q", out)
	}
	pinInput = strings.NewReader("8642") // no newline at the end
	if out := mustCtl(t, "set-pin", "--db", db, "--staff", "王老师", "--pin-stdin"); !strings.Contains(out, "changed the PIN of staff member 王老师") {
		t.Fatalf("set-pin again: %q", out)
	}
	for _, bad := range [][]string{
		{"--pin", "12"},
		{"--pin", "12ab"},
		{"--pin", "1234", "--pin-stdin"},
		{},
		{"--staff", "李老师", "--pin", "8642"}, // 王老师's PIN
	} {
		if code, _, errOut := ctl(t, append([]string{"set-pin", "--db", db}, bad...)...); code != 1 || errOut == "" {
			t.Errorf("set-pin %v: exit %d, %q", bad, code, errOut)
		}
	}
	if _, _, errOut := ctl(t, "set-pin", "--db", db, "--staff", "李老师", "--pin", "8642"); !strings.Contains(errOut, staff.ErrPINInUse.Error()) {
		t.Fatalf("PIN in use: %q", errOut)
	}
	withStore(t, db, func(st *sqlite.Store) {
		m, err := st.VerifyPIN(context.Background(), "", "8642", time.Now().UnixMilli())
		if err != nil || m.Name != "王老师" {
			t.Fatalf("the PIN set by kioskctl: %+v, %v", m, err)
		}
		for i := 0; i < 5; i++ {
			st.VerifyPIN(context.Background(), "", "0000", time.Now().UnixMilli())
		}
	})
	out := mustCtl(t, "staff", "--db", db)
	if !strings.Contains(out, "王老师") || !strings.Contains(out, "管理员") || !strings.Contains(out, "LOCKED") {
		t.Fatalf("staff list: %q", out)
	}
	out = mustCtl(t, "staff", "--db", db, "--unlock", "--disable", "王老师")
	if !strings.Contains(out, "tries left: 5 of 5") || !strings.Contains(out, "disabled") {
		t.Fatalf("staff --unlock --disable: %q", out)
	}
	withStore(t, db, func(st *sqlite.Store) {
		if _, err := st.VerifyPIN(context.Background(), "", "8642", time.Now().UnixMilli()); !errors.Is(err, staff.ErrWrongPIN) {
			t.Fatalf("disabled member's PIN: %v", err)
		}
	})
	if out := mustCtl(t, "staff", "--db", db, "--enable", "王老师"); strings.Contains(out, "disabled") {
		t.Fatalf("staff --enable: %q", out)
	}
	if code, _, _ := ctl(t, "staff", "--db", db, "--disable", "nobody"); code != 1 {
		t.Fatalf("disabling nobody: exit %d", code)
	}
	var log []auditRow
	json.Unmarshal([]byte(mustCtl(t, "audit", "--db", db, "--json")), &log)
	actions := map[string]int{}
	for _, e := range log {
		actions[e.Action]++
	}
	if actions[sqlite.AuditSetPIN] != 3 || actions[sqlite.AuditStaffLocked] != 1 || actions[sqlite.AuditStaffUnlock] != 1 || actions[sqlite.AuditStaffDisabled] != 2 {
		t.Fatalf("audit actions %v", actions)
	}

	// An older kiosk's unnamed member is logged by id; the audit names it.
	var unnamed staff.Member
	withStore(t, db, func(st *sqlite.Store) {
		var err error
		if unnamed, _, err = st.SetPIN(context.Background(), "", "9517", time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
	})
	log = nil
	json.Unmarshal([]byte(mustCtl(t, "audit", "--db", db, "--json")), &log)
	who := map[string]bool{}
	for _, e := range log {
		who[e.Staff] = true
	}
	if who[unnamed.ID] || !who["(unnamed)"] || !who["管理员"] || !who["王老师"] {
		t.Fatalf("the audit names %v, want names, not the id %s", who, unnamed.ID)
	}
}

func TestStaffCardCommand(t *testing.T) {
	db := seededDB(t)
	if code, _, errOut := ctl(t, "staff-card", "--db", db, "--staff", "王老师"); code != 1 || !strings.Contains(errOut, "set-pin") {
		t.Fatalf("card before a PIN: exit %d, %q", code, errOut)
	}
	mustCtl(t, "set-pin", "--db", db, "--staff", "王老师", "--pin", "2468")
	png := filepath.Join(t.TempDir(), "card.png")
	card := strings.TrimSpace(mustCtl(t, "staff-card", "--db", db, "--staff", "王老师", "--png", png))
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("card PNG: %v", err)
	}
	if again := strings.TrimSpace(mustCtl(t, "staff-card", "--db", db, "--staff", "王老师")); again != card {
		t.Fatalf("card re-shown as %q, want %q", again, card)
	}
	renewed := strings.TrimSpace(mustCtl(t, "staff-card", "--db", db, "--staff", "王老师", "--new"))
	if renewed == card {
		t.Fatal("--new printed the old card")
	}
	withStore(t, db, func(st *sqlite.Store) {
		svc, err := checkin.New(context.Background(), st, checkin.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if m, found, err := svc.StaffCard(context.Background(), renewed); !found || err != nil || m.Name != "王老师" {
			t.Fatalf("the new card: %+v, %v, %v", m, found, err)
		}
		if _, found, _ := svc.StaffCard(context.Background(), card); found {
			t.Fatal("the replaced card still opens staff mode")
		}
	})
}

func TestVisitorsCommand(t *testing.T) {
	db := seededDB(t)
	code := strings.TrimSpace(mustCtl(t, "register", "--db", db, "--phone", "13800001234", "--name", "张三"))
	mustCtl(t, "register", "--db", db, "--phone", "15900001234", "--name", "李四")

	var rows []visitorRow
	out := mustCtl(t, "visitors", "--db", db, "--find", "1234", "--json")
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || strings.Contains(out, "13800001234") || strings.Contains(out, "15900001234") {
		t.Fatalf("find by last 4: %s", out)
	}
	out = mustCtl(t, "visitors", "--db", db, "--find", "138 0000 1234")
	if !strings.Contains(out, "138****1234") || !strings.Contains(out, "张三") || strings.Contains(out, "李四") {
		t.Fatalf("find by phone: %q", out)
	}
	if code, _, _ := ctl(t, "visitors", "--db", db, "--find", "12"); code != 1 {
		t.Fatalf("find 12: exit %d", code)
	}
	if code, _, _ := ctl(t, "visitors", "--db", db); code != 1 {
		t.Fatalf("no action: exit %d", code)
	}
	if out := mustCtl(t, "visitors", "--db", db, "--revoke", "13800001234", "--by", "王老师"); !strings.Contains(out, "revoked 1 pass") {
		t.Fatalf("revoke: %q", out)
	}
	var id string
	for _, r := range rows {
		if r.Name == "张三" {
			id = r.ID
		}
	}
	png := filepath.Join(t.TempDir(), "pass.png")
	newCode := strings.TrimSpace(mustCtl(t, "visitors", "--db", db, "--reissue", id, "--by", "王老师", "--png", png))
	if newCode == code || len(newCode) != len(code) {
		t.Fatalf("reissue printed %q", newCode)
	}
	if _, err := os.Stat(png); err != nil {
		t.Fatal(err)
	}
	withStore(t, db, func(st *sqlite.Store) {
		// One attendance record to keep.
		svc, _ := checkin.New(context.Background(), st, checkin.Options{})
		st.AppendCheckIn(context.Background(), data.CheckIn{ID: uuid.Must(uuid.NewV7()).String(), VisitorID: id,
			EventID: "e", SessionStartMS: 1, Direction: data.In, Method: data.MethodQR, DeviceID: svc.DeviceID(),
			WallMS: time.Now().UnixMilli(), RunID: "r", Outcome: data.Accepted})
	})
	out = mustCtl(t, "visitors", "--db", db, "--delete", id, "--by", "王老师")
	if !strings.Contains(out, "1 attendance records kept anonymised, 1 pass(es) revoked") {
		t.Fatalf("delete: %q", out)
	}
	if code, _, errOut := ctl(t, "visitors", "--db", db, "--delete", id); code != 1 || !strings.Contains(errOut, "no visitor") {
		t.Fatalf("deleting twice: exit %d, %q", code, errOut)
	}
	if out := mustCtl(t, "visitors", "--db", db, "--find", "1234"); strings.Contains(out, "张三") || !strings.Contains(out, "李四") {
		t.Fatalf("find after deletion: %q", out)
	}
	withStore(t, db, func(st *sqlite.Store) {
		if n, _ := st.CountAttendance(context.Background(), sqlite.AttendanceFilter{}); n != 1 {
			t.Fatalf("%d records after deletion, want 1", n)
		}
	})
	out = mustCtl(t, "audit", "--db", db)
	for _, want := range []string{"visitor.delete", "pass.reissue", "pass.revoke", "王老师"} {
		if !strings.Contains(out, want) {
			t.Fatalf("audit lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "1380000") || strings.Contains(out, "张三") {
		t.Fatalf("personal data in the audit log:\n%s", out)
	}
}

func TestRetentionCommand(t *testing.T) {
	db := seededDB(t)
	old := time.Now().AddDate(-4, 0, 0).UnixMilli()
	withStore(t, db, func(st *sqlite.Store) {
		ctx := context.Background()
		gone, _, _ := st.Register(ctx, data.Visitor{Phone: "13800138000", Name: "老访客", CreatedMS: old})
		kept, _, _ := st.Register(ctx, data.Visitor{Phone: "13900139000", Name: "常客", CreatedMS: old})
		for _, c := range []struct {
			v    string
			dir  data.Direction
			wall int64
		}{{gone.ID, data.In, old}, {gone.ID, data.Out, old + 3600_000}, {kept.ID, data.In, time.Now().UnixMilli()}} {
			err := st.AppendCheckIn(ctx, data.CheckIn{ID: uuid.Must(uuid.NewV7()).String(), VisitorID: c.v, EventID: "e",
				SessionStartMS: c.wall - c.wall%3600_000, Direction: c.dir, Method: data.MethodQR, DeviceID: "d",
				WallMS: c.wall, RunID: "r", Outcome: data.Accepted})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
	out := mustCtl(t, "retention", "--db", db, "--dry-run")
	if !strings.Contains(out, "retention 3 years") || !strings.Contains(out, "2 check-in records would be anonymised") || !strings.Contains(out, "1 visitors'") {
		t.Fatalf("dry run: %q", out)
	}
	out = mustCtl(t, "retention", "--db", db)
	if !strings.Contains(out, "2 check-in records anonymised; 1 visitors'") {
		t.Fatalf("retention: %q", out)
	}
	if out := mustCtl(t, "retention", "--db", db); !strings.Contains(out, "0 check-in records anonymised; 0 visitors'") {
		t.Fatalf("second run: %q", out)
	}
	withStore(t, db, func(st *sqlite.Store) {
		if _, err := st.VisitorByPhone(context.Background(), "13800138000"); !errors.Is(err, data.ErrNotFound) {
			t.Fatalf("long-gone visitor still has a phone: %v", err)
		}
		if v, err := st.VisitorByPhone(context.Background(), "13900139000"); err != nil || v.Name != "常客" {
			t.Fatalf("recent visitor: %+v, %v", v, err)
		}
	})
	if code, _, _ := ctl(t, "retention", "--db", db, "--years", "-1"); code != 1 {
		t.Fatalf("--years -1: exit %d", code)
	}
	if code, _, _ := ctl(t, "retention", "--db", db, "--save"); code != 1 {
		t.Fatalf("--save without --years: exit %d", code)
	}
	mustCtl(t, "retention", "--db", db, "--years", "10", "--save")
	if out := mustCtl(t, "retention", "--db", db, "--dry-run"); !strings.Contains(out, "retention 10 years") {
		t.Fatalf("saved setting not used: %q", out)
	}
	if out := mustCtl(t, "audit", "--db", db, "--limit", "1"); strings.Count(out, "retention") != 1 {
		t.Fatalf("audit: %q", out)
	}
}
