package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/staff"
	"github.com/google/uuid"
)

// Setting keys of the staff-mode policy (staff.Policy), whole numbers.
const (
	SettingStaffMaxTries    = "staff.max_tries"    // wrong PINs in a row before the lock
	SettingStaffLockMinutes = "staff.lock_minutes" // length of the lock, minutes
	SettingStaffIdleMinutes = "staff.idle_minutes" // idle time that ends a staff session, minutes
)

// StaffPolicy returns the staff-mode policy: the staff.* settings, each
// defaulting to staff.DefaultPolicy (5 tries, 5 minutes' lock, 3 idle
// minutes). A setting that is not a whole number ≥ 1 is an error.
func (s *Store) StaffPolicy(ctx context.Context) (staff.Policy, error) {
	p := staff.DefaultPolicy
	for _, set := range []struct {
		key string
		put func(n int)
	}{
		{SettingStaffMaxTries, func(n int) { p.MaxTries = n }},
		{SettingStaffLockMinutes, func(n int) { p.LockFor = time.Duration(n) * time.Minute }},
		{SettingStaffIdleMinutes, func(n int) { p.Idle = time.Duration(n) * time.Minute }},
	} {
		v, err := s.Setting(ctx, set.key, "")
		if err != nil {
			return p, err
		}
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, fmt.Errorf("setting %s = %q: want a whole number ≥ 1", set.key, v)
		}
		set.put(n)
	}
	return p, nil
}

const staffCols = `id, name, created_ms, updated_ms, disabled`

func staffDest(m *staff.Member) []any {
	return []any{&m.ID, &m.Name, &m.CreatedMS, &m.UpdatedMS, &m.Disabled}
}

// HasStaff reports whether any staff member exists, disabled ones included:
// when it is false the kiosk asks for a first PIN (SetFirstPIN). Disabling
// every member therefore never re-opens that first-run prompt.
func (s *Store) HasStaff(ctx context.Context) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM staff)`).Scan(&n)
	return n == 1, err
}

// StaffMembers returns every staff member, disabled ones included, by name.
func (s *Store) StaffMembers(ctx context.Context) ([]staff.Member, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+staffCols+` FROM staff ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, staffDest)
}

// StaffMember returns the staff member with the given id, or an error
// wrapping data.ErrNotFound.
func (s *Store) StaffMember(ctx context.Context, id string) (staff.Member, error) {
	var m staff.Member
	err := s.r.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff WHERE id = ?`, id).Scan(staffDest(&m)...)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("staff member %q: %w", id, data.ErrNotFound)
	}
	return m, err
}

// StaffByName returns the staff member with the given display name ("" is
// the unnamed member), or an error wrapping data.ErrNotFound.
func (s *Store) StaffByName(ctx context.Context, name string) (staff.Member, error) {
	var m staff.Member
	err := s.r.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff WHERE name = ?`, name).Scan(staffDest(&m)...)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("staff member %q: %w", name, data.ErrNotFound)
	}
	return m, err
}

// staffHash is a member's id and stored PIN hash.
type staffHash struct {
	id, hash string
	disabled bool
}

func (s *Store) staffHashes(ctx context.Context) ([]staffHash, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, pin_hash, disabled FROM staff ORDER BY created_ms, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(h *staffHash) []any { return []any{&h.id, &h.hash, &h.disabled} })
}

// SetPIN sets the PIN of the staff member named name (stored as given; ""
// is the kiosk's unnamed member), creating
// the member when the name is new; created says which. The PIN must be 4–8
// digits (error wrapping staff.ErrBadPIN), not weak (staff.ValidateNewPIN,
// error wrapping staff.ErrWeakPIN) and must differ from every other
// member's, so that a PIN alone names one member (error wrapping
// staff.ErrPINInUse). It is stored as an argon2id hash (staff.HashPIN with
// staff.DefaultParams). Setting a PIN does not change a member's disabled
// flag. nowMS (UTC ms) stamps the change.
func (s *Store) SetPIN(ctx context.Context, name, pin string, nowMS int64) (m staff.Member, created bool, err error) {
	return s.setPIN(ctx, name, pin, nowMS, false)
}

