package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/google/uuid"
)

// SettingDevice is the setting key of this kiosk's device id.
const SettingDevice = "device_id"

// DeviceID returns this kiosk's device id, a UUID made on first use.
func (s *Store) DeviceID(ctx context.Context) (string, error) {
	id, err := s.Setting(ctx, SettingDevice, "")
	if err != nil || id != "" {
		return id, err
	}
	id = uuid.NewString()
	err = s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO NOTHING`, SettingDevice, id)
		return err
	})
	if err != nil {
		return "", err
	}
	return s.Setting(ctx, SettingDevice, "")
}

// OwnKey returns this kiosk's signing key (id and Ed25519 private key);
// found is false when the kiosk has none yet.
func (s *Store) OwnKey(ctx context.Context) (id uint32, priv ed25519.PrivateKey, found bool, err error) {
	var b []byte
	err = s.r.QueryRowContext(ctx, `SELECT key_id, private FROM keys WHERE private IS NOT NULL
		ORDER BY created_ms DESC LIMIT 1`).Scan(&id, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, false, nil
	}
	return id, ed25519.PrivateKey(b), err == nil, err
}

// NewOwnKey makes a new signing key for this kiosk (pass.NewKey), for the
// site siteID, and makes it the kiosk's own key (OwnKey) from now on: it is
// stored as created at nowMS, or just after the newest own key when that is
// later (a clock set back). Earlier keys stay, so passes they signed keep
// verifying here. It returns the new key's id; an id already in the key
// table is drawn again.
func (s *Store) NewOwnKey(ctx context.Context, siteID string, nowMS int64) (uint32, error) {
	for {
		k, err := pass.NewKey(nil)
		if err != nil {
			return 0, err
		}
		added := false
		err = s.write(ctx, func(tx *sql.Tx) error {
			var newest int64
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(created_ms), 0) FROM keys WHERE private IS NOT NULL`).
				Scan(&newest); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO keys(key_id, public, private, site_id, created_ms)
				VALUES(?, ?, ?, ?, ?) ON CONFLICT(key_id) DO NOTHING`,
				k.ID, []byte(k.Public()), []byte(k.Private), siteID, max(nowMS, newest+1))
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			added = n == 1
			return err
		})
		if err != nil || added {
			return k.ID, err
		}
	}
}

// PublicKey returns the Ed25519 public key with the given id; found is false
// for an unknown key.
func (s *Store) PublicKey(ctx context.Context, id uint32) (pub ed25519.PublicKey, found bool, err error) {
	var b []byte
	err = s.r.QueryRowContext(ctx, `SELECT public FROM keys WHERE key_id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}

const visitorCols = `id, coalesce(phone, ''), name, community_id, created_ms`

func visitorDest(v *data.Visitor) []any {
	return []any{&v.ID, &v.Phone, &v.Name, &v.CommunityID, &v.CreatedMS}
}

// VisitorByPhone returns the visitor with the normalised 11-digit phone, or
// an error wrapping data.ErrNotFound.
func (s *Store) VisitorByPhone(ctx context.Context, phone string) (data.Visitor, error) {
	var v data.Visitor
	err := s.r.QueryRowContext(ctx, `SELECT `+visitorCols+` FROM visitors WHERE phone = ?`, phone).Scan(visitorDest(&v)...)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("visitor: %w", data.ErrNotFound)
	}
	return v, err
}

// Visitor returns the visitor with the given id, or an error wrapping
// data.ErrNotFound.
func (s *Store) Visitor(ctx context.Context, id string) (data.Visitor, error) {
	var v data.Visitor
	err := s.r.QueryRowContext(ctx, `SELECT `+visitorCols+` FROM visitors WHERE id = ?`, id).Scan(visitorDest(&v)...)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("visitor %q: %w", id, data.ErrNotFound)
	}
	return v, err
}

