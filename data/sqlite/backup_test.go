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