// SetFirstPIN is SetPIN for the kiosk's first-run prompt: it creates the
// first staff member and fails with an error wrapping staff.ErrStaffExists
// when any staff member exists already (checked in the same transaction), so
// the prompt can never replace a PIN.
func (s *Store) SetFirstPIN(ctx context.Context, name, pin string, nowMS int64) (staff.Member, error) {
	m, _, err := s.setPIN(ctx, name, pin, nowMS, true)
	return m, err
}

func (s *Store) setPIN(ctx context.Context, name, pin string, nowMS int64, first bool) (m staff.Member, created bool, err error) {
	if err := staff.ValidateNewPIN(pin); err != nil {
		return m, false, err
	}
	hash, err := staff.HashPIN(pin, staff.DefaultParams, nil)
	if err != nil {
		return m, false, err
	}
	others, err := s.staffHashes(ctx)
	if err != nil {
		return m, false, err
	}
	self, err := s.StaffByName(ctx, name)
	if err != nil && !errors.Is(err, data.ErrNotFound) {
		return m, false, err
	}
	for _, o := range others {
		if o.id == self.ID {
			continue
		}
		if ok, _ := staff.CheckPIN(pin, o.hash); ok {
			return m, false, staff.ErrPINInUse
		}
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if first {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM staff`).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return staff.ErrStaffExists
			}
		}
		err := tx.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff WHERE name = ?`, name).Scan(staffDest(&m)...)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			m = staff.Member{ID: uuid.Must(uuid.NewV7()).String(), Name: name, CreatedMS: nowMS, UpdatedMS: nowMS}
			created = true
			_, err = tx.ExecContext(ctx, `INSERT INTO staff(id, name, pin_hash, created_ms, updated_ms) VALUES(?, ?, ?, ?, ?)`,
				m.ID, m.Name, hash, nowMS, nowMS)
			if err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			m.UpdatedMS = nowMS
			if _, err := tx.ExecContext(ctx, `UPDATE staff SET pin_hash = ?, updated_ms = ? WHERE id = ?`, hash, nowMS, m.ID); err != nil {
				return err
			}
		}
		return addAudit(ctx, tx, AuditEntry{MS: nowMS, Staff: m.Label(), Action: AuditSetPIN,
			Details: map[string]any{"staff_id": m.ID, "created": created}})
	})
	return m, created, err
}

// SetStaffDisabled disables (or re-enables) a staff member: a disabled
// member cannot enter staff mode, by PIN or by card. It returns an error
// wrapping data.ErrNotFound for an unknown id.
func (s *Store) SetStaffDisabled(ctx context.Context, id string, disabled bool, nowMS int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET disabled = ?, updated_ms = ? WHERE id = ?`, disabled, nowMS, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("staff member %q: %w", id, data.ErrNotFound)
		}
		return addAudit(ctx, tx, AuditEntry{MS: nowMS, Action: AuditStaffDisabled,
			Details: map[string]any{"staff_id": id, "disabled": disabled}})
	})
}

func lockoutState(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (staff.Attempts, error) {
	var a staff.Attempts
	err := q.QueryRowContext(ctx, `SELECT failures, locked_until_ms FROM staff_lockout WHERE id = 1`).
		Scan(&a.Failures, &a.LockedUntilMS)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil
	}
	return a, err
}

func putLockout(ctx context.Context, tx *sql.Tx, a staff.Attempts) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO staff_lockout(id, failures, locked_until_ms) VALUES(1, ?, ?)
		ON CONFLICT(id) DO UPDATE SET failures = excluded.failures, locked_until_ms = excluded.locked_until_ms`,
		a.Failures, a.LockedUntilMS)
	return err
}

