package sync

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver
)

// hubSchemaVersion is the PRAGMA user_version of a current hub database.
const hubSchemaVersion = 2

// hubSchema creates a hub database. Instants are INTEGER ms since the Unix
// epoch, UTC.
const hubSchema = `
CREATE TABLE enrol_codes (
	code_hash  BLOB PRIMARY KEY,          -- SHA-256 of the normalised code
	site_id    TEXT NOT NULL,
	created_ms INTEGER NOT NULL,
	expires_ms INTEGER NOT NULL,
	used_ms    INTEGER NOT NULL DEFAULT 0,
	device_id  TEXT NOT NULL DEFAULT '',
	token_hash BLOB                       -- SHA-256 of the token it was exchanged for
) STRICT;

CREATE TABLE devices (
	id               TEXT PRIMARY KEY,
	site_id          TEXT NOT NULL,
	key_id           INTEGER NOT NULL,
	public_key       BLOB NOT NULL,
	token_hash       BLOB NOT NULL UNIQUE,
	enrolled_ms      INTEGER NOT NULL,
	revoked_ms       INTEGER NOT NULL DEFAULT 0,
	last_seen_ms     INTEGER NOT NULL DEFAULT 0,
	clock_offset_ms  INTEGER NOT NULL DEFAULT 0,  -- kiosk wall clock minus hub clock
	clock_checked_ms INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE runs (
	device_id TEXT NOT NULL,
	run_id    TEXT NOT NULL,
	base_ms   INTEGER NOT NULL,             -- hub time at the run's monotonic ms 0
	PRIMARY KEY (device_id, run_id)
) STRICT;

CREATE TABLE checkins (
	id               TEXT PRIMARY KEY,      -- UUID made on the kiosk
	site_id          TEXT NOT NULL,
	subject          TEXT NOT NULL,
	visitor_id       TEXT NOT NULL,
	pass_key_id      INTEGER NOT NULL,
	pass_no          INTEGER NOT NULL,
	event_id         TEXT NOT NULL,
	session_start_ms INTEGER NOT NULL,
	direction        TEXT NOT NULL,
	method           TEXT NOT NULL,
	device_id        TEXT NOT NULL,
	wall_ms          INTEGER NOT NULL,
	run_id           TEXT NOT NULL,
	run_ms           INTEGER NOT NULL,
	verified         INTEGER NOT NULL,
	outcome          TEXT NOT NULL,
	reason           TEXT NOT NULL,
	staff            TEXT NOT NULL,
	backfilled       INTEGER NOT NULL,
	received_ms      INTEGER NOT NULL,
	true_ms          INTEGER NOT NULL,
	clock_error_ms   INTEGER NOT NULL,
	duplicate_of     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX checkins_group ON checkins(subject, event_id, session_start_ms, direction) WHERE outcome = 'accepted';
CREATE INDEX checkins_true ON checkins(true_ms);

CREATE TABLE content (
	kind       TEXT NOT NULL,
	id         TEXT NOT NULL,
	seq        INTEGER NOT NULL UNIQUE,     -- feed cursor, issued in commit order
	deleted    INTEGER NOT NULL DEFAULT 0,
	data       BLOB,
	updated_ms INTEGER NOT NULL,
	PRIMARY KEY (kind, id)
) STRICT;
`

// SQLiteHub is the hub's Store on one embedded SQLite file (WAL,
// synchronous=FULL): writes through one connection in immediate
// transactions, so feed sequence numbers are issued in commit order. Its
// methods are SQLStore's.
type SQLiteHub struct {
	*SQLStore
	w, r *sql.DB
}

var _ Store = (*SQLiteHub)(nil)