// Register returns the visitor with v.Phone, creating it from v (with a new
// id) when the phone is new; created says which. An existing visitor's
// community is updated when v gives one; their name only when they have
// none (a registered name is never changed by registering again: compare
// out.Name with v.Name to find a differing one).
func (s *Store) Register(ctx context.Context, v data.Visitor) (out data.Visitor, created bool, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT `+visitorCols+` FROM visitors WHERE phone = ?`, v.Phone).Scan(visitorDest(&out)...)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			out = v
			out.ID = uuid.Must(uuid.NewV7()).String()
			created = true
			_, err = tx.ExecContext(ctx, `INSERT INTO visitors(id, phone, name, community_id, created_ms)
				VALUES(?, ?, ?, ?, ?)`, out.ID, out.Phone, out.Name, out.CommunityID, out.CreatedMS)
			return err
		case err != nil:
			return err
		}
		if v.CommunityID != "" {
			out.CommunityID = v.CommunityID
		}
		if out.Name == "" {
			out.Name = v.Name
		}
		_, err = tx.ExecContext(ctx, `UPDATE visitors SET name = ?, community_id = ? WHERE id = ?`,
			out.Name, out.CommunityID, out.ID)
		return err
	})
	return out, created, err
}

// ActivePass returns the visitor's newest unrevoked pass and its issue time
// (UTC ms); found is false when the visitor has none.
func (s *Store) ActivePass(ctx context.Context, visitorID string) (ref data.PassRef, issuedMS int64, found bool, err error) {
	ref, issuedMS, _, found, err = s.activePass(ctx, visitorID, false)
	return ref, issuedMS, found, err
}

// OwnActivePass returns the visitor's newest unrevoked pass signed by one of
// this kiosk's own keys whose private key is still held (any of them, not
// only OwnKey's: a restore adds a new key and the visitors' passes of the
// earlier ones stay theirs), its issue time (UTC ms) and that private key;
// found is false when the visitor has no such pass (none, or only passes of
// other kiosks' keys).
func (s *Store) OwnActivePass(ctx context.Context, visitorID string) (ref data.PassRef, issuedMS int64, priv ed25519.PrivateKey, found bool, err error) {
	return s.activePass(ctx, visitorID, true)
}

// activePass is ActivePass, or OwnActivePass when own is true.
func (s *Store) activePass(ctx context.Context, visitorID string, own bool) (ref data.PassRef, issuedMS int64, priv ed25519.PrivateKey, found bool, err error) {
	var b []byte
	err = s.r.QueryRowContext(ctx, `SELECT p.key_id, p.no, p.issued_ms, k.private FROM passes p
		LEFT JOIN keys k ON k.key_id = p.key_id
		WHERE p.visitor_id = ? AND p.revoked_ms = 0 AND (NOT ? OR k.private IS NOT NULL)
		ORDER BY p.issued_ms DESC, p.no DESC LIMIT 1`, visitorID, own).
		Scan(&ref.KeyID, &ref.No, &issuedMS, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return ref, 0, nil, false, nil
	}
	return ref, issuedMS, b, err == nil, err
}

// IssuePass records a new pass for the visitor under key keyID, numbered as
// insertPass does, and returns its reference. The visitor's
// other passes stay valid: only ReissuePass, a staff action, revokes them.
func (s *Store) IssuePass(ctx context.Context, visitorID string, keyID uint32, nowMS int64) (data.PassRef, error) {
	var ref data.PassRef
	err := s.write(ctx, func(tx *sql.Tx) (err error) {
		ref, err = insertPass(ctx, tx, visitorID, keyID, nowMS)
		return err
	})
	return ref, err
}

// insertPass records a new pass for the visitor under key keyID, numbered
// one past the key's highest pass known here — in the pass table or on any
// check-in record (a database restored from a backup without a new key would
// otherwise give out again numbers issued after the backup and since
// scanned). Index checkins_pass (migration 009) keeps this a lookup.
func insertPass(ctx context.Context, tx *sql.Tx, visitorID string, keyID uint32, nowMS int64) (data.PassRef, error) {
	ref := data.PassRef{KeyID: keyID}
	if err := tx.QueryRowContext(ctx, `SELECT max(
			coalesce((SELECT max(no) FROM passes WHERE key_id = ?1), 0),
			coalesce((SELECT max(pass_no) FROM checkins WHERE pass_key_id = ?1), 0)) + 1`, keyID).Scan(&ref.No); err != nil {
		return ref, err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO passes(key_id, no, visitor_id, issued_ms) VALUES(?, ?, ?, ?)`,
		ref.KeyID, ref.No, visitorID, nowMS)
	return ref, err
}

