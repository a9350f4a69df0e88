package sync

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/civickiosk/kiosk/data"
	_ "github.com/mattn/go-sqlite3" // the "sqlite3" database/sql driver
)

// hubSchemaVersion is the PRAGMA user_version of a current hub database.
const hubSchemaVersion = 1

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
// transactions, so feed sequence numbers are issued in commit order.
type SQLiteHub struct {
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
	return h.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, hubSchema); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(hubSchemaVersion))
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

func (h *SQLiteHub) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := h.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// AddEnrolCode implements Store.
func (h *SQLiteHub) AddEnrolCode(ctx context.Context, siteID string, codeHash []byte, nowMS, expiresMS int64) error {
	return h.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO enrol_codes(code_hash, site_id, created_ms, expires_ms) VALUES(?, ?, ?, ?)`,
			codeHash, siteID, nowMS, expiresMS)
		return err
	})
}

const deviceCols = `id, site_id, key_id, public_key, enrolled_ms, revoked_ms, last_seen_ms, clock_offset_ms, clock_checked_ms`

func deviceDest(d *Device) []any {
	return []any{&d.ID, &d.SiteID, &d.KeyID, &d.PublicKey, &d.EnrolledMS, &d.RevokedMS, &d.LastSeenMS,
		&d.ClockOffsetMS, &d.ClockCheckedMS}
}

// Enrol implements Store.
func (h *SQLiteHub) Enrol(ctx context.Context, e Enrolment) (Device, error) {
	var dev Device
	err := h.write(ctx, func(tx *sql.Tx) error {
		var site, usedBy string
		var expires, used int64
		var tokenHash []byte
		err := tx.QueryRowContext(ctx, `SELECT site_id, expires_ms, used_ms, device_id, token_hash FROM enrol_codes
			WHERE code_hash = ?`, e.CodeHash).Scan(&site, &expires, &used, &usedBy, &tokenHash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ErrBadCode
		case err != nil:
			return err
		case used != 0:
			if usedBy != e.DeviceID || !bytes.Equal(tokenHash, e.TokenHash) {
				return ErrBadCode
			}
			return tx.QueryRowContext(ctx, `SELECT `+deviceCols+` FROM devices WHERE id = ? AND token_hash = ?`,
				e.DeviceID, e.TokenHash).Scan(deviceDest(&dev)...)
		case expires <= e.NowMS:
			return ErrBadCode
		}
		keyID := strconv.FormatUint(uint64(e.KeyID), 10)
		var stored []byte
		var deleted bool
		err = tx.QueryRowContext(ctx, `SELECT data, deleted FROM content WHERE kind = ? AND id = ?`, KindKey, keyID).Scan(&stored, &deleted)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && !deleted && KeyConflict(stored, e.PublicKey) {
			return ErrKeyConflict
		}
		dev = Device{ID: e.DeviceID, SiteID: site, KeyID: e.KeyID, PublicKey: e.PublicKey, EnrolledMS: e.NowMS}
		if _, err := tx.ExecContext(ctx, `INSERT INTO devices(id, site_id, key_id, public_key, token_hash, enrolled_ms)
			VALUES(?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET site_id = excluded.site_id, key_id = excluded.key_id,
			public_key = excluded.public_key, token_hash = excluded.token_hash,
			enrolled_ms = excluded.enrolled_ms, revoked_ms = 0`,
			dev.ID, dev.SiteID, dev.KeyID, dev.PublicKey, e.TokenHash, dev.EnrolledMS); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enrol_codes SET used_ms = ?, device_id = ?, token_hash = ? WHERE code_hash = ?`,
			e.NowMS, e.DeviceID, e.TokenHash, e.CodeHash); err != nil {
			return err
		}
		b, err := json.Marshal(KeyInfo{KeyID: e.KeyID, PublicKey: e.PublicKey, SiteID: site, DeviceID: e.DeviceID})
		if err != nil {
			return err
		}
		_, err = sqlitePutItem(ctx, tx, KindKey, keyID, b, false, e.NowMS)
		return err
	})
	return dev, err
}

