// Package sqlite is the kiosk's local store: one SQLite file (WAL,
// synchronous=FULL) holding the centre's content, visitors, passes and the
// attendance log, with schema migrations embedded and run at open.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	sqlite3 "github.com/mattn/go-sqlite3"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Errors returned (wrapped, with the path) by Open.
var (
	ErrCorrupt     = errors.New("the file is not a readable Civic Kiosk database (corrupt or not SQLite)")
	ErrReadOnly    = errors.New("the database cannot be written (read-only file or folder)")
	ErrNewerSchema = errors.New("the database was made by a newer version of Civic Kiosk")
)

// Store is the kiosk's SQLite store. It is safe for concurrent use: writes go
// through one connection in immediate transactions, reads through a pool of
// query-only connections.
type Store struct {
	path string
	w    *sql.DB // the one write connection
	r    *sql.DB // query-only readers
}

// DefaultPath returns the database path used when none is given:
// $XDG_DATA_HOME/civic-kiosk/kiosk.db, or ~/.local/share/civic-kiosk/kiosk.db.
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("no home directory for the default database path: %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "civic-kiosk", "kiosk.db"), nil
}

// dsn builds a go-sqlite3 DSN with per-connection pragmas: WAL,
// synchronous=FULL (no acknowledged commit lost on power loss), foreign keys,
// a 10 s busy timeout and immediate write transactions; each connection
// keeps its last 64 prepared statements (the driver's _stmt_cache_size), so
// the check-in path's few statements are parsed once, not on every scan.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "1")
	q.Set("_txlock", "immediate")
	q.Set("_stmt_cache_size", "64")
	if readOnly {
		q.Set("_query_only", "1")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if missing) the database at path and brings its schema
// up to date. The folder is created if needed. Errors name the path and wrap
// ErrCorrupt, ErrReadOnly or ErrNewerSchema where they apply; an existing file
// is never replaced or truncated.
func Open(path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("database %s: cannot create its folder: %w", abs, err)
	}
	w, err := sql.Open("sqlite3", dsn(abs, false))
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", abs, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	s := &Store{path: abs, w: w}
	if err := s.migrate(context.Background()); err != nil {
		w.Close()
		return nil, fmt.Errorf("database %s: %w", abs, classify(err))
	}
	r, err := sql.Open("sqlite3", dsn(abs, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("database %s: %w", abs, err)
	}
	r.SetMaxOpenConns(4)
	s.r = r
	return s, nil
}

// classify maps SQLite error codes to the package's error kinds.
func classify(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrNotADB, sqlite3.ErrCorrupt:
			return fmt.Errorf("%w: %v", ErrCorrupt, err)
		case sqlite3.ErrReadonly, sqlite3.ErrCantOpen, sqlite3.ErrPerm:
			return fmt.Errorf("%w: %v", ErrReadOnly, err)
		}
	}
	return err
}

// Path returns the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes the store's connections.
func (s *Store) Close() error {
	err := s.w.Close()
	if s.r != nil {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// migration is one numbered schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded migrations NNN_name.sql in version order.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := filepath.Base(n)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion is the schema version this build creates and understands.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// migrate applies, each in its own transaction, the migrations newer than the
// file's PRAGMA user_version. Forward-only: a file newer than this build is
// refused with ErrNewerSchema and left untouched.
func (s *Store) migrate(ctx context.Context) error {
	return s.migrateTo(ctx, SchemaVersion())
}

// migrateTo applies migrations up to and including version target.
func (s *Store) migrateTo(ctx context.Context, target int) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	var cur int
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&cur); err != nil {
		return err
	}
	if cur > SchemaVersion() {
		return fmt.Errorf("%w (schema %d, this version understands up to %d)", ErrNewerSchema, cur, SchemaVersion())
	}
	for _, m := range ms {
		if m.version <= cur || m.version > target {
			continue
		}
		err := s.write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// write runs fn in an immediate transaction on the write connection and
// commits it (synchronous=FULL: durable when write returns nil).
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return classify(err)
	}
	return classify(tx.Commit())
}

// Setting returns the value of a kiosk setting, or def when it is unset.
func (s *Store) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	return v, err
}

// SetSetting stores a kiosk setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
}

// Check runs PRAGMA quick_check and returns an error wrapping ErrCorrupt when
// the file is damaged.
func (s *Store) Check(ctx context.Context) error {
	var res string
	if err := s.r.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return fmt.Errorf("database %s: %w", s.path, classify(err))
	}
	if res != "ok" {
		return fmt.Errorf("database %s: %w: %s", s.path, ErrCorrupt, res)
	}
	return nil
}
