// Package upkeep keeps an unattended kiosk in order: its log, written to a
// size-rotated file beside the database and to stderr, and the care of its
// store — a check at start and a daily backup kept for a week.
package upkeep

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Log file rotation: the file is rotated at LogMaxMB megabytes and
// LogKeep old files are kept, compressed.
const (
	LogName  = "kiosk.log"
	LogMaxMB = 10
	LogKeep  = 5
)

// Log makes log/slog, and the standard log package that Fyne writes its
// errors to, write to stderr and to dir/kiosk.log, rotated by size. Close
// the returned closer at exit.
func Log(dir string, level slog.Level) (io.Closer, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	file := &lumberjack.Logger{Filename: filepath.Join(dir, LogName), MaxSize: LogMaxMB, MaxBackups: LogKeep, Compress: true}
	opts := &slog.HandlerOptions{Level: level}
	slog.SetDefault(slog.New(slog.NewMultiHandler(
		slog.NewTextHandler(os.Stderr, opts),
		slog.NewTextHandler(file, opts))))
	return file, nil
}

// Store is the kiosk's store as the care of it sees it; *sqlite.Store is
// one.
type Store interface {
	// Check runs a quick integrity check of the file.
	Check(ctx context.Context) error
	// DailyBackup makes today's backup in dir unless it exists and keeps
	// the newest keep backups.
	DailyBackup(ctx context.Context, dir string, now time.Time, loc *time.Location, keep int) (string, error)
}

// BackupKeep is how many daily backups are kept.
const BackupKeep = 7

// checkEvery is how often Care looks whether a new day's backup is due.
const checkEvery = time.Hour

// Care looks after st in the background: at once and then, for a kiosk
// that runs for months, on each new day (in loc, by the clock now), it
// checks the file (quick_check) and, when it is sound, makes the day's
// backup in dir with SQLite's online backup API, keeping BackupKeep. A
// failed check is logged as an error and makes no backup, so that the good
// backups are not rotated out by copies of a damaged file. Call the
// returned function to stop; it waits for a check or backup under way.
func Care(st Store, dir string, loc *time.Location, now func() time.Time) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(checkEvery)
		defer t.Stop()
		last := ""
		for {
			if day := now().In(loc).Format(time.DateOnly); day != last && care(ctx, st, dir, loc, now()) {
				last = day
			}
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// care checks st and backs it up; it reports whether both were done.
func care(ctx context.Context, st Store, dir string, loc *time.Location, now time.Time) bool {
	start := time.Now()
	if err := st.Check(ctx); err != nil {
		if ctx.Err() == nil {
			slog.Error("the database failed its integrity check; no backup made, restore one from the backups folder", "err", err, "backups", dir)
		}
		return false
	}
	slog.Info("database check ok", "took", time.Since(start).Round(time.Millisecond))
	path, err := st.DailyBackup(ctx, dir, now, loc, BackupKeep)
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("daily backup failed", "err", err, "backups", dir)
		}
		return false
	}
	slog.Info("daily backup", "path", path)
	return true
}