func hubDSN(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_busy_timeout", "10000")
	q.Set("_txlock", "immediate")
	if readOnly {
		q.Set("_query_only", "1")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// OpenSQLiteHub opens (creating if missing) the hub database at path.
func OpenSQLiteHub(path string) (*SQLiteHub, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return nil, fmt.Errorf("hub database %s: %w", abs, err)
	}
	w, err := sql.Open("sqlite3", hubDSN(abs, false))
	if err != nil {
		return nil, fmt.Errorf("hub database %s: %w", abs, err)
	}
	w.SetMaxOpenConns(1)
	h := &SQLiteHub{w: w}
	h.SQLStore = NewSQLStore(sqliteDB{h})
	if err := h.migrate(context.Background()); err != nil {
		w.Close()
		return nil, fmt.Errorf("hub database %s: %w", abs, err)
	}
	if h.r, err = sql.Open("sqlite3", hubDSN(abs, true)); err != nil {
		w.Close()
		return nil, err
	}
	h.r.SetMaxOpenConns(8)
	return h, nil
}

func (h *SQLiteHub) migrate(ctx context.Context) error {
	var v int
	if err := h.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	switch {
	case v == hubSchemaVersion:
		return nil
	case v > hubSchemaVersion:
		return fmt.Errorf("made by a newer hub (schema %d, this one understands %d)", v, hubSchemaVersion)
	}
	return sqliteDB{h}.Write(ctx, func(tx Tx) error {
		for i, step := range []string{hubSchema, hubSchemaPhone}[v:] {
			if _, err := tx.Exec(ctx, step); err != nil {
				return fmt.Errorf("schema %d: %w", v+i+1, err)
			}
		}
		_, err := tx.Exec(ctx, "PRAGMA user_version = "+strconv.Itoa(hubSchemaVersion))
		return err
	})
}

// Close closes the database, waiting for running queries.
func (h *SQLiteHub) Close() error {
	err := h.w.Close()
	if h.r != nil {
		err = errors.Join(err, h.r.Close())
	}
	return err
}

// sqliteDB is SQLiteHub's SQLDB: reads on the read-only pool, writes in
// immediate transactions on the one writing connection.
type sqliteDB struct{ h *SQLiteHub }

func (d sqliteDB) Read() Tx { return sqliteTx{d.h.r} }

func (d sqliteDB) Write(ctx context.Context, fn func(tx Tx) error) error {
	tx, err := d.h.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(sqliteTx{tx}); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// sqlConn is what *sql.DB and *sql.Tx have in common.
type sqlConn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// sqliteTx is a Tx over database/sql.
type sqliteTx struct{ c sqlConn }

func (t sqliteTx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := t.c.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Pipeline runs the statements one after another, each text prepared once;
// locks are skipped (see Lock).
func (t sqliteTx) Pipeline(ctx context.Context, stmts []Stmt) error {
	prepared := map[string]*sql.Stmt{}
	defer func() {
		for _, p := range prepared {
			p.Close()
		}
	}()
	for _, s := range stmts {
		if len(s.Lock) > 0 {
			continue
		}
		p, ok := prepared[s.Query]
		if !ok {
			var err error
			if p, err = t.c.PrepareContext(ctx, s.Query); err != nil {
				return err
			}
			prepared[s.Query] = p
		}
		if s.Rows == nil {
			res, err := p.ExecContext(ctx, s.Args...)
			if err != nil {
				return err
			}
			if s.Done != nil {
				n, err := res.RowsAffected()
				if err != nil {
					return err
				}
				s.Done(n)
			}
			continue
		}
		rows, err := p.QueryContext(ctx, s.Args...)
		if err != nil {
			return err
		}
		err = s.Rows(sqlRows{rows})
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (t sqliteTx) QueryRow(ctx context.Context, query string, args ...any) Row {
	return t.c.QueryRowContext(ctx, query, args...)
}

func (t sqliteTx) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := t.c.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

// Lock does nothing: SQLite runs one write transaction at a time.
func (sqliteTx) Lock(context.Context, ...string) error { return nil }

// sqlRows adapts *sql.Rows to Rows.
type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }
