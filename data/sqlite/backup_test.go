package sqlite

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDailyBackupIsAConsistentCopyAndRotates(t *testing.T) {
	s := openTemp(t)
	if err := s.LoadContent(ctx, demo(t, time.Now())); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	day := time.Date(2026, 11, 29, 23, 30, 0, 0, time.UTC) // 07:30 on 11-30 in Shanghai
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	var paths []string
	for i := 0; i < 4; i++ {
		p, err := s.DailyBackup(ctx, dir, day.AddDate(0, 0, i), shanghai, 2)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	if filepath.Base(paths[0]) != "kiosk-2026-11-30.db" {
		t.Fatalf("first backup named %s, want the Shanghai date", filepath.Base(paths[0]))
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(left) != 2 || left[0] != paths[2] || left[1] != paths[3] {
		t.Fatalf("backups left: %v, want the newest two", left)
	}
	b, err := Open(paths[3])
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Check(ctx); err != nil {
		t.Fatal(err)
	}
	orig, _ := s.Events(ctx)
	copied, _ := b.Events(ctx)
	if len(copied) != len(orig) || len(orig) == 0 {
		t.Fatalf("backup has %d events, original %d", len(copied), len(orig))
	}
	if _, err := os.Stat(paths[3] + ".part"); !os.IsNotExist(err) {
		t.Fatal("a temporary backup file was left behind")
	}
}

func TestDailyBackupsOfTwoDatabasesInOneFolderKeepApart(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(filepath.Join(dir, "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(filepath.Join(dir, "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.SetSetting(ctx, "who", "b"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	pa, err := a.DailyBackup(ctx, filepath.Join(dir, "backups"), now, time.UTC, 1)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := b.DailyBackup(ctx, filepath.Join(dir, "backups"), now, time.UTC, 1)
	if err != nil {
		t.Fatal(err)
	}
	if pa == pb {
		t.Fatalf("both databases backed up to %s", pa)
	}
	copyB, err := Open(pb)
	if err != nil {
		t.Fatal(err)
	}
	defer copyB.Close()
	if who, _ := copyB.Setting(ctx, "who", ""); who != "b" {
		t.Fatalf("b's backup holds %q, not b's data", who)
	}
	if _, err := os.Stat(pa); err != nil {
		t.Fatalf("b's rotation removed a's backup: %v", err)
	}
}
