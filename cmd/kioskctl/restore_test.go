package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/civickiosk/kiosk/data/sqlite"
)

// TestRestoreGivesTheKioskANewKey follows the tester's steps: a backup, a
// pass issued after it, the backup restored with kioskctl restore, a new
// visitor. The new visitor's pass is not the lost one's, and the lost pass
// does not check the new visitor in.
func TestRestoreGivesTheKioskANewKey(t *testing.T) {
	ctx := context.Background()
	db := seededDB(t)
	mustCtl(t, "register", "--db", db, "--phone", "13000000001")
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	bak := filepath.Join(t.TempDir(), "rbak.db")
	if err := st.Backup(ctx, bak); err != nil {
		t.Fatal(err)
	}
	st.Close()
	lost := strings.TrimSpace(mustCtl(t, "register", "--db", db, "--phone", "13011112222", "--name", "甲某"))

	running, err := sqlite.Open(db) // the kiosk, running
	if err != nil {
		t.Fatal(err)
	}
	running.DeviceID(ctx)
	exit, _, errOut := ctl(t, "restore", "--db", db, "--from", bak)
	running.Close()
	if exit != 1 || !strings.Contains(errOut, "stop the kiosk first") {
		t.Fatalf("restore while the kiosk runs: exit %d %q", exit, errOut)
	}
	out := mustCtl(t, "restore", "--db", db, "--from", bak)
	if !strings.Contains(out, "with a new signing key") || !strings.Contains(out, db+sqlite.RestoreSuffix+"-") ||
		!strings.Contains(out, "0 check-ins (0 not yet sent to the hub), 1 visitors registered") {
		t.Fatalf("restore printed %q", out)
	}
	fresh := strings.TrimSpace(mustCtl(t, "register", "--db", db, "--phone", "13033334444", "--name", "乙某"))
	if fresh == lost {
		t.Fatalf("the new visitor got the lost pass %s", lost)
	}
	_, out, _ = ctl(t, "checkin", "--db", db, "--code", lost, "--event", "kaifangri")
	if strings.Contains(out, "4444") {
		t.Fatalf("the lost pass checked in the new visitor: %q", out)
	}

	// A damaged backup changes nothing.
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, []byte(strings.Repeat("not a database ", 10)), 0o600)
	if exit, _, errOut := ctl(t, "restore", "--db", db, "--from", bad); exit != 1 || !strings.Contains(errOut, "nothing was changed") {
		t.Fatalf("restore of a damaged backup: exit %d %q", exit, errOut)
	}
	if out := mustCtl(t, "register", "--db", db, "--phone", "13033334444"); strings.TrimSpace(out) != fresh {
		t.Fatalf("after a refused restore the visitor's pass is %q, want %q", out, fresh)
	}
}

// TestRestoreRefusesAnotherKiosksBackup: the tester's steps — a copy of
// kiosk A's database, kiosk B's backup restored over it — are refused with
// both device ids named; --force restores it as B.
func TestRestoreRefusesAnotherKiosksBackup(t *testing.T) {
	ctx := context.Background()
	a, b := seededDB(t), seededDB(t)
	ids := map[string]string{}
	for _, db := range []string{a, b} {
		st, err := sqlite.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		ids[db], _ = st.DeviceID(ctx)
		st.Close()
	}
	exit, _, errOut := ctl(t, "restore", "--db", a, "--from", b)
	if exit != 1 || !strings.Contains(errOut, ids[a]) || !strings.Contains(errOut, ids[b]) || !strings.Contains(errOut, "--force") {
		t.Fatalf("restore of another kiosk's backup: exit %d %q", exit, errOut)
	}
	out := mustCtl(t, "restore", "--db", a, "--from", b, "--force")
	if !strings.Contains(out, "as device "+ids[b]) || !strings.Contains(out, "was device "+ids[a]) {
		t.Fatalf("forced restore printed %q", out)
	}
}
