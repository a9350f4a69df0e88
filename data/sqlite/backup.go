package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Backup copies the live database to dest with SQLite's online backup API
// (sqlite3_backup_*, as (*sqlite3.SQLiteConn).Backup exposes it): a
// consistent snapshot taken while the kiosk keeps writing. dest is written
// to a temporary file beside it and renamed into place, so a failed backup
// never leaves a half-written file.
func (s *Store) Backup(ctx context.Context, dest string) error {
	tmp := dest + ".part"
	if err := copyDB(ctx, s.r, tmp); err != nil {
		return fmt.Errorf("backup of %s to %s: %w", s.path, dest, err)
	}
	return os.Rename(tmp, dest)
}

// copyDB copies the database src reads from into a new file at dest (one
// there is replaced) with the online backup API; on failure dest is removed.
func copyDB(ctx context.Context, src *sql.DB, dest string) error {
	os.Remove(dest)
	dst, err := sql.Open("sqlite3", "file:"+dest)
	if err != nil {
		return err
	}
	defer dst.Close()
	dconn, err := dst.Conn(ctx)
	if err != nil {
		return err
	}
	defer dconn.Close()
	sconn, err := src.Conn(ctx)
	if err != nil {
		return err
	}
	defer sconn.Close()
	err = dconn.Raw(func(dd any) error {
		return sconn.Raw(func(sd any) error {
			b, err := dd.(*sqlite3.SQLiteConn).Backup("main", sd.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			for done := false; !done; {
				if done, err = b.Step(256); err != nil {
					b.Close()
					return err
				}
			}
			return b.Finish()
		})
	})
	if err == nil {
		err = dconn.Close()
	}
	if err == nil {
		err = dst.Close()
	}
	if err != nil {
		os.Remove(dest)
	}
	return err
}

// DailyBackup makes today's backup in dir (NAME-YYYY-MM-DD.db for the
// database NAME.db, the day in loc) unless it exists, and deletes all but the
// newest keep backups of this database. Two databases backed up into one
// folder keep apart. It returns the path of today's backup.
func (s *Store) DailyBackup(ctx context.Context, dir string, now time.Time, loc *time.Location, keep int) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	prefix := strings.TrimSuffix(filepath.Base(s.path), filepath.Ext(s.path)) + "-"
	path := filepath.Join(dir, prefix+now.In(loc).Format("2006-01-02")+".db")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := s.Backup(ctx, path); err != nil {
			return "", err
		}
	}
	names, err := filepath.Glob(filepath.Join(dir, prefix+"????-??-??.db"))
	if err != nil {
		return path, err
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	for i, n := range names {
		if i >= keep {
			os.Remove(n)
		}
	}
	return path, nil
}
