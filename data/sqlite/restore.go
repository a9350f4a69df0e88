package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
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

// ErrOtherKiosk is returned (wrapped, naming both device ids) by Restore
// for a backup of another kiosk than the database it would replace:
// restoring it would make this machine a second copy of that kiosk.
var ErrOtherKiosk = errors.New("the backup is another kiosk's")

// Restored says what a Restore did.
type Restored struct {
	DeviceID string // the kiosk's device id, kept from the backup
	KeyID    uint32 // the kiosk's new signing key
	Previous string // where the replaced database was moved ("" when there was none)
	// Replaced is the device id of the replaced database, "" when there was
	// none or it could not be read (then Lost is nil: what it held is unknown).
	Replaced string
	// KeptEnrolment is true when the replaced database's hub enrolment was
	// kept (the same kiosk, enrolled at the hub).
	KeptEnrolment bool
	Lost          *Lost // what the replaced database had that the backup lacks
}

// Lost counts what a database replaced by Restore had that the restored
// backup lacks (it stays in the kept database, Restored.Previous).
type Lost struct {
	CheckIns       int // check-in records
	CheckInsUnsent int // of those, records not yet acknowledged by the hub
	Visitors       int // visitors registered
	ContentEdits   int // items edited in staff mode waiting in the content outbox
}

// Restore replaces the kiosk database at path with the backup at from, as
// the same kiosk (the backup's device id) with a new signing key:
// passes are numbered per key, so numbers issued after the backup was made
// (lost with the database) are never given out again, while passes signed
// by the earlier keys keep verifying (the keys stay in the key table; the
// hub learns the new key at the next sync round).
//
// The backup is only read: it is copied with SQLite's online backup API to
// a temporary file beside path, brought up to date (migrations), checked
// (PRAGMA quick_check) and given the new key there. When the database at
// path can be read, it is read too (never written): a backup of another
// device id is refused (ErrOtherKiosk, Restored.Replaced set) unless force
// is true; for the same device its hub enrolment when it has one, the
// kiosk's current link to the hub, replaces the backup's (SetHubEnrolment:
// the backup's change-feed cursor stays when the hub is the same, re-pulling
// changes being harmless, and is 0 for another hub); and what it had that
// the backup lacks is counted (Restored.Lost). Only then is the
// database at path moved, with its -wal and -shm files, to a name not yet
// taken (path + RestoreSuffix + the time: asideName) and the temporary file
// renamed to path. A backup that fails its check (ErrCorrupt), is not a kiosk's
// (ErrNotKioskDB) or cannot be read leaves path as it was. The kiosk must
// not be running: its open database would go on writing the replaced file.
// Restore refuses (ErrInUse) when it finds the database at path open
// elsewhere (an exclusive lock on it is refused), as it is while the kiosk
// runs. nowMS is the new key's creation time (UTC ms).
func Restore(ctx context.Context, path, from string, nowMS int64, force bool) (Restored, error) {
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
	if r, err = prepareRestored(ctx, tmp, path, nowMS, force); err != nil {
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
// it, reads its device id, compares it with the database it replaces at
// replaced (see Restore), gives it a new signing key, and closes it with
// its WAL checkpointed into the file.
func prepareRestored(ctx context.Context, path, replaced string, nowMS int64, force bool) (Restored, error) {
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
	var e Enrolment
	r.Replaced, e, r.Lost = st.readReplaced(ctx, replaced)
	switch {
	case r.Replaced != "" && r.Replaced != r.DeviceID && !force:
		return r, fmt.Errorf("%w: the backup is of device %s, the database it would replace (%s) of device %s",
			ErrOtherKiosk, r.DeviceID, replaced, r.Replaced)
	case r.Replaced == r.DeviceID && e.HubURL != "" && e.Token != "":
		if err := st.SetHubEnrolment(ctx, e); err != nil {
			return r, err
		}
		r.KeptEnrolment = true
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

// readReplaced reads, without writing to it, the kiosk database at path
// that s is to replace: its device id, its hub enrolment, and what it has
// that s lacks (by record id; content edits by item and edit count). It
// returns "" and a nil Lost when there is no such file or its device id
// cannot be read (damaged, not a kiosk's), and a nil Lost when only the
// counts cannot be.
func (s *Store) readReplaced(ctx context.Context, path string) (device string, e Enrolment, lost *Lost) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", e, nil
	}
	if _, err := os.Stat(abs); err != nil {
		return "", e, nil
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return "", e, nil
	}
	defer conn.Close()
	uri := "file:" + (&url.URL{Path: abs}).EscapedPath() + "?mode=ro"
	if _, err := conn.ExecContext(ctx, `ATTACH DATABASE ? AS replaced`, uri); err != nil {
		return "", e, nil
	}
	defer conn.ExecContext(ctx, `DETACH DATABASE replaced`)
	setting := func(key string) (v string, err error) {
		err = conn.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM replaced.settings WHERE key = ?), '')`, key).Scan(&v)
		return v, err
	}
	for dst, key := range map[*string]string{&device: SettingDevice, &e.HubURL: SettingHubURL, &e.Token: SettingHubToken,
		&e.SiteID: SettingHubSite} {
		if *dst, err = setting(key); err != nil {
			return "", Enrolment{}, nil
		}
	}
	if device == "" {
		return "", Enrolment{}, nil
	}
	l := Lost{}
	var errs []error
	errs = append(errs, conn.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(o.upload_status = ''), 0)
		FROM replaced.checkins o WHERE NOT EXISTS (SELECT 1 FROM main.checkins m WHERE m.id = o.id)`).
		Scan(&l.CheckIns, &l.CheckInsUnsent))
	errs = append(errs, conn.QueryRowContext(ctx, `SELECT count(*)
		FROM replaced.visitors o WHERE NOT EXISTS (SELECT 1 FROM main.visitors m WHERE m.id = o.id)`).Scan(&l.Visitors))
	errs = append(errs, conn.QueryRowContext(ctx, `SELECT count(*) FROM replaced.content_outbox o WHERE o.status = ''
		AND NOT EXISTS (SELECT 1 FROM main.content_outbox m WHERE m.kind = o.kind AND m.id = o.id AND m.rev = o.rev
		AND m.status = '')`).Scan(&l.ContentEdits))
	if errors.Join(errs...) != nil {
		return device, e, nil
	}
	return device, e, &l
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
