// Package postgres is the hub's Store on PostgreSQL (pgx v5, pgxpool), for
// districts that outgrow one machine: hubs keep no state of their own, so
// several hub processes may serve one database behind a load balancer.
//
// It behaves as the embedded SQLite store (sync.SQLiteHub) and passes the
// same test suite. Concurrency between hubs is handled with transaction-level
// advisory locks: one for the change feed, so sequence numbers are issued in
// commit order and a reader never skips one, and one per duplicate group, so
// two hubs storing the same person's check-ins agree on which is the
// original. All instants are BIGINT ms since the Unix epoch, UTC.
package postgres

import (
	"context"
	"fmt"
	gosync "sync"

	hubsync "github.com/civickiosk/kiosk/data/sync"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Advisory lock keys (pg_advisory_xact_lock / pg_advisory_lock).
const (
	lockSchema int64 = 0x43_4B_00_01 // schema creation at Open
	lockFeed   int64 = 0x43_4B_00_02 // issuing feed sequence numbers
)

// schemaVersion is the version in table hub_schema of a current database.
const schemaVersion = 2

const schema = `
CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS enrol_codes (
	code_hash  BYTEA PRIMARY KEY,
	site_id    TEXT NOT NULL,
	created_ms BIGINT NOT NULL,
	expires_ms BIGINT NOT NULL,
	used_ms    BIGINT NOT NULL DEFAULT 0,
	device_id  TEXT NOT NULL DEFAULT '',
	token_hash BYTEA
);

CREATE TABLE IF NOT EXISTS devices (
	id               TEXT PRIMARY KEY,
	site_id          TEXT NOT NULL,
	key_id           BIGINT NOT NULL,
	public_key       BYTEA NOT NULL,
	token_hash       BYTEA NOT NULL UNIQUE,
	enrolled_ms      BIGINT NOT NULL,
	revoked_ms       BIGINT NOT NULL DEFAULT 0,
	last_seen_ms     BIGINT NOT NULL DEFAULT 0,
	clock_offset_ms  BIGINT NOT NULL DEFAULT 0,
	clock_checked_ms BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS runs (
	device_id TEXT NOT NULL,
	run_id    TEXT NOT NULL,
	base_ms   BIGINT NOT NULL,
	PRIMARY KEY (device_id, run_id)
);

CREATE TABLE IF NOT EXISTS checkins (
	id               TEXT PRIMARY KEY,
	site_id          TEXT NOT NULL,
	subject          TEXT NOT NULL,
	visitor_id       TEXT NOT NULL,
	pass_key_id      BIGINT NOT NULL,
	pass_no          BIGINT NOT NULL,
	event_id         TEXT NOT NULL,
	session_start_ms BIGINT NOT NULL,
	direction        TEXT NOT NULL,
	method           TEXT NOT NULL,
	device_id        TEXT NOT NULL,
	wall_ms          BIGINT NOT NULL,
	run_id           TEXT NOT NULL,
	run_ms           BIGINT NOT NULL,
	verified         BOOLEAN NOT NULL,
	outcome          TEXT NOT NULL,
	reason           TEXT NOT NULL,
	staff            TEXT NOT NULL,
	backfilled       BOOLEAN NOT NULL,
	received_ms      BIGINT NOT NULL,
	true_ms          BIGINT NOT NULL,
	clock_error_ms   BIGINT NOT NULL,
	duplicate_of     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS checkins_group ON checkins(subject, event_id, session_start_ms, direction) WHERE outcome = 'accepted';
CREATE INDEX IF NOT EXISTS checkins_true ON checkins(true_ms);

CREATE TABLE IF NOT EXISTS content (
	kind       TEXT NOT NULL,
	id         TEXT NOT NULL,
	seq        BIGINT NOT NULL UNIQUE,
	deleted    BOOLEAN NOT NULL DEFAULT false,
	data       BYTEA,
	updated_ms BIGINT NOT NULL,
	PRIMARY KEY (kind, id)
);

CREATE TABLE IF NOT EXISTS hub_secrets (
	name       TEXT PRIMARY KEY,
	value      BYTEA NOT NULL,
	created_ms BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS phone_visitors (
	id          TEXT PRIMARY KEY,
	phone_hash  BYTEA NOT NULL UNIQUE,
	name        TEXT NOT NULL DEFAULT '',
	pass_key_id BIGINT NOT NULL,
	pass_no     BIGINT NOT NULL,
	created_ms  BIGINT NOT NULL,
	UNIQUE (pass_key_id, pass_no)
);

CREATE TABLE IF NOT EXISTS phone_sessions (
	token_hash BYTEA PRIMARY KEY,
	visitor_id TEXT NOT NULL REFERENCES phone_visitors(id),
	created_ms BIGINT NOT NULL,
	last_ms    BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS event_codes (
	token            TEXT PRIMARY KEY,
	device_id        TEXT NOT NULL,
	event_id         TEXT NOT NULL,
	session_start_ms BIGINT NOT NULL,
	slot             BIGINT NOT NULL,
	issued_ms        BIGINT NOT NULL,
	received_ms      BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS devices_key ON devices(key_id);
`

// Store is the hub's sync.Store on PostgreSQL. Its methods are
// sync.SQLStore's.
type Store struct {
	*hubsync.SQLStore
	pool *pgxpool.Pool
}

var _ hubsync.Store = (*Store)(nil)

// Open connects to the database at url (postgres://USER:PASS@HOST:PORT/DB,
// or any form pgxpool.ParseConfig takes) and creates the hub's tables when
// they are missing. A database made by a newer hub is refused.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database url: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("hub database: %w", err)
	}
	s.SQLStore = hubsync.NewSQLStore(pgDB{pool})
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockSchema); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, lockSchema)
	if _, err := conn.Exec(ctx, schema); err != nil {
		return err
	}
	var v int
	err = conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM hub_schema`).Scan(&v)
	switch {
	case err != nil:
		return err
	case v > schemaVersion:
		return fmt.Errorf("made by a newer hub (schema %d, this one understands %d)", v, schemaVersion)
	case v < schemaVersion:
		_, err = conn.Exec(ctx, `DELETE FROM hub_schema; INSERT INTO hub_schema(version) VALUES(`+fmt.Sprint(schemaVersion)+`)`)
	}
	return err
}

// Close closes the pool, waiting for connections in use to be released.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// pgDB is Store's sync.SQLDB: reads on the pool, writes in READ COMMITTED
// transactions.
type pgDB struct{ pool *pgxpool.Pool }

func (d pgDB) Read() hubsync.Tx { return pgTx{d.pool} }

func (d pgDB) Write(ctx context.Context, fn func(tx hubsync.Tx) error) error {
	return pgx.BeginFunc(ctx, d.pool, func(tx pgx.Tx) error { return fn(pgTx{tx}) })
}

// pgConn is what *pgxpool.Pool and pgx.Tx have in common.
type pgConn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// pgTx is a sync.Tx over pgx. Statements' ? placeholders are numbered
// (sync.Numbered) once per statement text.
type pgTx struct{ c pgConn }

// numbered caches sync.Numbered of each statement.
var numbered gosync.Map

func q(query string) string {
	if v, ok := numbered.Load(query); ok {
		return v.(string)
	}
	n := hubsync.Numbered(query)
	numbered.Store(query, n)
	return n
}

func (t pgTx) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := t.c.Exec(ctx, q(query), args...)
	return tag.RowsAffected(), err
}

// Pipeline sends the statements in one round trip (a pgx batch).
func (t pgTx) Pipeline(ctx context.Context, stmts []hubsync.Stmt) error {
	if len(stmts) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, s := range stmts {
		query, args := q(s.Query), s.Args
		if len(s.Lock) > 0 {
			query, args = lockQuery(s.Lock)
		}
		qq := b.Queue(query, args...)
		switch {
		case s.Rows != nil:
			qq.Query(func(rows pgx.Rows) error { return s.Rows(rows) })
		case s.Done != nil:
			qq.Exec(func(tag pgconn.CommandTag) error {
				s.Done(tag.RowsAffected())
				return nil
			})
		}
	}
	return t.c.SendBatch(ctx, b).Close()
}

func (t pgTx) QueryRow(ctx context.Context, query string, args ...any) hubsync.Row {
	return t.c.QueryRow(ctx, q(query), args...)
}

func (t pgTx) Query(ctx context.Context, query string, args ...any) (hubsync.Rows, error) {
	rows, err := t.c.Query(ctx, q(query), args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// Lock takes transaction-level advisory locks (lockQuery).
func (t pgTx) Lock(ctx context.Context, keys ...string) error {
	query, args := lockQuery(keys)
	_, err := t.c.Exec(ctx, query, args...)
	return err
}

// lockQuery is the statement that takes transaction-level advisory locks on
// keys: lockFeed for sync.LockFeed (always locked alone), else one per key
// keyed by its 64-bit text hash, in one statement, in the order of the
// hashes.
func lockQuery(keys []string) (string, []any) {
	if len(keys) == 1 && keys[0] == hubsync.LockFeed {
		return `SELECT pg_advisory_xact_lock($1)`, []any{lockFeed}
	}
	return `SELECT count(pg_advisory_xact_lock(h)) FROM
		(SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k ORDER BY h) AS locks`, []any{keys}
}
