package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// RestoreSuffix is added to the database's name, followed by the time of
// the restore (UTC, "-20060102-150405"), for the copy of the database a
// Restore replaced (its -wal and -shm files follow it). A second restore in
// the same second adds "-2", "-3"...: a replaced database is never
// overwritten.
const RestoreSuffix = ".before-restore"

// ErrNotKioskDB is returned (wrapped) by Restore for a backup that is an
// SQLite database but not a kiosk's (no device id).
var ErrNotKioskDB = errors.New("not a kiosk database")

// ErrInUse is returned (wrapped) by Restore when another connection has the
// database open (the kiosk is running).
var ErrInUse = errors.New("the database is in use: stop the kiosk first")

// Restored says what a Restore did.
type Restored struct {
	DeviceID string // the kiosk's device id, kept from the backup
	KeyID    uint32 // the kiosk's new signing key
	Previous string // where the replaced database was moved ("" when there was none)
}

// Restore replaces the kiosk database at path with the backup at from, as
// the same kiosk (device id and hub enrolment kept) with a new signing key:
// passes are numbered per key, so numbers issued after the backup was made
// (lost with the database) are never given out again, while passes signed
// by the earlier keys keep verifying (the keys stay in the key table; the
// hub learns the new key at the next sync round).
//
// The backup is only read: it is copied with SQLite's online backup API to
// a temporary file beside path, brought up to date (migrations), checked
// (PRAGMA quick_check) and given the new key there; only then is the
// database at path moved, with its -wal and -shm files, to a name not yet
// taken (path + RestoreSuffix + the time: asideName) and the temporary file
// renamed to path. A backup that fails its check (ErrCorrupt), is not a kiosk's
// (ErrNotKioskDB) or cannot be read leaves path as it was. The kiosk must
// not be running: its open database would go on writing the replaced file.
// Restore refuses (ErrInUse) when it finds the database at path open
// elsewhere (an exclusive lock on it is refused), as it is while the kiosk
// runs. nowMS is the new key's creation time (UTC ms).
func Restore(ctx context.Context, path, from string, nowMS int64) (Restored, error) {
	var r Restored
	if _, err := os.Stat(from); err != nil {
		return r, fmt.Errorf("backup %s: %w", from, err)
	}
	if err := checkNotInUse(ctx, path); err != nil {
		return r, err
	}
	src, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: from}).EscapedPath()+"?mode=ro")
	if err != nil {
		return r, fmt.Errorf("backup %s: %w", from, err)
	}
	tmp := path + ".restoring"
	err = copyDB(ctx, src, tmp)
	src.Close()
	if err != nil {
		return r, fmt.Errorf("backup %s: %w", from, classify(err))
	}
	defer func() {
		for _, f := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
			os.Remove(f)
		}
	}()
	if r, err = prepareRestored(ctx, tmp, nowMS); err != nil {
		return r, fmt.Errorf("backup %s: %w", from, err)
	}
	if _, err := os.Stat(path); err == nil {
		r.Previous = asideName(path, nowMS)
		for _, sfx := range []string{"-wal", "-shm", ""} {
			if err := os.Rename(path+sfx, r.Previous+sfx); err != nil && !errors.Is(err, os.ErrNotExist) {
				return r, fmt.Errorf("cannot move %s aside: %w", path+sfx, err)
			}
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return r, err
	}
	return r, nil
}

// asideName returns the name under which Restore keeps the database at path
// it replaces at nowMS (UTC ms): path + RestoreSuffix + "-YYYYMMDD-HHMMSS"
// (UTC), with "-2", "-3"... added when that name, or its -wal or -shm file,
// is taken.
func asideName(path string, nowMS int64) string {
	base := path + RestoreSuffix + time.UnixMilli(nowMS).UTC().Format("-20060102-150405")
	name := base
	for n := 2; ; n++ {
		taken := false
		for _, sfx := range []string{"", "-wal", "-shm"} {
			if _, err := os.Lstat(name + sfx); !errors.Is(err, os.ErrNotExist) {
				taken = true
			}
		}
		if !taken {
			return name
		}
		name = fmt.Sprintf("%s-%d", base, n)
	}
}

// prepareRestored opens the copy of a backup at path (migrating it), checks
// it, reads its device id and gives it a new signing key, and closes it with
// its WAL checkpointed into the file.
func prepareRestored(ctx context.Context, path string, nowMS int64) (Restored, error) {
	var r Restored
	st, err := Open(path)
	if err != nil {
		return r, err
	}
	defer st.Close()
	if err := st.Check(ctx); err != nil {
		return r, err
	}
	if r.DeviceID, err = st.Setting(ctx, SettingDevice, ""); err != nil {
		return r, err
	}
	if r.DeviceID == "" {
		return r, ErrNotKioskDB
	}
	site, err := st.Setting(ctx, SettingSite, "")
	if err != nil {
		return r, err
	}
	if r.KeyID, err = st.NewOwnKey(ctx, site, nowMS); err != nil {
		return r, err
	}
	if _, err := st.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return r, err
	}
	return r, st.Close()
}

// checkNotInUse returns ErrInUse when a connection elsewhere holds the
// database at path open: in WAL mode every open connection holds a shared
// lock, so an exclusive transaction with no busy wait is refused. A missing
// or damaged file is not in use.
func checkNotInUse(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return nil
	}
	db, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_locking_mode=EXCLUSIVE&_busy_timeout=0")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "BEGIN EXCLUSIVE; ROLLBACK")
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked) {
		return fmt.Errorf("%s: %w", path, ErrInUse)
	}
	return nil
}