// StaffLockout returns the kiosk-wide PIN lockout state as stored: wrong
// PINs in a row and the end of the current lock (UTC ms, 0 = none). With
// StaffPolicy, staff.Policy.Check and TriesLeft tell the PIN screen whether
// to show the keypad or the time the lock ends.
func (s *Store) StaffLockout(ctx context.Context) (staff.Attempts, error) {
	return lockoutState(ctx, s.r)
}

// ResetStaffLockout clears the lockout (wrong PINs and any lock), as an
// administrator at the command line may.
func (s *Store) ResetStaffLockout(ctx context.Context, nowMS int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := putLockout(ctx, tx, staff.Attempts{}); err != nil {
			return err
		}
		return addAudit(ctx, tx, AuditEntry{MS: nowMS, Action: AuditStaffUnlock})
	})
}

// VerifyPIN checks a PIN typed on the keypad at nowMS (UTC ms) and returns
// the staff member it belongs to. staffID names the member when known (a
// scanned staff card); "" matches the PIN against every enabled member.
//
// The lock is kiosk-wide and stored in the database, so a restart does not
// reset it. Errors:
//   - staff mode is locked: a *staff.LockedError (errors.Is ErrLocked) with
//     the lock's end; the PIN is not checked;
//   - pin is not 4–8 digits: an error wrapping staff.ErrBadPIN, not counted
//     as a try (no stored PIN has that shape);
//   - no enabled staff member (or staffID unknown): staff.ErrNoStaff, or
//     data.ErrNotFound for an unknown staffID;
//   - staffID names a disabled member: staff.ErrDisabled;
//   - a wrong PIN: a *staff.WrongPINError (errors.Is ErrWrongPIN) with the
//     tries left, or, at the StaffPolicy's MaxTries-th wrong PIN in a row, a
//     *staff.LockedError until nowMS + LockFor.
//
// A right PIN resets the count of wrong ones. Each stored hash is checked
// with staff.CheckPIN (argon2id, constant-time comparison); every candidate
// is checked, so the time taken does not depend on which one matches. A
// hash made with weaker parameters than staff.DefaultParams is replaced.
func (s *Store) VerifyPIN(ctx context.Context, staffID, pin string, nowMS int64) (staff.Member, error) {
	p, err := s.StaffPolicy(ctx)
	if err != nil {
		return staff.Member{}, err
	}
	a, err := s.StaffLockout(ctx)
	if err != nil {
		return staff.Member{}, err
	}
	if err := p.Check(a, nowMS); err != nil {
		return staff.Member{}, err
	}
	if err := staff.ValidatePIN(pin); err != nil {
		return staff.Member{}, err
	}
	hashes, err := s.staffHashes(ctx)
	if err != nil {
		return staff.Member{}, err
	}
	var candidates []staffHash
	for _, h := range hashes {
		switch {
		case staffID != "" && h.id != staffID:
		case staffID != "" && h.disabled:
			return staff.Member{}, staff.ErrDisabled
		case !h.disabled:
			candidates = append(candidates, h)
		}
	}
	if len(candidates) == 0 {
		if staffID != "" {
			return staff.Member{}, fmt.Errorf("staff member %q: %w", staffID, data.ErrNotFound)
		}
		return staff.Member{}, staff.ErrNoStaff
	}
	var match *staffHash
	for i, h := range candidates {
		if ok, _ := staff.CheckPIN(pin, h.hash); ok && match == nil {
			match = &candidates[i]
		}
	}
	var rehash string
	if match != nil && staff.NeedsRehash(match.hash, staff.DefaultParams) {
		rehash, _ = staff.HashPIN(pin, staff.DefaultParams, nil)
	}
	var m staff.Member
	var verdict error
	err = s.write(ctx, func(tx *sql.Tx) error {
		a, err := lockoutState(ctx, tx)
		if err != nil {
			return err
		}
		if verdict = p.Check(a, nowMS); verdict != nil {
			return nil // locked meanwhile by another attempt
		}
		if match == nil {
			a, verdict = p.Fail(a, nowMS)
			if err := putLockout(ctx, tx, a); err != nil {
				return err
			}
			if a.LockedUntilMS != 0 {
				return addAudit(ctx, tx, AuditEntry{MS: nowMS, Action: AuditStaffLocked,
					Details: map[string]any{"until_ms": a.LockedUntilMS}})
			}
			return nil
		}
		if err := tx.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff WHERE id = ?`, match.id).Scan(staffDest(&m)...); err != nil {
			return err
		}
		if rehash != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE staff SET pin_hash = ? WHERE id = ?`, rehash, m.ID); err != nil {
				return err
			}
		}
		return putLockout(ctx, tx, p.Succeed(a))
	})
	if err != nil {
		return staff.Member{}, err
	}
	if verdict != nil {
		return staff.Member{}, verdict
	}
	return m, nil
}

