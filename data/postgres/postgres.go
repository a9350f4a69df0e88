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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/civickiosk/kiosk/data"
	hubsync "github.com/civickiosk/kiosk/data/sync"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Advisory lock keys (pg_advisory_xact_lock / pg_advisory_lock).
const (
	lockSchema int64 = 0x43_4B_00_01 // schema creation at Open
	lockFeed   int64 = 0x43_4B_00_02 // issuing feed sequence numbers
)

// schemaVersion is the version in table hub_schema of a current database.
const schemaVersion = 1

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
`

// Store is the hub's sync.Store on PostgreSQL.
type Store struct {
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
		_, err = conn.Exec(ctx, `INSERT INTO hub_schema(version) VALUES($1)`, schemaVersion)
	}
	return err
}

// Close closes the pool, waiting for connections in use to be released.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// tx runs fn in a READ COMMITTED transaction and commits it.
func (s *Store) tx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, fn)
}

// AddEnrolCode implements sync.Store.
func (s *Store) AddEnrolCode(ctx context.Context, siteID string, codeHash []byte, nowMS, expiresMS int64) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO enrol_codes(code_hash, site_id, created_ms, expires_ms) VALUES($1, $2, $3, $4)`,
		codeHash, siteID, nowMS, expiresMS)
	return err
}

const deviceCols = `id, site_id, key_id, public_key, enrolled_ms, revoked_ms, last_seen_ms, clock_offset_ms, clock_checked_ms`

func deviceDest(d *hubsync.Device) []any {
	return []any{&d.ID, &d.SiteID, &d.KeyID, &d.PublicKey, &d.EnrolledMS, &d.RevokedMS, &d.LastSeenMS,
		&d.ClockOffsetMS, &d.ClockCheckedMS}
}

// Enrol implements sync.Store.
func (s *Store) Enrol(ctx context.Context, e hubsync.Enrolment) (hubsync.Device, error) {
	var dev hubsync.Device
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var site, usedBy string
		var expires, used int64
		var tokenHash []byte
		err := tx.QueryRow(ctx, `SELECT site_id, expires_ms, used_ms, device_id, token_hash FROM enrol_codes
			WHERE code_hash = $1 FOR UPDATE`, e.CodeHash).Scan(&site, &expires, &used, &usedBy, &tokenHash)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return hubsync.ErrBadCode
		case err != nil:
			return err
		case used != 0:
			if usedBy != e.DeviceID || !bytes.Equal(tokenHash, e.TokenHash) {
				return hubsync.ErrBadCode
			}
			return tx.QueryRow(ctx, `SELECT `+deviceCols+` FROM devices WHERE id = $1 AND token_hash = $2`,
				e.DeviceID, e.TokenHash).Scan(deviceDest(&dev)...)
		case expires <= e.NowMS:
			return hubsync.ErrBadCode
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockFeed); err != nil {
			return err
		}
		keyID := strconv.FormatUint(uint64(e.KeyID), 10)
		var stored []byte
		var deleted bool
		err = tx.QueryRow(ctx, `SELECT data, deleted FROM content WHERE kind = $1 AND id = $2`, hubsync.KindKey, keyID).
			Scan(&stored, &deleted)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if err == nil && !deleted && hubsync.KeyConflict(stored, e.PublicKey) {
			return hubsync.ErrKeyConflict
		}
		dev = hubsync.Device{ID: e.DeviceID, SiteID: site, KeyID: e.KeyID, PublicKey: e.PublicKey, EnrolledMS: e.NowMS}
		if _, err := tx.Exec(ctx, `INSERT INTO devices(id, site_id, key_id, public_key, token_hash, enrolled_ms)
			VALUES($1, $2, $3, $4, $5, $6)
			ON CONFLICT(id) DO UPDATE SET site_id = excluded.site_id, key_id = excluded.key_id,
			public_key = excluded.public_key, token_hash = excluded.token_hash,
			enrolled_ms = excluded.enrolled_ms, revoked_ms = 0`,
			dev.ID, dev.SiteID, int64(dev.KeyID), dev.PublicKey, e.TokenHash, dev.EnrolledMS); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE enrol_codes SET used_ms = $1, device_id = $2, token_hash = $3 WHERE code_hash = $4`,
			e.NowMS, e.DeviceID, e.TokenHash, e.CodeHash); err != nil {
			return err
		}
		b, err := json.Marshal(hubsync.KeyInfo{KeyID: e.KeyID, PublicKey: e.PublicKey, SiteID: site, DeviceID: e.DeviceID})
		if err != nil {
			return err
		}
		_, err = putItem(ctx, tx, hubsync.KindKey, keyID, b, false, e.NowMS, false)
		return err
	})
	return dev, err
}

// DeviceByToken implements sync.Store.
func (s *Store) DeviceByToken(ctx context.Context, tokenHash []byte) (hubsync.Device, error) {
	var d hubsync.Device
	err := s.pool.QueryRow(ctx, `SELECT `+deviceCols+` FROM devices WHERE token_hash = $1 AND revoked_ms = 0`,
		tokenHash).Scan(deviceDest(&d)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, hubsync.ErrUnauthorized
	}
	return d, err
}

// RevokeDevice implements sync.Store.
func (s *Store) RevokeDevice(ctx context.Context, deviceID string, nowMS int64) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE devices SET revoked_ms = $1 WHERE id = $2 AND revoked_ms = 0`, nowMS, deviceID)
		if err != nil || tag.RowsAffected() > 0 {
			return err
		}
		var x int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM devices WHERE id = $1`, deviceID).Scan(&x); err != nil {
			return fmt.Errorf("device %q: %w", deviceID, data.ErrNotFound)
		}
		return nil
	})
}

// Devices implements sync.Store.
func (s *Store) Devices(ctx context.Context) ([]hubsync.Device, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+deviceCols+` FROM devices ORDER BY site_id, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, deviceDest)
}