// DeviceByToken implements Store.
func (h *SQLiteHub) DeviceByToken(ctx context.Context, tokenHash []byte) (Device, error) {
	var d Device
	err := h.r.QueryRowContext(ctx, `SELECT `+deviceCols+` FROM devices WHERE token_hash = ? AND revoked_ms = 0`,
		tokenHash).Scan(deviceDest(&d)...)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrUnauthorized
	}
	return d, err
}

// RevokeDevice implements Store.
func (h *SQLiteHub) RevokeDevice(ctx context.Context, deviceID string, nowMS int64) error {
	return h.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE devices SET revoked_ms = ? WHERE id = ? AND revoked_ms = 0`, nowMS, deviceID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var x int
			if err := tx.QueryRowContext(ctx, `SELECT 1 FROM devices WHERE id = ?`, deviceID).Scan(&x); err != nil {
				return fmt.Errorf("device %q: %w", deviceID, data.ErrNotFound)
			}
		}
		return nil
	})
}

// Devices implements Store.
func (h *SQLiteHub) Devices(ctx context.Context) ([]Device, error) {
	rows, err := h.r.QueryContext(ctx, `SELECT `+deviceCols+` FROM devices ORDER BY site_id, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		var d Device
		if err := rows.Scan(deviceDest(&d)...); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// recordCols are the kiosk record's columns, in Record field order.
const recordCols = `id, visitor_id, pass_key_id, pass_no, event_id, session_start_ms, direction, method,
	device_id, wall_ms, run_id, run_ms, verified, outcome, reason, staff, backfilled`

func recordDest(r *Record) []any {
	return []any{&r.ID, &r.VisitorID, &r.PassKeyID, &r.PassNo, &r.EventID, &r.SessionStartMS, &r.Direction,
		&r.Method, &r.DeviceID, &r.WallMS, &r.RunID, &r.RunMS, &r.Verified, &r.Outcome, &r.Reason, &r.Staff,
		&r.Backfilled}
}

func recordArgs(r Record) []any {
	return []any{r.ID, r.VisitorID, r.PassKeyID, r.PassNo, r.EventID, r.SessionStartMS, r.Direction,
		r.Method, r.DeviceID, r.WallMS, r.RunID, r.RunMS, r.Verified, r.Outcome, r.Reason, r.Staff,
		r.Backfilled}
}

const hubCols = recordCols + `, site_id, subject, received_ms, true_ms, clock_error_ms, duplicate_of`

func hubDest(r *HubRecord) []any {
	return append(recordDest(&r.Record), &r.SiteID, &r.Subject, &r.ReceivedMS, &r.TrueMS, &r.ClockErrorMS, &r.DuplicateOf)
}

// Push implements Store.
func (h *SQLiteHub) Push(ctx context.Context, dev Device, b Batch) ([]RecordResult, error) {
	out := make([]RecordResult, len(b.Records))
	err := h.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE devices SET last_seen_ms = ?, clock_offset_ms = ?, clock_checked_ms = ?
			WHERE id = ?`, b.ReceivedMS, b.ClockOffsetMS, b.ReceivedMS, dev.ID); err != nil {
			return err
		}
		if b.RunID != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO runs(device_id, run_id, base_ms) VALUES(?, ?, ?)
				ON CONFLICT(device_id, run_id) DO UPDATE SET base_ms = min(base_ms, excluded.base_ms)`,
				dev.ID, b.RunID, b.RunBaseMS); err != nil {
				return err
			}
		}
		type anchor struct {
			base int64
			ok   bool
		}
		bases := map[string]anchor{}
		groups := map[GroupKey]bool{}
		for i, r := range b.Records {
			a, seen := bases[r.RunID]
			if !seen {
				err := tx.QueryRowContext(ctx, `SELECT base_ms FROM runs WHERE device_id = ? AND run_id = ?`,
					dev.ID, r.RunID).Scan(&a.base)
				if err != nil && !errors.Is(err, sql.ErrNoRows) {
					return err
				}
				a.ok = err == nil
				bases[r.RunID] = a
			}
			r.TrueMS = EstimateTrueMS(r.Record, a.base, a.ok, b.ClockOffsetMS)
			r.ClockErrorMS = r.WallMS - r.TrueMS
			args := append(recordArgs(r.Record), r.SiteID, r.Subject, r.ReceivedMS, r.TrueMS, r.ClockErrorMS)
			res, err := tx.ExecContext(ctx, `INSERT INTO checkins(`+recordCols+`, site_id, subject, received_ms, true_ms, clock_error_ms)
				VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(id) DO NOTHING`, args...)
			if err != nil {
				return err
			}
			out[i] = RecordResult{ID: r.ID, Status: StatusStored}
			if n, _ := res.RowsAffected(); n == 1 {
				if k, ok := r.Key(); ok {
					groups[k] = true
				}
				continue
			}
			var old Record
			if err := tx.QueryRowContext(ctx, `SELECT `+recordCols+` FROM checkins WHERE id = ?`, r.ID).Scan(recordDest(&old)...); err != nil {
				return err
			}
			if SameRecord(old, r.Record) {
				out[i].Status = StatusAlready
			} else {
				out[i] = RecordResult{ID: r.ID, Status: StatusRejected, Reason: RejectIDConflict}
			}
		}
		for k := range groups {
			if err := sqliteRankGroup(ctx, tx, k); err != nil {
				return err
			}
		}
		for _, rv := range b.Revocations {
			var x int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM content WHERE kind = ? AND id = ? AND deleted = 0`,
				KindRevocation, rv.ID()).Scan(&x)
			if err == nil {
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			bs, err := json.Marshal(rv)
			if err != nil {
				return err
			}
			if _, err := sqlitePutItem(ctx, tx, KindRevocation, rv.ID(), bs, false, b.ReceivedMS); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func sqliteRankGroup(ctx context.Context, tx *sql.Tx, k GroupKey) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, true_ms, duplicate_of FROM checkins
		WHERE subject = ? AND event_id = ? AND session_start_ms = ? AND direction = ? AND outcome = 'accepted'`,
		k.Subject, k.EventID, k.SessionStartMS, k.Direction)
	if err != nil {
		return err
	}
	var ms []GroupMember
	for rows.Next() {
		var m GroupMember
		if err := rows.Scan(&m.ID, &m.TrueMS, &m.DuplicateOf); err != nil {
			rows.Close()
			return err
		}
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, dup := range RankGroup(ms) {
		if _, err := tx.ExecContext(ctx, `UPDATE checkins SET duplicate_of = ? WHERE id = ?`, dup, id); err != nil {
			return err
		}
	}
	return nil
}