// IssueStaffCard gives the staff member a new staff card: a pass number
// under key keyID taken from the same sequence as visitors' passes (and
// reserved in passes with no visitor, so IssuePass never reuses it),
// mapped to the member. The member's earlier cards are revoked, in
// staff_cards and as passes. It returns the card's reference; the caller
// signs it (checkin.Service.StaffCardCode). An unknown staffID gives an
// error wrapping data.ErrNotFound.
func (s *Store) IssueStaffCard(ctx context.Context, staffID string, keyID uint32, nowMS int64) (data.PassRef, error) {
	ref := data.PassRef{KeyID: keyID}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM staff WHERE id = ?`, staffID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("staff member %q: %w", staffID, data.ErrNotFound)
		}
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(no), 0) + 1 FROM passes WHERE key_id = ?`, keyID).Scan(&ref.No); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE passes SET revoked_ms = ?1 WHERE revoked_ms = 0 AND (key_id, no) IN
			(SELECT key_id, no FROM staff_cards WHERE staff_id = ?2 AND revoked_ms = 0)`, nowMS, staffID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE staff_cards SET revoked_ms = ? WHERE staff_id = ? AND revoked_ms = 0`, nowMS, staffID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO passes(key_id, no, visitor_id, issued_ms) VALUES(?, ?, NULL, ?)`,
			ref.KeyID, ref.No, nowMS); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO staff_cards(key_id, no, staff_id, issued_ms) VALUES(?, ?, ?, ?)`,
			ref.KeyID, ref.No, staffID, nowMS)
		return err
	})
	return ref, err
}

// StaffCard returns the staff member's current (unrevoked) card and its issue
// time (UTC ms); found is false when the member has none.
func (s *Store) StaffCard(ctx context.Context, staffID string) (ref data.PassRef, issuedMS int64, found bool, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT key_id, no, issued_ms FROM staff_cards
		WHERE staff_id = ? AND revoked_ms = 0 ORDER BY issued_ms DESC, no DESC LIMIT 1`, staffID).
		Scan(&ref.KeyID, &ref.No, &issuedMS)
	if errors.Is(err, sql.ErrNoRows) {
		return ref, 0, false, nil
	}
	return ref, issuedMS, err == nil, err
}

// StaffByPass returns the staff member holding the staff card ref; found is
// false when ref is no current staff card (a visitor's pass, an unknown pass,
// or a revoked card). A disabled member is returned with Disabled set;
// VerifyPIN refuses them.
func (s *Store) StaffByPass(ctx context.Context, ref data.PassRef) (m staff.Member, found bool, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT `+prefixed("s.", staffCols)+` FROM staff_cards c JOIN staff s ON s.id = c.staff_id
		WHERE c.key_id = ? AND c.no = ? AND c.revoked_ms = 0`, ref.KeyID, ref.No).Scan(staffDest(&m)...)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	return m, err == nil, err
}