func collect[T any](rows pgx.Rows, dest func(*T) []any) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(dest(&v)...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

const recordCols = `id, visitor_id, pass_key_id, pass_no, event_id, session_start_ms, direction, method,
	device_id, wall_ms, run_id, run_ms, verified, outcome, reason, staff, backfilled`

func recordDest(r *hubsync.Record) []any {
	return []any{&r.ID, &r.VisitorID, &r.PassKeyID, &r.PassNo, &r.EventID, &r.SessionStartMS, &r.Direction,
		&r.Method, &r.DeviceID, &r.WallMS, &r.RunID, &r.RunMS, &r.Verified, &r.Outcome, &r.Reason, &r.Staff,
		&r.Backfilled}
}

const hubCols = recordCols + `, site_id, subject, received_ms, true_ms, clock_error_ms, duplicate_of`

func hubDest(r *hubsync.HubRecord) []any {
	return append(recordDest(&r.Record), &r.SiteID, &r.Subject, &r.ReceivedMS, &r.TrueMS, &r.ClockErrorMS, &r.DuplicateOf)
}

// Push implements sync.Store.
func (s *Store) Push(ctx context.Context, dev hubsync.Device, b hubsync.Batch) ([]hubsync.RecordResult, error) {
	var out []hubsync.RecordResult
	err := s.tx(ctx, func(tx pgx.Tx) error {
		out = make([]hubsync.RecordResult, len(b.Records))
		if _, err := tx.Exec(ctx, `UPDATE devices SET last_seen_ms = $1, clock_offset_ms = $2, clock_checked_ms = $1
			WHERE id = $3`, b.ReceivedMS, b.ClockOffsetMS, dev.ID); err != nil {
			return err
		}
		if b.RunID != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO runs(device_id, run_id, base_ms) VALUES($1, $2, $3)
				ON CONFLICT(device_id, run_id) DO UPDATE SET base_ms = least(runs.base_ms, excluded.base_ms)`,
				dev.ID, b.RunID, b.RunBaseMS); err != nil {
				return err
			}
		}
		type anchor struct {
			base int64
			ok   bool
		}
		bases := map[string]anchor{}
		var runIDs []string
		for _, r := range b.Records {
			if _, ok := bases[r.RunID]; !ok {
				bases[r.RunID] = anchor{}
				runIDs = append(runIDs, r.RunID)
			}
		}
		if len(runIDs) > 0 {
			rows, err := tx.Query(ctx, `SELECT run_id, base_ms FROM runs WHERE device_id = $1 AND run_id = ANY($2)`, dev.ID, runIDs)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				var base int64
				if err := rows.Scan(&id, &base); err != nil {
					rows.Close()
					return err
				}
				bases[id] = anchor{base, true}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		recs := make([]hubsync.HubRecord, len(b.Records))
		batch := &pgx.Batch{}
		for i, r := range b.Records {
			a := bases[r.RunID]
			r.TrueMS = hubsync.EstimateTrueMS(r.Record, a.base, a.ok, b.ClockOffsetMS)
			r.ClockErrorMS = r.WallMS - r.TrueMS
			recs[i] = r
			batch.Queue(`INSERT INTO checkins(`+recordCols+`, site_id, subject, received_ms, true_ms, clock_error_ms)
				VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
				ON CONFLICT(id) DO NOTHING`,
				r.ID, r.VisitorID, int64(r.PassKeyID), int64(r.PassNo), r.EventID, r.SessionStartMS, r.Direction,
				r.Method, r.DeviceID, r.WallMS, r.RunID, r.RunMS, r.Verified, r.Outcome, r.Reason, r.Staff,
				r.Backfilled, r.SiteID, r.Subject, r.ReceivedMS, r.TrueMS, r.ClockErrorMS)
		}
		br := tx.SendBatch(ctx, batch)
		groups := map[hubsync.GroupKey]bool{}
		var again []int
		for i, r := range recs {
			tag, err := br.Exec()
			if err != nil {
				br.Close()
				return err
			}
			out[i] = hubsync.RecordResult{ID: r.ID, Status: hubsync.StatusStored}
			if tag.RowsAffected() == 1 {
				if k, ok := r.Key(); ok {
					groups[k] = true
				}
			} else {
				again = append(again, i)
			}
		}
		if err := br.Close(); err != nil {
			return err
		}
		for _, i := range again {
			var old hubsync.Record
			if err := tx.QueryRow(ctx, `SELECT `+recordCols+` FROM checkins WHERE id = $1`, recs[i].ID).
				Scan(recordDest(&old)...); err != nil {
				return err
			}
			if hubsync.SameRecord(old, recs[i].Record) {
				out[i].Status = hubsync.StatusAlready
			} else {
				out[i] = hubsync.RecordResult{ID: recs[i].ID, Status: hubsync.StatusRejected, Reason: hubsync.RejectIDConflict}
			}
		}
		if err := rankGroups(ctx, tx, groups); err != nil {
			return err
		}
		if len(b.Revocations) > 0 {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockFeed); err != nil {
				return err
			}
			for _, rv := range b.Revocations {
				bs, err := json.Marshal(rv)
				if err != nil {
					return err
				}
				if _, err := putItem(ctx, tx, hubsync.KindRevocation, rv.ID(), bs, false, b.ReceivedMS, true); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// rankGroups marks duplicates in each group, holding the group's advisory
// lock so that concurrent hubs see each other's committed rows. Locks are
// taken in a fixed order to avoid deadlocks.
func rankGroups(ctx context.Context, tx pgx.Tx, groups map[hubsync.GroupKey]bool) error {
	keys := make([]hubsync.GroupKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
	for _, k := range keys {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, fmt.Sprint(k)); err != nil {
			return err
		}
	}
	for _, k := range keys {
		rows, err := tx.Query(ctx, `SELECT id, true_ms, duplicate_of FROM checkins
			WHERE subject = $1 AND event_id = $2 AND session_start_ms = $3 AND direction = $4 AND outcome = 'accepted'`,
			k.Subject, k.EventID, k.SessionStartMS, k.Direction)
		if err != nil {
			return err
		}
		ms, err := collect(rows, func(m *hubsync.GroupMember) []any { return []any{&m.ID, &m.TrueMS, &m.DuplicateOf} })
		if err != nil {
			return err
		}
		for id, dup := range hubsync.RankGroup(ms) {
			if _, err := tx.Exec(ctx, `UPDATE checkins SET duplicate_of = $1 WHERE id = $2`, dup, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// putItem puts one feed entry with the next Seq unless it is unchanged (or,
// with onlyIfAbsent, already live). The caller holds the feed lock.
func putItem(ctx context.Context, tx pgx.Tx, kind, id string, b []byte, deleted bool, nowMS int64, onlyIfAbsent bool) (bool, error) {
	var old []byte
	var oldDeleted bool
	err := tx.QueryRow(ctx, `SELECT data, deleted FROM content WHERE kind = $1 AND id = $2`, kind, id).Scan(&old, &oldDeleted)
	switch {
	case err == nil:
		if oldDeleted == deleted && bytes.Equal(old, b) || onlyIfAbsent && !oldDeleted {
			return false, nil
		}
	case errors.Is(err, pgx.ErrNoRows):
		if deleted {
			return false, nil
		}
	default:
		return false, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO content(kind, id, seq, deleted, data, updated_ms)
		VALUES($1, $2, (SELECT coalesce(max(seq), 0) + 1 FROM content), $3, $4, $5)
		ON CONFLICT(kind, id) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted,
		data = excluded.data, updated_ms = excluded.updated_ms`, kind, id, deleted, b, nowMS)
	return err == nil, err
}

// Changes implements sync.Store.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]hubsync.Change, error) {
	rows, err := s.pool.Query(ctx, `SELECT seq, kind, id, deleted, data FROM content WHERE seq > $1 ORDER BY seq LIMIT $2`,
		after, limit)
	if err != nil {
		return nil, err
	}
	cs, err := collect(rows, func(c *hubsync.Change) []any { return []any{&c.Seq, &c.Kind, &c.ID, &c.Deleted, &c.Data} })
	for i := range cs {
		if cs[i].Deleted {
			cs[i].Data = nil
		}
	}
	return cs, err
}

// ContentItem implements sync.Store.
func (s *Store) ContentItem(ctx context.Context, kind, id string) (hubsync.Change, error) {
	c := hubsync.Change{Kind: kind, ID: id}
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT seq, deleted, data FROM content WHERE kind = $1 AND id = $2`, kind, id).
		Scan(&c.Seq, &c.Deleted, &b)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, fmt.Errorf("%s %q: %w", kind, id, data.ErrNotFound)
	}
	if !c.Deleted {
		c.Data = b
	}
	return c, err
}

// PutContent implements sync.Store.
func (s *Store) PutContent(ctx context.Context, items []hubsync.Item, replace []string, nowMS int64) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx pgx.Tx) error {
		n = 0
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lockFeed); err != nil {
			return err
		}
		keep := map[[2]string]bool{}
		for _, it := range items {
			keep[[2]string{it.Kind, it.ID}] = true
			changed, err := putItem(ctx, tx, it.Kind, it.ID, it.Data, false, nowMS, false)
			if err != nil {
				return fmt.Errorf("%s %s: %w", it.Kind, it.ID, err)
			}
			if changed {
				n++
			}
		}
		for _, kind := range replace {
			rows, err := tx.Query(ctx, `SELECT id FROM content WHERE kind = $1 AND NOT deleted ORDER BY seq DESC`, kind)
			if err != nil {
				return err
			}
			ids, err := collect(rows, func(id *string) []any { return []any{id} })
			if err != nil {
				return err
			}
			for _, id := range ids {
				if keep[[2]string{kind, id}] {
					continue
				}
				if _, err := putItem(ctx, tx, kind, id, nil, true, nowMS, false); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// LiveContent implements sync.Store.
func (s *Store) LiveContent(ctx context.Context, kind string) ([]hubsync.Change, error) {
	rows, err := s.pool.Query(ctx, `SELECT seq, kind, id, deleted, data FROM content WHERE kind = $1 AND NOT deleted ORDER BY id`, kind)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(c *hubsync.Change) []any { return []any{&c.Seq, &c.Kind, &c.ID, &c.Deleted, &c.Data} })
}

// EachCheckIn implements sync.Store.
func (s *Store) EachCheckIn(ctx context.Context, f hubsync.Filter, fn func(hubsync.HubRecord) error) error {
	q, args := hubsync.FilterSQL(f, func(n int) string { return "$" + strconv.Itoa(n) })
	rows, err := s.pool.Query(ctx, `SELECT `+hubCols+` FROM checkins`+q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r hubsync.HubRecord
		if err := rows.Scan(hubDest(&r)...); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
