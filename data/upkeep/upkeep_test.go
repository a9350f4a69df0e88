package upkeep

import (
	"bytes"
	"context"
	"errors"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data/sqlite"
)

func TestLogWritesTheFile(t *testing.T) {
	dir := t.TempDir()
	defer slog.SetDefault(slog.Default())
	defer log.SetOutput(log.Writer())
	defer log.SetFlags(log.Flags())
	c, err := Log(dir, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	slog.Info("started", "db", "/data/kiosk.db")
	slog.Debug("not at info level")
	log.Print("Fyne error: something") // fyne.LogError writes through the log package
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, LogName))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"msg=started db=/data/kiosk.db", "Fyne error: something"} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("the log lacks %q:\n%s", want, got)
		}
	}
	if bytes.Contains(got, []byte("not at info level")) {
		t.Error("a debug record was written at info level")
	}
}

func TestCareChecksAndBacksUp(t *testing.T) {
	dir := t.TempDir()
	st, err := sqlite.Open(filepath.Join(dir, "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SetSetting(context.Background(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	loc := time.UTC
	day := time.Date(2026, 11, 25, 10, 0, 0, 0, loc)
	backups := filepath.Join(dir, "backups")
	stop := Care(st, backups, loc, func() time.Time { return day })
	want := filepath.Join(backups, "kiosk-2026-11-25.db")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(want); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no backup %s", want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	b, err := sqlite.Open(want)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Check(context.Background()); err != nil {
		t.Error(err)
	}
	if v, err := b.Setting(context.Background(), "k", ""); err != nil || v != "v" {
		t.Errorf("the backup holds %q, %v", v, err)
	}
}

// failing is a store whose check fails.
type failing struct{ backups int }

func (f *failing) Check(context.Context) error {
	return errors.New("database kiosk.db: " + sqlite.ErrCorrupt.Error())
}

func (f *failing) DailyBackup(context.Context, string, time.Time, *time.Location, int) (string, error) {
	f.backups++
	return "", nil
}

func TestFailedCheckMakesNoBackup(t *testing.T) {
	var logged bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	f := &failing{}
	if care(context.Background(), f, t.TempDir(), time.UTC, time.Now()) {
		t.Error("care reports success after a failed check")
	}
	if f.backups != 0 {
		t.Error("a backup was made of a file that failed its check")
	}
	if !strings.Contains(logged.String(), "level=ERROR") {
		t.Errorf("the failed check was not logged as an error: %s", logged.String())
	}
}
