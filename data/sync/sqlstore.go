package sync

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/civickiosk/kiosk/data"
)

// SQLDB is a hub database as SQLStore uses it. Each backend (SQLiteHub,
// postgres.Store) adapts its driver to it. Statements are written with ?
// placeholders, which a backend rewrites for its driver where needed; a
// query that finds no row returns an error matching sql.ErrNoRows.
type SQLDB interface {
	// Read returns a handle for reads outside a transaction (its Lock and
	// Pipeline are not used).
	Read() Tx
	// Write runs fn in one read-write transaction and commits it when fn
	// returns nil; otherwise it rolls back and returns fn's error.
	Write(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is a transaction (or, from SQLDB.Read, a read handle) of a hub
// database.
type Tx interface {
	// Exec runs a statement and returns the number of rows it affected.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Pipeline runs stmts in order, handing each one's result to its
	// callback, and stops at the first error: on PostgreSQL they go to the
	// server together, in one round trip (a pgx batch); on SQLite they run
	// one after another.
	Pipeline(ctx context.Context, stmts []Stmt) error
	// QueryRow runs a query returning at most one row.
	QueryRow(ctx context.Context, query string, args ...any) Row
	// Query runs a query.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	// Lock takes a lock on each of keys, held until the transaction ends:
	// transaction-level advisory locks on PostgreSQL, where several hubs
	// write at once, taken in one statement in an order that does not
	// depend on the order of keys (so two transactions locking overlapping
	// sets never deadlock); nothing on SQLite, whose write transactions run
	// one at a time. LockFeed is always locked alone, after any other lock
	// of the transaction.
	Lock(ctx context.Context, keys ...string) error
}

// Stmt is one statement of Tx.Pipeline: Query with Args or, when Lock is
// not empty, Tx.Lock of those keys. Rows, when set, reads the statement's
// result rows (the pipeline closes them); else Done, when set, gets the
// number of rows the statement affected.
type Stmt struct {
	Query string
	Args  []any
	Lock  []string
	Rows  func(Rows) error
	Done  func(affected int64)
}

// manyStmts is query once per argument list.
func manyStmts(query string, args [][]any) []Stmt {
	out := make([]Stmt, len(args))
	for i, a := range args {
		out[i] = Stmt{Query: query, Args: a}
	}
	return out
}

// Row is one row of a query's result.
type Row interface {
	Scan(dest ...any) error
}

// Rows is a query's result, read with Next and Scan.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// LockFeed is the Tx.Lock key held while feed sequence numbers are issued,
// so that they are issued in commit order and a reader never skips one.
const LockFeed = "feed"

// GroupLockKey is the Tx.Lock key of a duplicate group, held while its
// duplicates are marked so that concurrent hubs storing one person's
// check-ins agree on which is the original.
func GroupLockKey(k GroupKey) string { return "group:" + fmt.Sprint(k) }

// SQLStore implements every Store method but Close over a SQLDB: the
// statements and logic the embedded SQLite store and the PostgreSQL store
// share. Both embed it.
type SQLStore struct {
	db SQLDB
}

// NewSQLStore returns a SQLStore over db, whose tables exist.
func NewSQLStore(db SQLDB) *SQLStore { return &SQLStore{db: db} }

// The columns of the tables, in the order of the scan destinations.
const (
	deviceCols = `id, site_id, key_id, public_key, enrolled_ms, revoked_ms, last_seen_ms, clock_offset_ms, clock_checked_ms`
	// recordCols are the kiosk record's columns, in Record field order.
	recordCols = `id, visitor_id, pass_key_id, pass_no, event_id, session_start_ms, direction, method,
	device_id, wall_ms, run_id, run_ms, verified, outcome, reason, staff, backfilled`
	// hubAddedCols are the columns the hub adds to a record when storing it.
	hubAddedCols = `site_id, subject, received_ms, true_ms, clock_error_ms`
	hubCols      = recordCols + `, ` + hubAddedCols + `, duplicate_of`
	changeCols   = `seq, kind, id, deleted, data`
)

// The statements SQLStore runs.
var (
	sqlAddCode = `INSERT INTO enrol_codes(code_hash, site_id, created_ms, expires_ms) VALUES(?, ?, ?, ?)`
	sqlCode    = `SELECT site_id, expires_ms, used_ms, device_id, token_hash FROM enrol_codes WHERE code_hash = ?`
	sqlUseCode = `UPDATE enrol_codes SET used_ms = ?, device_id = ?, token_hash = ? WHERE code_hash = ?`

	sqlDeviceOfToken = `SELECT ` + deviceCols + ` FROM devices WHERE id = ? AND token_hash = ?`
	sqlActiveDevice  = `SELECT ` + deviceCols + ` FROM devices WHERE token_hash = ? AND revoked_ms = 0`
	sqlDevices       = `SELECT ` + deviceCols + ` FROM devices ORDER BY site_id, id`
	sqlDeviceExists  = `SELECT 1 FROM devices WHERE id = ?`
	sqlEnrolDevice   = `INSERT INTO devices(id, site_id, key_id, public_key, token_hash, enrolled_ms)
		VALUES(?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET site_id = excluded.site_id, key_id = excluded.key_id,
		public_key = excluded.public_key, token_hash = excluded.token_hash,
		enrolled_ms = excluded.enrolled_ms, revoked_ms = 0`
	sqlRevoke        = `UPDATE devices SET revoked_ms = ? WHERE id = ? AND revoked_ms = 0`
	sqlDeviceSeen    = `UPDATE devices SET last_seen_ms = ?, clock_offset_ms = ?, clock_checked_ms = ? WHERE id = ?`
	sqlDeviceContact = `UPDATE devices SET last_seen_ms = ? WHERE id = ?`

	sqlAnchorRun = `INSERT INTO runs(device_id, run_id, base_ms) VALUES(?, ?, ?)
		ON CONFLICT(device_id, run_id) DO UPDATE SET
		base_ms = CASE WHEN excluded.base_ms < runs.base_ms THEN excluded.base_ms ELSE runs.base_ms END`

	sqlInsertRecord = `INSERT INTO checkins(` + recordCols + `, ` + hubAddedCols + `)
		VALUES(` + strings.Repeat("?, ", 21) + `?) ON CONFLICT(id) DO NOTHING`

	sqlItemState = `SELECT data, deleted FROM content WHERE kind = ? AND id = ?`
	sqlPutItem   = `INSERT INTO content(kind, id, seq, deleted, data, updated_ms)
		VALUES(?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM content), ?, ?, ?)
		ON CONFLICT(kind, id) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted,
		data = excluded.data, updated_ms = excluded.updated_ms`
	sqlChanges  = `SELECT ` + changeCols + ` FROM content WHERE seq > ? ORDER BY seq LIMIT ?`
	sqlItem     = `SELECT ` + changeCols + ` FROM content WHERE kind = ? AND id = ?`
	sqlLive     = `SELECT ` + changeCols + ` FROM content WHERE kind = ? AND NOT deleted ORDER BY id`
	sqlLiveIDs  = `SELECT id FROM content WHERE kind = ? AND NOT deleted ORDER BY seq DESC`
	sqlCheckIns = `SELECT ` + hubCols + ` FROM checkins`
)

func deviceDest(d *Device) []any {
	return []any{&d.ID, &d.SiteID, &d.KeyID, &d.PublicKey, &d.EnrolledMS, &d.RevokedMS, &d.LastSeenMS,
		&d.ClockOffsetMS, &d.ClockCheckedMS}
}

func recordDest(r *Record) []any {
	return []any{&r.ID, &r.VisitorID, &r.PassKeyID, &r.PassNo, &r.EventID, &r.SessionStartMS, &r.Direction,
		&r.Method, &r.DeviceID, &r.WallMS, &r.RunID, &r.RunMS, &r.Verified, &r.Outcome, &r.Reason, &r.Staff,
		&r.Backfilled}
}

func hubDest(r *HubRecord) []any {
	return append(recordDest(&r.Record), &r.SiteID, &r.Subject, &r.ReceivedMS, &r.TrueMS, &r.ClockErrorMS, &r.DuplicateOf)
}

// insertArgs are the arguments of sqlInsertRecord for r.
func insertArgs(r HubRecord) []any {
	return []any{r.ID, r.VisitorID, int64(r.PassKeyID), int64(r.PassNo), r.EventID, r.SessionStartMS, r.Direction,
		r.Method, r.DeviceID, r.WallMS, r.RunID, r.RunMS, r.Verified, r.Outcome, r.Reason, r.Staff,
		r.Backfilled, r.SiteID, r.Subject, r.ReceivedMS, r.TrueMS, r.ClockErrorMS}
}

// changeDest scans a content row into c; data goes to *b (c.Data is set by
// the caller for live entries).
func changeDest(c *Change, b *[]byte) []any { return []any{&c.Seq, &c.Kind, &c.ID, &c.Deleted, b} }

// collect reads every row of rows (closing them) with dest.
func collect[T any](rows Rows, dest func(*T) []any) ([]T, error) {
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

// collectChanges reads content rows, keeping the data of live entries only.
func collectChanges(rows Rows) ([]Change, error) {
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var b []byte
		if err := rows.Scan(changeDest(&c, &b)...); err != nil {
			return nil, err
		}
		if !c.Deleted {
			c.Data = b
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddEnrolCode implements Store.
func (s *SQLStore) AddEnrolCode(ctx context.Context, siteID string, codeHash []byte, nowMS, expiresMS int64) error {
	return s.db.Write(ctx, func(tx Tx) error {
		_, err := tx.Exec(ctx, sqlAddCode, codeHash, siteID, nowMS, expiresMS)
		return err
	})
}

// Enrol implements Store.
func (s *SQLStore) Enrol(ctx context.Context, e Enrolment) (Device, error) {
	var dev Device
	err := s.db.Write(ctx, func(tx Tx) error {
		// The feed lock also makes concurrent uses of one code take turns.
		if err := tx.Lock(ctx, LockFeed); err != nil {
			return err
		}
		var site, usedBy string
		var expires, used int64
		var tokenHash []byte
		err := tx.QueryRow(ctx, sqlCode, e.CodeHash).Scan(&site, &expires, &used, &usedBy, &tokenHash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ErrBadCode
		case err != nil:
			return err
		case used != 0:
			if usedBy != e.DeviceID || !bytes.Equal(tokenHash, e.TokenHash) {
				return ErrBadCode
			}
			return tx.QueryRow(ctx, sqlDeviceOfToken, e.DeviceID, e.TokenHash).Scan(deviceDest(&dev)...)
		case expires <= e.NowMS:
			return ErrBadCode
		}
		keyID := strconv.FormatUint(uint64(e.KeyID), 10)
		var stored []byte
		var deleted bool
		err = tx.QueryRow(ctx, sqlItemState, KindKey, keyID).Scan(&stored, &deleted)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && !deleted && KeyConflict(stored, e.PublicKey) {
			return ErrKeyConflict
		}
		if err := checkNotEnrolled(ctx, tx, e.DeviceID); err != nil {
			return err
		}
		dev = Device{ID: e.DeviceID, SiteID: site, KeyID: e.KeyID, PublicKey: e.PublicKey, EnrolledMS: e.NowMS}
		if _, err := tx.Exec(ctx, sqlEnrolDevice, dev.ID, dev.SiteID, int64(dev.KeyID), dev.PublicKey, e.TokenHash,
			dev.EnrolledMS); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlUseCode, e.NowMS, e.DeviceID, e.TokenHash, e.CodeHash); err != nil {
			return err
		}
		b, err := json.Marshal(KeyInfo{KeyID: e.KeyID, PublicKey: e.PublicKey, SiteID: site, DeviceID: e.DeviceID})
		if err != nil {
			return err
		}
		_, err = putItem(ctx, tx, KindKey, keyID, b, false, e.NowMS, false)
		return err
	})
	return dev, err
}

// DeviceByToken implements Store.
func (s *SQLStore) DeviceByToken(ctx context.Context, tokenHash []byte) (Device, error) {
	var d Device
	err := s.db.Read().QueryRow(ctx, sqlActiveDevice, tokenHash).Scan(deviceDest(&d)...)
	if errors.Is(err, sql.ErrNoRows) {
		return d, ErrUnauthorized
	}
	return d, err
}

// RevokeDevice implements Store.
func (s *SQLStore) RevokeDevice(ctx context.Context, deviceID string, nowMS int64) error {
	return s.db.Write(ctx, func(tx Tx) error {
		n, err := tx.Exec(ctx, sqlRevoke, nowMS, deviceID)
		if err != nil || n > 0 {
			return err
		}
		var x int
		if err := tx.QueryRow(ctx, sqlDeviceExists, deviceID).Scan(&x); err != nil {
			return fmt.Errorf("device %q: %w", deviceID, data.ErrNotFound)
		}
		return nil
	})
}

// DeviceSeen implements Store.
func (s *SQLStore) DeviceSeen(ctx context.Context, deviceID string, nowMS, clockOffsetMS int64, clockChecked bool) error {
	return s.db.Write(ctx, func(tx Tx) error {
		var err error
		if clockChecked {
			_, err = tx.Exec(ctx, sqlDeviceSeen, nowMS, clockOffsetMS, nowMS, deviceID)
		} else {
			_, err = tx.Exec(ctx, sqlDeviceContact, nowMS, deviceID)
		}
		return err
	})
}

// Devices implements Store.
func (s *SQLStore) Devices(ctx context.Context) ([]Device, error) {
	rows, err := s.db.Read().Query(ctx, sqlDevices)
	if err != nil {
		return nil, err
	}
	return collect(rows, deviceDest)
}

// Push implements Store. Its statements go in at most four pipelines (one
// round trip each on PostgreSQL): the device's clock and the runs' anchors;
// the records' rows, the locks of their duplicate groups and the groups'
// members (read for every record of the batch, ranked only for those that
// were inserted); the stored rows of records that were already there (only
// when some were); the changed duplicate marks and the event codes (only
// when there are some).
func (s *SQLStore) Push(ctx context.Context, dev Device, b Batch) ([]RecordResult, error) {
	var out []RecordResult
	err := s.db.Write(ctx, func(tx Tx) error {
		bases, err := anchorRuns(ctx, tx, dev.ID, b)
		if err != nil {
			return err
		}
		recs := make([]HubRecord, len(b.Records))
		var keys []GroupKey
		seen := map[GroupKey]bool{}
		for i, r := range b.Records {
			base, ok := bases[r.RunID]
			r.TrueMS = EstimateTrueMS(r.Record, base, ok, b.ClockOffsetMS)
			r.ClockErrorMS = r.WallMS - r.TrueMS
			recs[i] = r
			if k, ok := r.Key(); ok && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		inserted := make([]bool, len(recs))
		members := map[GroupKey][]GroupMember{}
		if err := tx.Pipeline(ctx, append(insertStmts(recs, inserted), groupStmts(keys, members)...)); err != nil {
			return err
		}
		out = make([]RecordResult, len(recs))
		ranked := map[GroupKey][]GroupMember{}
		var again []string
		for i, r := range recs {
			out[i] = RecordResult{ID: r.ID, Status: StatusStored}
			if inserted[i] {
				if k, ok := r.Key(); ok {
					ranked[k] = members[k]
				}
				continue
			}
			again = append(again, r.ID)
		}
		if len(again) > 0 {
			old, err := storedRecords(ctx, tx, again)
			if err != nil {
				return err
			}
			for i, r := range recs {
				if inserted[i] {
					continue
				}
				o, ok := old[r.ID]
				switch {
				case !ok:
					return fmt.Errorf("record %s: neither inserted nor stored", r.ID)
				case SameRecord(o, r.Record):
					out[i].Status = StatusAlready
				default:
					out[i] = RecordResult{ID: r.ID, Status: StatusRejected, Reason: RejectIDConflict}
				}
			}
		}
		if err := tx.Pipeline(ctx, append(markStmts(ranked), eventCodeStmts(dev.ID, b.EventCodes, b.ReceivedMS)...)); err != nil {
			return err
		}
		if len(b.Revocations) > 0 {
			if err := tx.Lock(ctx, LockFeed); err != nil {
				return err
			}
			for _, rv := range b.Revocations {
				bs, err := json.Marshal(rv)
				if err != nil {
					return err
				}
				if _, err := putItem(ctx, tx, KindRevocation, rv.ID(), bs, false, b.ReceivedMS, true); err != nil {
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

// anchorRuns records the device's last push and clock offset and anchors
// the batch's run (b.RunID), then returns the anchors (hub ms at run ms 0)
// of the runs of the batch's records that have one, by run id: one
// pipeline.
func anchorRuns(ctx context.Context, tx Tx, deviceID string, b Batch) (map[string]int64, error) {
	stmts := []Stmt{{Query: sqlDeviceSeen, Args: []any{b.ReceivedMS, b.ClockOffsetMS, b.ReceivedMS, deviceID}}}
	if b.RunID != "" {
		stmts = append(stmts, Stmt{Query: sqlAnchorRun, Args: []any{deviceID, b.RunID, b.RunBaseMS}})
	}
	args := []any{deviceID}
	seen := map[string]bool{}
	for _, r := range b.Records {
		if !seen[r.RunID] {
			seen[r.RunID] = true
			args = append(args, r.RunID)
		}
	}
	bases := map[string]int64{}
	if len(args) > 1 {
		stmts = append(stmts, Stmt{Query: `SELECT run_id, base_ms FROM runs WHERE device_id = ? AND run_id IN (` +
			placeholders(len(args)-1) + `)`, Args: args, Rows: func(rows Rows) error {
			for rows.Next() {
				var id string
				var base int64
				if err := rows.Scan(&id, &base); err != nil {
					return err
				}
				bases[id] = base
			}
			return rows.Err()
		}})
	}
	return bases, tx.Pipeline(ctx, stmts)
}

// placeholders is n comma-separated ?.
func placeholders(n int) string { return strings.Repeat("?, ", n-1) + "?" }

// insertStmts insert recs, one statement each (ON CONFLICT(id) DO
// NOTHING), and set inserted[i] when recs[i] was inserted.
func insertStmts(recs []HubRecord, inserted []bool) []Stmt {
	out := make([]Stmt, len(recs))
	for i, r := range recs {
		out[i] = Stmt{Query: sqlInsertRecord, Args: insertArgs(r), Done: func(n int64) { inserted[i] = n == 1 }}
	}
	return out
}

// idsPerQuery is how many ids one query of storedRecords names.
const idsPerQuery = 500

// storedRecords reads the stored records of ids, by id, in one pipeline.
func storedRecords(ctx context.Context, tx Tx, ids []string) (map[string]Record, error) {
	out := map[string]Record{}
	var stmts []Stmt
	for lo := 0; lo < len(ids); lo += idsPerQuery {
		part := ids[lo:min(lo+idsPerQuery, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		stmts = append(stmts, Stmt{Query: `SELECT ` + recordCols + ` FROM checkins WHERE id IN (` +
			placeholders(len(part)) + `)`, Args: args, Rows: func(rows Rows) error {
			rs, err := collect(rows, recordDest)
			for _, r := range rs {
				out[r.ID] = r
			}
			return err
		}})
	}
	return out, tx.Pipeline(ctx, stmts)
}

// rankGroups marks duplicates in the groups: groupStmts, then markStmts.
func rankGroups(ctx context.Context, tx Tx, groups map[GroupKey]bool) error {
	keys := make([]GroupKey, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	members := map[GroupKey][]GroupMember{}
	if err := tx.Pipeline(ctx, groupStmts(keys, members)); err != nil {
		return err
	}
	return tx.Pipeline(ctx, markStmts(members))
}

// groupStmts lock the duplicate groups keys (in one statement, in a fixed
// order, so that two hubs never deadlock, and so that concurrent hubs see
// each other's committed rows) and read their members into members, one
// query per groupsPerQuery groups.
func groupStmts(keys []GroupKey, members map[GroupKey][]GroupMember) []Stmt {
	if len(keys) == 0 {
		return nil
	}
	locks := make([]string, len(keys))
	for i, k := range keys {
		locks[i] = GroupLockKey(k)
	}
	out := []Stmt{{Lock: locks}}
	for len(keys) > 0 {
		n := min(len(keys), groupsPerQuery)
		args := make([]any, 0, 4*n)
		for _, k := range keys[:n] {
			args = append(args, k.Subject, k.EventID, k.SessionStartMS, k.Direction)
		}
		keys = keys[n:]
		out = append(out, Stmt{Query: sqlGroups(n), Args: args, Rows: func(rows Rows) error {
			type row struct {
				k GroupKey
				m GroupMember
			}
			ms, err := collect(rows, func(r *row) []any {
				return []any{&r.k.Subject, &r.k.EventID, &r.k.SessionStartMS, &r.k.Direction, &r.m.ID, &r.m.TrueMS, &r.m.DuplicateOf}
			})
			for _, r := range ms {
				members[r.k] = append(members[r.k], r.m)
			}
			return err
		}})
	}
	return out
}

// markStmts write the duplicate marks of the groups' members that change
// (RankGroup), in statements of groupsPerQuery marks.
func markStmts(members map[GroupKey][]GroupMember) []Stmt {
	var set []any
	for _, ms := range members {
		for id, dup := range RankGroup(ms) {
			set = append(set, id, dup)
		}
	}
	var out []Stmt
	for len(set) > 0 {
		n := min(len(set)/2, groupsPerQuery)
		out = append(out, Stmt{Query: sqlSetDuplicates(n), Args: set[:2*n]})
		set = set[2*n:]
	}
	return out
}

// sqlSetDuplicates sets the duplicate marks of n records, given as n (id,
// duplicate of) arguments.
func sqlSetDuplicates(n int) string {
	return `WITH m(id, dup) AS (VALUES ` + strings.Repeat(`(?, ?), `, n-1) + `(?, ?))
		UPDATE checkins SET duplicate_of = m.dup FROM m WHERE checkins.id = m.id`
}

// groupsPerQuery is how many duplicate groups one sqlGroups query reads (4
// parameters each, well under SQLite's and PostgreSQL's limits), and how
// many marks one sqlSetDuplicates statement writes (2 each).
const groupsPerQuery = 500

// sqlGroups is the query of the members of n duplicate groups, given as n
// (subject, event id, session start, direction) arguments: each member's
// group, then its id, true time and mark. CROSS JOIN makes SQLite loop over
// the groups and seek each in the checkins_group index (with many groups it
// would otherwise scan the whole index); PostgreSQL plans it as any join.
func sqlGroups(n int) string {
	return `WITH k(subject, event_id, session_start_ms, direction) AS (VALUES ` +
		strings.Repeat(`(?, ?, CAST(? AS BIGINT), ?), `, n-1) + `(?, ?, CAST(? AS BIGINT), ?))
		SELECT c.subject, c.event_id, c.session_start_ms, c.direction, c.id, c.true_ms, c.duplicate_of
		FROM k CROSS JOIN checkins c
		WHERE c.subject = k.subject AND c.event_id = k.event_id AND c.session_start_ms = k.session_start_ms
			AND c.direction = k.direction AND c.outcome = 'accepted'`
}

// putItem puts one feed entry with the next Seq unless it is unchanged (or,
// with onlyIfAbsent, already live). The caller holds LockFeed.
func putItem(ctx context.Context, tx Tx, kind, id string, b []byte, deleted bool, nowMS int64, onlyIfAbsent bool) (bool, error) {
	var old []byte
	var oldDeleted bool
	err := tx.QueryRow(ctx, sqlItemState, kind, id).Scan(&old, &oldDeleted)
	switch {
	case err == nil:
		if oldDeleted == deleted && bytes.Equal(old, b) || onlyIfAbsent && !oldDeleted {
			return false, nil
		}
	case errors.Is(err, sql.ErrNoRows):
		if deleted {
			return false, nil
		}
	default:
		return false, err
	}
	_, err = tx.Exec(ctx, sqlPutItem, kind, id, deleted, b, nowMS)
	return err == nil, err
}

// Changes implements Store.
func (s *SQLStore) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := s.db.Read().Query(ctx, sqlChanges, after, limit)
	if err != nil {
		return nil, err
	}
	return collectChanges(rows)
}

// ContentItem implements Store.
func (s *SQLStore) ContentItem(ctx context.Context, kind, id string) (Change, error) {
	var c Change
	var b []byte
	err := s.db.Read().QueryRow(ctx, sqlItem, kind, id).Scan(changeDest(&c, &b)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Change{Kind: kind, ID: id}, fmt.Errorf("%s %q: %w", kind, id, data.ErrNotFound)
	}
	if !c.Deleted {
		c.Data = b
	}
	return c, err
}

// LiveContent implements Store.
func (s *SQLStore) LiveContent(ctx context.Context, kind string) ([]Change, error) {
	rows, err := s.db.Read().Query(ctx, sqlLive, kind)
	if err != nil {
		return nil, err
	}
	return collectChanges(rows)
}

// PutContent implements Store.
func (s *SQLStore) PutContent(ctx context.Context, items []Item, replace []string, nowMS int64) (int, error) {
	n := 0
	err := s.db.Write(ctx, func(tx Tx) error {
		n = 0
		if err := tx.Lock(ctx, LockFeed); err != nil {
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
			rows, err := tx.Query(ctx, sqlLiveIDs, kind)
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

// PutEdits implements Store.
func (s *SQLStore) PutEdits(ctx context.Context, items []Item, check func(it Item, cur *Change) string, nowMS int64) ([]ContentResult, error) {
	var out []ContentResult
	err := s.db.Write(ctx, func(tx Tx) error {
		out = make([]ContentResult, len(items))
		if err := tx.Lock(ctx, LockFeed); err != nil {
			return err
		}
		for i, it := range items {
			out[i] = ContentResult{Kind: it.Kind, ID: it.ID, Status: StatusStored}
			var cur *Change
			c := Change{Kind: it.Kind, ID: it.ID}
			err := tx.QueryRow(ctx, sqlItemState, it.Kind, it.ID).Scan(&c.Data, &c.Deleted)
			switch {
			case err == nil && !c.Deleted:
				cur = &c
			case err != nil && !errors.Is(err, sql.ErrNoRows):
				return err
			}
			if why := check(it, cur); why != "" {
				out[i].Status, out[i].Reason = StatusRejected, why
				continue
			}
			changed, err := putItem(ctx, tx, it.Kind, it.ID, it.Data, false, nowMS, false)
			if err != nil {
				return fmt.Errorf("%s %s: %w", it.Kind, it.ID, err)
			}
			if !changed {
				out[i].Status = StatusAlready
			}
		}
		return nil
	})
	return out, err
}

// EachCheckIn implements Store.
func (s *SQLStore) EachCheckIn(ctx context.Context, f Filter, fn func(HubRecord) error) error {
	q, args := filterSQL(f)
	rows, err := s.db.Read().Query(ctx, sqlCheckIns+q, args...)
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

// filterSQL turns f into a WHERE … ORDER BY clause over the checkins table
// and its arguments.
func filterSQL(f Filter) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond)
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

// Numbered rewrites the ? placeholders of a statement as $1, $2, … (the
// PostgreSQL form). The statements SQLStore runs hold no ? inside quotes.
func Numbered(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, c := range query {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}