// RevokePass marks a pass revoked at nowMS (a lost card). A pass this kiosk
// has never seen is recorded as revoked so its code is refused here too.
func (s *Store) RevokePass(ctx context.Context, ref data.PassRef, nowMS int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO passes(key_id, no, issued_ms, revoked_ms) VALUES(?, ?, 0, ?)
			ON CONFLICT(key_id, no) DO UPDATE SET revoked_ms = excluded.revoked_ms WHERE revoked_ms = 0`,
			ref.KeyID, ref.No, nowMS)
		return err
	})
}

// PassHolder returns the visitor holding the pass (empty ID when the pass is
// not known here) and whether the pass is revoked.
func (s *Store) PassHolder(ctx context.Context, ref data.PassRef) (v data.Visitor, revoked bool, err error) {
	var visitorID string
	var revokedMS int64
	err = s.r.QueryRowContext(ctx, `SELECT coalesce(visitor_id, ''), revoked_ms FROM passes WHERE key_id = ? AND no = ?`,
		ref.KeyID, ref.No).Scan(&visitorID, &revokedMS)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil || visitorID == "" {
		return v, revokedMS != 0, err
	}
	v, err = s.Visitor(ctx, visitorID)
	return v, revokedMS != 0, err
}

// Subject is the key under which a person's records are matched: the visitor
// id when the visitor is known here, otherwise "pass:KEYID:NO".
func Subject(visitorID string, ref data.PassRef) string {
	if visitorID != "" {
		return visitorID
	}
	return fmt.Sprintf("pass:%d:%d", ref.KeyID, ref.No)
}

const checkinCols = `id, visitor_id, pass_key_id, pass_no, event_id, session_start_ms, direction, method,
	device_id, wall_ms, run_id, run_ms, verified, outcome, reason, staff, backfilled`

func checkinDest(c *data.CheckIn) []any {
	return []any{&c.ID, &c.VisitorID, &c.Pass.KeyID, &c.Pass.No, &c.EventID, &c.SessionStartMS, &c.Direction,
		&c.Method, &c.DeviceID, &c.WallMS, &c.RunID, &c.RunMS, &c.Verified, &c.Outcome, &c.Reason, &c.Staff, &c.Backfilled}
}

func insertCheckIn(ctx context.Context, tx *sql.Tx, c data.CheckIn) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO checkins(subject, `+checkinCols+`)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		Subject(c.VisitorID, c.Pass), c.ID, c.VisitorID, c.Pass.KeyID, c.Pass.No, c.EventID, c.SessionStartMS,
		c.Direction, c.Method, c.DeviceID, c.WallMS, c.RunID, c.RunMS, c.Verified, c.Outcome, c.Reason,
		c.Staff, c.Backfilled)
	return err
}

// AppendCheckIn stores one record as it is (refused scans, staff entries).
// It is durable when AppendCheckIn returns nil.
func (s *Store) AppendCheckIn(ctx context.Context, c data.CheckIn) error {
	return s.write(ctx, func(tx *sql.Tx) error { return insertCheckIn(ctx, tx, c) })
}

// RecordScan decides and stores a scan atomically. In one immediate
// transaction it loads the subject's latest accepted record for the session
// (nil if none), calls decide with it, and stores the record decide returns
// (none when it returns nil). The stored record is durable (synchronous=FULL)
// when RecordScan returns nil; decide's error is returned as it is.
func (s *Store) RecordScan(ctx context.Context, subject, eventID string, sessionStartMS int64,
	decide func(last *data.CheckIn) (*data.CheckIn, error)) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		lastp, err := lastAccepted(ctx, tx, subject, eventID, sessionStartMS)
		if err != nil {
			return err
		}
		rec, err := decide(lastp)
		if err != nil || rec == nil {
			return err
		}
		return insertCheckIn(ctx, tx, *rec)
	})
}

// querier is what lastAccepted needs of a *sql.DB or *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// lastAccepted returns the subject's latest accepted record for a session,
// or nil when there is none.
func lastAccepted(ctx context.Context, q querier, subject, eventID string, sessionStartMS int64) (*data.CheckIn, error) {
	var last data.CheckIn
	err := q.QueryRowContext(ctx, `SELECT `+checkinCols+` FROM checkins
		WHERE subject = ? AND event_id = ? AND session_start_ms = ? AND outcome = 'accepted'
		ORDER BY wall_ms DESC, id DESC LIMIT 1`, subject, eventID, sessionStartMS).Scan(checkinDest(&last)...)
	switch {
	case err == nil:
		return &last, nil
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	}
	return nil, err
}

// LastAccepted returns the subject's latest accepted record for a session
// (event id and session start, UTC ms), or nil when there is none.
func (s *Store) LastAccepted(ctx context.Context, subject, eventID string, sessionStartMS int64) (*data.CheckIn, error) {
	return lastAccepted(ctx, s.r, subject, eventID, sessionStartMS)
}

// CheckInFilter selects attendance records. Zero fields do not filter.
type CheckInFilter struct {
	FromMS, ToMS   int64 // wall time range [FromMS, ToMS), UTC ms
	EventID        string
	VisitorID      string
	AcceptedOnly   bool
	SessionStartMS int64
}

// CheckIns returns the records matching f in wall-time order.
func (s *Store) CheckIns(ctx context.Context, f CheckInFilter) ([]data.CheckIn, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.FromMS != 0 {
		add("wall_ms >= ?", f.FromMS)
	}
	if f.ToMS != 0 {
		add("wall_ms < ?", f.ToMS)
	}
	if f.EventID != "" {
		add("event_id = ?", f.EventID)
	}
	if f.SessionStartMS != 0 {
		add("session_start_ms = ?", f.SessionStartMS)
	}
	if f.VisitorID != "" {
		add("visitor_id = ?", f.VisitorID)
	}
	if f.AcceptedOnly {
		add("outcome = ?", data.Accepted)
	}
	q := `SELECT ` + checkinCols + ` FROM checkins`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.r.QueryContext(ctx, q+" ORDER BY wall_ms, id", args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, checkinDest)
}

// OpenCheckIns returns the accepted check-ins made at or after fromWallMS, of
// sessions that started before startedBeforeMS, whose subject has no
// accepted check-out in that session: people still "inside". Used to close
// them automatically; fromWallMS bounds the search (the wall-time index) so
// the periodic run does not read the whole history.
func (s *Store) OpenCheckIns(ctx context.Context, fromWallMS, startedBeforeMS int64) ([]data.CheckIn, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+checkinCols+` FROM checkins c
		WHERE wall_ms >= ? AND outcome = 'accepted' AND direction = 'in' AND session_start_ms < ?
		AND NOT EXISTS (SELECT 1 FROM checkins o WHERE o.subject = c.subject AND o.event_id = c.event_id
			AND o.session_start_ms = c.session_start_ms AND o.outcome = 'accepted' AND o.direction = 'out')
		ORDER BY wall_ms`, fromWallMS, startedBeforeMS)
	if err != nil {
		return nil, err
	}
	return collect(rows, checkinDest)
}
