//go:build e2e

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data/sqlite"
)

// kioskctl builds the real kioskctl once per test run.
func kioskctl(t *testing.T) string {
	t.Helper()
	return tool(t, "kioskctl")
}

// ctl runs kioskctl with args and returns what it printed on stdout.
func ctl(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(kioskctl(t), args...)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "TZ=UTC")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kioskctl %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// exits holds, for each kiosk waited for, a channel that gives its exit
// status once it has ended.
var exits sync.Map

// exited waits up to timeout for the kiosk to end and returns its exit
// status, or -1 if it is still running.
func (k *kiosk) exited(timeout time.Duration) int {
	v, waiting := exits.LoadOrStore(k, make(chan int, 1))
	status := v.(chan int)
	if !waiting {
		go func() {
			err := k.cmd.Wait()
			var ee *exec.ExitError
			code := 0
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			}
			status <- code
		}()
	}
	select {
	case code := <-status:
		status <- code
		return code
	case <-time.After(timeout):
		return -1
	}
}

func TestKioskModeLeavesOnlyWithAStaffPIN(t *testing.T) {
	d := startXvfb(t, 1024, 600)
	dir := t.TempDir()
	db := filepath.Join(dir, "kiosk.db")
	prepareDB(t, db)
	ctl(t, "set-pin", "--db", db, "--staff", "王老师", "--pin", "2468")

	// A smaller window size is ignored: the kiosk fills the screen.
	k := startKiosk(t, d, db, "--kiosk", "--size", "800x480")
	time.Sleep(time.Second)
	img, path := screenshot(t, d, "kiosk-mode-home")
	for _, x := range []int{10, 512, 1013} {
		if !isThemeRed(img.At(x, 4)) {
			t.Fatalf("the title band does not span the screen at x=%d: %s", x, path)
		}
	}

	// The log file and today's backup beside the database.
	waitFor(t, 20*time.Second, "today's backup", func() bool {
		m, _ := filepath.Glob(filepath.Join(dir, "backups", "kiosk-????-??-??.db"))
		return len(m) == 1
	})
	logged, err := os.ReadFile(filepath.Join(dir, "kiosk.log"))
	if err != nil || !strings.Contains(string(logged), "kiosk starting") || !strings.Contains(string(logged), "database check ok") {
		t.Errorf("kiosk.log: %v\n%s", err, logged)
	}

	// Escape asks for the PIN; a wrong one keeps the kiosk up.
	xdo(t, d, "key", "Escape")
	time.Sleep(time.Second)
	dial(t, d, "1357", "leave-wrong")
	time.Sleep(2 * time.Second)
	screenshot(t, d, "leave-wrong-answer")
	if code := k.exited(time.Second); code != -1 {
		t.Fatalf("a wrong PIN ended the kiosk (status %d)", code)
	}
	dial(t, d, "2468", "leave-right")
	if code := k.exited(15 * time.Second); code != exitLeft {
		t.Fatalf("after the staff PIN the kiosk's status is %d, want %d", code, exitLeft)
	}
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestIdleIntoTheAttractLoopAndBack(t *testing.T) {
	d := startXvfb(t, 1024, 600)
	db := filepath.Join(t.TempDir(), "kiosk.db")
	prepareDB(t, db)
	code := ctl(t, "register", "--db", db, "--phone", "13600000001")
	startKiosk(t, d, db, "--idle", "3s")
	tiles := func(name string) int {
		img, _ := screenshot(t, d, name)
		return len(belowBand(img, blobs(img, near(colourRed), img.Bounds().Dx()/8, img.Bounds().Dy()/8)))
	}
	waitFor(t, 20*time.Second, "the attract loop", func() bool { return tiles("attract-loop") == 0 })
	tap(t, d, 512, 300)
	time.Sleep(time.Second)
	if n := tiles("attract-tapped"); n != 6 {
		t.Fatalf("a tap on the loop shows %d home tiles, want 6", n)
	}
	waitFor(t, 20*time.Second, "the attract loop again", func() bool { return tiles("attract-again") == 0 })
	scanCode(t, d, code)
	waitColour(t, d, colourGreen, "attract-scan")
}