// sqlitePutItem puts one feed entry, with the next Seq unless it is unchanged.
func sqlitePutItem(ctx context.Context, tx *sql.Tx, kind, id string, b []byte, deleted bool, nowMS int64) (bool, error) {
	var old []byte
	var oldDeleted bool
	err := tx.QueryRowContext(ctx, `SELECT data, deleted FROM content WHERE kind = ? AND id = ?`, kind, id).Scan(&old, &oldDeleted)
	switch {
	case err == nil:
		if oldDeleted == deleted && bytes.Equal(old, b) {
			return false, nil
		}
	case errors.Is(err, sql.ErrNoRows):
		if deleted {
			return false, nil
		}
	default:
		return false, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO content(kind, id, seq, deleted, data, updated_ms)
		VALUES(?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM content), ?, ?, ?)
		ON CONFLICT(kind, id) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted,
		data = excluded.data, updated_ms = excluded.updated_ms`, kind, id, deleted, b, nowMS)
	return err == nil, err
}

// Changes implements Store.
func (h *SQLiteHub) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := h.r.QueryContext(ctx, `SELECT seq, kind, id, deleted, data FROM content WHERE seq > ? ORDER BY seq LIMIT ?`,
		after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var b []byte
		if err := rows.Scan(&c.Seq, &c.Kind, &c.ID, &c.Deleted, &b); err != nil {
			return nil, err
		}
		if !c.Deleted {
			c.Data = b
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ContentItem implements Store.
func (h *SQLiteHub) ContentItem(ctx context.Context, kind, id string) (Change, error) {
	c := Change{Kind: kind, ID: id}
	var b []byte
	err := h.r.QueryRowContext(ctx, `SELECT seq, deleted, data FROM content WHERE kind = ? AND id = ?`, kind, id).
		Scan(&c.Seq, &c.Deleted, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("%s %q: %w", kind, id, data.ErrNotFound)
	}
	if !c.Deleted {
		c.Data = b
	}
	return c, err
}

// PutContent implements Store.
func (h *SQLiteHub) PutContent(ctx context.Context, items []Item, replace []string, nowMS int64) (int, error) {
	n := 0
	err := h.write(ctx, func(tx *sql.Tx) error {
		n = 0
		keep := map[[2]string]bool{}
		for _, it := range items {
			keep[[2]string{it.Kind, it.ID}] = true
			changed, err := sqlitePutItem(ctx, tx, it.Kind, it.ID, it.Data, false, nowMS)
			if err != nil {
				return fmt.Errorf("%s %s: %w", it.Kind, it.ID, err)
			}
			if changed {
				n++
			}
		}
		for _, kind := range replace {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM content WHERE kind = ? AND deleted = 0 ORDER BY seq DESC`, kind)
			if err != nil {
				return err
			}
			var gone []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				if !keep[[2]string{kind, id}] {
					gone = append(gone, id)
				}
			}
			rows.Close()
			for _, id := range gone {
				if _, err := sqlitePutItem(ctx, tx, kind, id, nil, true, nowMS); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// LiveContent implements Store.
func (h *SQLiteHub) LiveContent(ctx context.Context, kind string) ([]Change, error) {
	rows, err := h.r.QueryContext(ctx, `SELECT seq, kind, id, deleted, data FROM content WHERE kind = ? AND deleted = 0 ORDER BY id`, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var b []byte
		if err := rows.Scan(&c.Seq, &c.Kind, &c.ID, &c.Deleted, &b); err != nil {
			return nil, err
		}
		c.Data = b
		out = append(out, c)
	}
	return out, rows.Err()
}

// EachCheckIn implements Store.
func (h *SQLiteHub) EachCheckIn(ctx context.Context, f Filter, fn func(HubRecord) error) error {
	q, args := filterSQL(f, func(int) string { return "?" })
	rows, err := h.r.QueryContext(ctx, `SELECT `+hubCols+` FROM checkins`+q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r HubRecord
		if err := rows.Scan(hubDest(&r)...); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// filterSQL turns f into a WHERE … ORDER BY clause; ph(n) writes the n-th
// (1-based) placeholder of the SQL dialect.
func filterSQL(f Filter, ph func(n int) string) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.Replace(cond, "?", ph(len(args)), 1))
	}
	if f.SiteID != "" {
		add("site_id = ?", f.SiteID)
	}
	if f.DeviceID != "" {
		add("device_id = ?", f.DeviceID)
	}
	if f.FromMS != 0 {
		add("true_ms >= ?", f.FromMS)
	}
	if f.ToMS != 0 {
		add("true_ms < ?", f.ToMS)
	}
	if f.AcceptedOnly {
		add("outcome = ?", "accepted")
	}
	if !f.WithDuplicates {
		add("duplicate_of = ?", "")
	}
	q := ""
	if len(where) > 0 {
		q = " WHERE " + strings.Join(where, " AND ")
	}
	return q + " ORDER BY true_ms, id", args
}

// FilterSQL is filterSQL for other Store implementations: it returns the
// WHERE … ORDER BY clause selecting f over the hub's checkins table, with
// placeholders written by ph (1-based), and its arguments.
func FilterSQL(f Filter, ph func(n int) string) (string, []any) { return filterSQL(f, ph) }
