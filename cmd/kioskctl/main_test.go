package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data/pass"
)

// ctl runs kioskctl with args and returns its exit code, stdout and stderr.
func ctl(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func mustCtl(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := ctl(t, args...)
	if code != 0 {
		t.Fatalf("kioskctl %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

func TestSeedEventsAddRegisterCheckIn(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kiosk.db")
	mustCtl(t, "seed", "--db", db)

	var rows []eventRow
	if err := json.Unmarshal([]byte(mustCtl(t, "events", "--db", db, "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) < 10 {
		t.Fatalf("%d events listed", len(rows))
	}
	// Today's and upcoming events come before history.
	seenPast := false
	for _, r := range rows {
		if r.Past {
			seenPast = true
		} else if seenPast {
			t.Fatalf("upcoming event %s listed after past ones", r.ID)
		}
	}

	// A one-off event open now, at the kiosk's site (the centre).
	now := time.Now()
	id := strings.TrimSpace(mustCtl(t, "event", "add", "--db", db, "--title", "测试讲座",
		"--start", now.Add(-10*time.Minute).Format(time.RFC3339), "--end", now.Add(time.Hour).Format(time.RFC3339), "--place", "二楼"))
	rows = nil
	json.Unmarshal([]byte(mustCtl(t, "events", "--db", db, "--json")), &rows)
	var found *eventRow
	for i := range rows {
		if rows[i].ID == id {
			found = &rows[i]
		}
	}
	if found == nil || !found.OpenNow || found.Place != "二楼" || found.WindowOpens == "" {
		t.Fatalf("added event in the list: %+v", found)
	}

	png := filepath.Join(t.TempDir(), "pass.png")
	code := strings.TrimSpace(mustCtl(t, "register", "--db", db, "--phone", "+86 139-0000-1111", "--png", png))
	if len(code) != pass.Len || !strings.HasPrefix(code, pass.Prefix) {
		t.Fatalf("register printed %q", code)
	}
	if b, err := os.ReadFile(png); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("pass PNG: %v", err)
	}
	if again := strings.TrimSpace(mustCtl(t, "register", "--db", db, "--phone", "13900001111")); again != code {
		t.Fatalf("same phone gave a different code %q", again)
	}

	out := mustCtl(t, "checkin", "--db", db, "--code", code, "--event", id)
	if !strings.Contains(out, "checked in") || !strings.Contains(out, "139****1111") {
		t.Fatalf("checkin printed %q", out)
	}
	out = mustCtl(t, "checkin", "--db", db, "--code", code, "--event", id)
	if !strings.Contains(out, "duplicate") {
		t.Fatalf("second checkin printed %q", out)
	}

	// A tampered code is refused with exit status 2.
	tampered := []byte(code)
	tampered[40] = map[bool]byte{true: 'A', false: 'B'}[tampered[40] != 'A']
	exit, out, _ := ctl(t, "checkin", "--db", db, "--code", string(tampered), "--event", id)
	if exit != 2 || !strings.Contains(out, "refused") {
		t.Fatalf("tampered code: exit %d, %q", exit, out)
	}
}

func TestImportReportsLinesAndWritesNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kiosk.db")
	bad := filepath.Join(dir, "centre.yaml")
	os.WriteFile(bad, []byte(`sites:
  - {id: c, level: centre, name: 中心}
events:
  - id: ok
    site: c
    title: 好的活动
    date: 2026-12-01
    time: "09:00-10:00"
  - id: broken
    site: nowhere
    title: 坏的活动
    date: 2026-12-01
    time: "10:00-09:00"
`), 0o644)
	exit, _, errOut := ctl(t, "import", "--db", db, bad)
	if exit != 1 || !strings.Contains(errOut, "line 10") || !strings.Contains(errOut, "line 13") || !strings.Contains(errOut, "nothing was imported") {
		t.Fatalf("import of a bad file: exit %d\n%s", exit, errOut)
	}
	if out := mustCtl(t, "events", "--db", db, "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("a failed import wrote events: %s", out)
	}
	os.WriteFile(bad, []byte("sites:\n  - {id: c, level: centre, name: 中心}\n"), 0o644)
	mustCtl(t, "import", "--db", db, bad)
}

func TestUnknownCommand(t *testing.T) {
	if exit, _, errOut := ctl(t, "frobnicate"); exit != 1 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("exit %d, %q", exit, errOut)
	}
	if exit, out, _ := ctl(t, "help"); exit != 0 || !strings.Contains(out, "checkin") {
		t.Fatalf("help: exit %d, %q", exit, out)
	}
}

// seededDB returns the path of a new database holding the demo centre.
func seededDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "kiosk.db")
	mustCtl(t, "seed", "--db", db)
	return db
}

func TestAMissingDatabaseIsNotCreatedByAMistypedPath(t *testing.T) {
	typo := filepath.Join(t.TempDir(), "no", "such", "kiosk.db")
	for _, args := range [][]string{{"events"}, {"checkin", "--code", "X"}, {"export", "--format", "csv", "--out", typo + ".csv"}, {"staff"}} {
		exit, _, errOut := ctl(t, append(args, "--db", typo)...)
		if exit != 1 || !strings.Contains(errOut, "no database at") {
			t.Errorf("%v on a missing database: exit %d, %q", args, exit, errOut)
		}
	}
	if _, err := os.Stat(filepath.Dir(typo)); !os.IsNotExist(err) {
		t.Fatalf("a mistyped --db left %s behind", filepath.Dir(typo))
	}
}

func TestStrayArgumentsAndMismatchedExtensionAreRefused(t *testing.T) {
	db := seededDB(t)
	exit, _, errOut := ctl(t, "checkin", "--db", db, "--code", "nzt7", "zmkq", "--event", "kaifangri")
	if exit != 1 || !strings.Contains(errOut, `unexpected argument(s) ["zmkq" "--event" "kaifangri"]`) {
		t.Fatalf("checkin with an unquoted code: exit %d %q", exit, errOut)
	}
	out := filepath.Join(t.TempDir(), "a.csv")
	exit, _, errOut = ctl(t, "export", "--db", db, "--format", "xlsx", "--out", out)
	if exit != 1 || !strings.Contains(errOut, "extension") {
		t.Fatalf("export of XLSX into a .csv: exit %d %q", exit, errOut)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("export of XLSX into a .csv wrote it: %v", err)
	}
	if exit, _, errOut := ctl(t, "import", "--db", db); exit != 1 || !strings.Contains(errOut, "missing FILE") {
		t.Fatalf("import without a file: exit %d %q", exit, errOut)
	}
}
