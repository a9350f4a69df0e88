package ui

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/civickiosk/kiosk/assets"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// tinyDisk mounts a tmpfs of size (as mount takes it, e.g. "16m") for the
// test's lifetime, or skips the test where that cannot be done (not root,
// no mount).
func tinyDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small disk needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fill writes a file in dir until the disk is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	for _, n := range []int{4096, 512, 1} { // the last partial blocks
		for {
			if _, err := f.Write(chunk[:n]); err != nil {
				break
			}
		}
	}
	return path
}

func TestDiskFullIsNoSuccess(t *testing.T) {
	disk := tinyDisk(t, "16m")
	db := filepath.Join(disk, "kiosk.db")
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f, err := content.Parse(assets.DemoCentre, content.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := st.LoadContent(ctx, f); err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	now := testNow
	clock := func() time.Time { return now }
	svc, err := checkin.New(ctx, st, checkin.Options{SiteID: "xiaodian", Zone: shanghai, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := svc.Register(ctx, testPhone, "", "")
	if err != nil {
		t.Fatal(err)
	}
	win := test.NewTempWindow(t, nil)
	win.Resize(small)
	k := &kiosk{t: t, win: win, now: &now, store: st}
	k.shell = NewShell(win, Config{Catalog: st, SiteID: "xiaodian", Location: shanghai, Now: clock, CheckIn: svc})
	k.at(11, 30)

	// Empty the write-ahead log, so that the next commit needs new space.
	raw, err := sql.Open("sqlite3", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	filler := fill(t, disk)

	k.scan(reg.Code)
	k.mustShow("未能保存", "保存失败，请联系工作人员")
	k.mustNotShow("签到成功")
	if _, ok := k.screen().(*resultScreen); !ok {
		t.Fatalf("a failed save shows %T", k.screen())
	}
	if recs := k.checkIns(); len(recs) != 0 {
		t.Fatalf("a scan that failed to save left records %+v", recs)
	}

	// Space again: the same kiosk saves the next scan, and the file is sound.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	k.shell.Home()
	k.at(11, 31) // a scanner's repeated read is dropped; this is a new scan
	k.scan(reg.Code)
	k.mustShow("签到成功")
	recs := k.checkIns()
	if len(recs) != 1 || recs[0].Outcome != data.Accepted {
		t.Errorf("after the disk had space again: %+v", recs)
	}
	raw, err = sql.Open("sqlite3", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var res string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Errorf("integrity_check after the disk was full: %q, %v", res, err)
	}
}
