//go:build e2e

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUnopenableDatabaseIsExplainedOnScreen(t *testing.T) {
	d := startXvfb(t, 1024, 600)
	dir := t.TempDir()
	db := filepath.Join(dir, "kiosk.db")
	junk := bytes.Repeat([]byte("not a database "), 1000)
	if err := os.WriteFile(db, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	k := startKiosk(t, d, db, "--kiosk")
	time.Sleep(time.Second)
	img, path := screenshot(t, d, "startup-error")
	if !isThemeRed(img.At(512, 4)) {
		t.Errorf("no red title band on the start-up error: %s", path)
	}
	if code := k.exited(3 * time.Second); code != -1 {
		t.Fatalf("the kiosk ended with status %d instead of staying up", code)
	}
	logged, err := os.ReadFile(filepath.Join(dir, "kiosk.log"))
	if err != nil || !strings.Contains(string(logged), "cannot open the database") {
		t.Errorf("kiosk.log: %v\n%s", err, logged)
	}
	if got, err := os.ReadFile(db); err != nil || !bytes.Equal(got, junk) {
		t.Errorf("the database file was changed (%v)", err)
	}
}
