package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/data"
)

// Audit actions.
const (
	AuditSetPIN        = "staff.set_pin"  // a staff PIN set or changed
	AuditStaffDisabled = "staff.disabled" // a staff member disabled or re-enabled
	AuditStaffLocked   = "staff.locked"   // staff mode locked after wrong PINs
	AuditStaffUnlock   = "staff.unlock"   // the lock cleared by an administrator
	AuditStaffCard     = "staff.card"     // a staff card issued
	AuditVisitorDelete = "visitor.delete" // a visitor deleted on request
	AuditPassRevoke    = "pass.revoke"    // a visitor's passes revoked (lost card)
	AuditPassReissue   = "pass.reissue"   // a visitor's pass re-issued
	AuditRetention     = "retention"      // old check-ins anonymised
)

// AuditEntry is one row of the audit log: when (UTC ms), which staff member
// ("" for the kiosk itself, e.g. the daily retention run), what, and details
// as a JSON object. Details hold ids and counts only, never a phone number or
// a name; numbers read back as float64.
type AuditEntry struct {
	ID      int64
	MS      int64
	Staff   string
	Action  string
	Details map[string]any
}

func addAudit(ctx context.Context, tx *sql.Tx, e AuditEntry) error {
	details := []byte("{}")
	if len(e.Details) > 0 {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return fmt.Errorf("audit details: %w", err)
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit(ms, staff, action, details) VALUES(?, ?, ?, ?)`,
		e.MS, e.Staff, e.Action, string(details))
	return err
}

// AddAudit appends one entry to the audit log (its ID is assigned).
func (s *Store) AddAudit(ctx context.Context, e AuditEntry) error {
	return s.write(ctx, func(tx *sql.Tx) error { return addAudit(ctx, tx, e) })
}

// AuditLog returns up to limit audit entries (all when limit ≤ 0), newest
// first.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, ms, staff, action, details FROM audit ORDER BY ms DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var details string
		if err := rows.Scan(&e.ID, &e.MS, &e.Staff, &e.Action, &details); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
			return nil, fmt.Errorf("audit entry %d: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// VisitorMatch is a visitor found by staff, for a list on the screen: the
// phone only masked (data.MaskPhone), the newest unrevoked pass (zero when
// none) and the latest accepted record: its wall time (UTC ms, 0 = never),
// direction and method ("" when never).
type VisitorMatch struct {
	ID          string
	MaskedPhone string
	Name        string
	CommunityID string
	CreatedMS   int64
	Pass        data.PassRef
	LastSeenMS  int64
	LastDir     data.Direction
	LastMethod  data.Method // data.MethodAuto for a check-out closed at the session's end
}

// ErrBadQuery is returned (wrapped) by FindVisitors for a query that is
// neither a mainland mobile number nor 4 digits.
var ErrBadQuery = errors.New("give a full mobile number or its last 4 digits")

// FindVisitors finds visitors for staff: query is a mainland mobile number
// in any common form (exact match on the normalised 11 digits,
// data.NormalisePhone) or the last 4 digits of one (every visitor whose
// phone ends so). Deleted visitors are never found. At most limit matches
// (default 20 when ≤ 0) are returned, most recently seen first. Both lookups
// use an index (the phone's unique index, visitors_last4).
func (s *Store) FindVisitors(ctx context.Context, query string, limit int) ([]VisitorMatch, error) {
	if limit <= 0 {
		limit = 20
	}
	q := strings.TrimSpace(query)
	var cond string
	var arg any
	if p, ok := data.NormalisePhone(q); ok {
		cond, arg = `v.phone = ?`, p
	} else if len(q) == 4 && strings.Trim(q, "0123456789") == "" {
		cond, arg = `substr(v.phone, 8) = ? AND v.phone IS NOT NULL`, q
	} else {
		return nil, fmt.Errorf("%w: %q", ErrBadQuery, query)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT v.id, v.phone, v.name, v.community_id, v.created_ms,
		coalesce(c.wall_ms, 0) AS seen, coalesce(c.direction, ''), coalesce(c.method, '')
		FROM visitors v LEFT JOIN checkins c ON c.rowid = (SELECT l.rowid FROM checkins l INDEXED BY checkins_visitor
			WHERE l.visitor_id = v.id AND l.visitor_id <> '' AND l.outcome = 'accepted'
			ORDER BY l.wall_ms DESC LIMIT 1)
		WHERE `+cond+` AND v.deleted_ms = 0 ORDER BY seen DESC, v.created_ms DESC LIMIT ?`, arg, limit)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(m *VisitorMatch) []any {
		return []any{&m.ID, &m.MaskedPhone, &m.Name, &m.CommunityID, &m.CreatedMS, &m.LastSeenMS, &m.LastDir, &m.LastMethod}
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].MaskedPhone = data.MaskPhone(out[i].MaskedPhone)
		ref, _, found, err := s.ActivePass(ctx, out[i].ID)
		if err != nil {
			return nil, err
		}
		if found {
			out[i].Pass = ref
		}
	}
	return out, nil
}

// VisitorDeleted reports whether the visitor was deleted (on request or by
// retention); an unknown id gives an error wrapping data.ErrNotFound.
func (s *Store) VisitorDeleted(ctx context.Context, id string) (bool, error) {
	var ms int64
	err := s.r.QueryRowContext(ctx, `SELECT deleted_ms FROM visitors WHERE id = ?`, id).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("visitor %q: %w", id, data.ErrNotFound)
	}
	return ms != 0, err
}

// RevokeVisitorPasses revokes every unrevoked pass of the visitor at nowMS
// (a lost card; the revocations go up to the hub with the next sync) and
// logs it as staffName's action. It returns how many passes were revoked.
func (s *Store) RevokeVisitorPasses(ctx context.Context, visitorID, staffName string, nowMS int64) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if n, err = revokePasses(ctx, tx, visitorID, nowMS); err != nil {
			return err
		}
		return addAudit(ctx, tx, AuditEntry{MS: nowMS, Staff: staffName, Action: AuditPassRevoke,
			Details: map[string]any{"visitor_id": visitorID, "passes": n}})
	})
	return int(n), err
}

// ReissuePass replaces a lost card: it revokes the visitor's passes at nowMS,
// records a new one under key keyID (as IssuePass) and logs it in the audit
// log as staffName's action (AuditPassReissue), all or nothing. It returns
// the new pass's reference.
func (s *Store) ReissuePass(ctx context.Context, visitorID string, keyID uint32, staffName string, nowMS int64) (data.PassRef, error) {
	var ref data.PassRef
	err := s.write(ctx, func(tx *sql.Tx) error {
		revoked, err := revokePasses(ctx, tx, visitorID, nowMS)
		if err != nil {
			return err
		}
		if ref, err = insertPass(ctx, tx, visitorID, keyID, nowMS); err != nil {
			return err
		}
		return addAudit(ctx, tx, AuditEntry{MS: nowMS, Staff: staffName, Action: AuditPassReissue,
			Details: map[string]any{"visitor_id": visitorID, "revoked": revoked, "key_id": ref.KeyID, "no": ref.No}})
	})
	return ref, err
}

// revokePasses revokes every unrevoked pass of the visitor at nowMS and
// returns how many it revoked.
func revokePasses(ctx context.Context, tx *sql.Tx, visitorID string, nowMS int64) (int64, error) {
	res, err := tx.ExecContext(ctx, `UPDATE passes SET revoked_ms = ? WHERE visitor_id = ? AND revoked_ms = 0`, nowMS, visitorID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// DeleteResult says what deleting a visitor did: their attendance records
// kept (anonymised by the visitor row losing its phone and name) and the
// passes revoked.
type DeleteResult struct {
	RecordsKept   int
	PassesRevoked int
}

// DeleteVisitor deletes a visitor on their request (the right to deletion of
// the Personal Information Protection Law, Art. 47): in one transaction the
// visitor row loses its phone (NULL) and name (emptied) and gets deleted_ms =
// nowMS; its id and community stay so that past attendance keeps counting
// in totals and per-community reports; the visitor's passes are revoked so
// the card stops working; and the action is logged as staffName's with the
// counts (no personal data). An unknown or already deleted visitor gives an
// error wrapping data.ErrNotFound. The same phone may register again later as
// a new visitor.
func (s *Store) DeleteVisitor(ctx context.Context, visitorID, staffName string, nowMS int64) (DeleteResult, error) {
	var r DeleteResult
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE visitors SET phone = NULL, name = '', deleted_ms = ?
			WHERE id = ? AND deleted_ms = 0`, nowMS, visitorID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("visitor %q (unknown or already deleted): %w", visitorID, data.ErrNotFound)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM checkins WHERE visitor_id = ? AND visitor_id <> ''`, visitorID).Scan(&r.RecordsKept); err != nil {
			return err
		}
		n, err := revokePasses(ctx, tx, visitorID, nowMS)
		if err != nil {
			return err
		}
		r.PassesRevoked = int(n)
		return addAudit(ctx, tx, AuditEntry{MS: nowMS, Staff: staffName, Action: AuditVisitorDelete,
			Details: map[string]any{"visitor_id": visitorID, "records_kept": r.RecordsKept, "passes_revoked": r.PassesRevoked}})
	})
	return r, err
}

// SettingRetentionYears is the setting key of the retention period in
// years; DefaultRetentionYears applies when it is unset.
const SettingRetentionYears = "privacy.retention_years"

// DefaultRetentionYears is the retention period of identifiable attendance
// when none is configured.
const DefaultRetentionYears = 3

// RetentionYears returns the retention setting in years (default
// DefaultRetentionYears); a value that is not a whole number ≥ 1 is an error.
func (s *Store) RetentionYears(ctx context.Context) (int, error) {
	v, err := s.Setting(ctx, SettingRetentionYears, strconv.Itoa(DefaultRetentionYears))
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("setting %s = %q: want a whole number of years ≥ 1", SettingRetentionYears, v)
	}
	return n, nil
}

// RetentionCutoff returns the instant (UTC ms) years calendar years before
// nowMS, on the UTC calendar.
func RetentionCutoff(nowMS int64, years int) int64 {
	return time.UnixMilli(nowMS).UTC().AddDate(-years, 0, 0).UnixMilli()
}

// RetentionResult is what a retention run did (or, for PreviewRetention,
// would do): the cutoff (UTC ms), the check-in records anonymised and the
// visitors whose phone and name were removed.
type RetentionResult struct {
	Years    int
	CutoffMS int64
	Records  int
	Visitors int
}

// retentionBatch bounds the records anonymised per transaction, so that
// check-ins are never held up long by a retention run.
const retentionBatch = 5000

// Which records retention anonymises: those of sessions that started before
// the cutoff (all of a session's records together), and records with no
// session (session_start_ms 0: refused scans with no event) made before it.
const retentionDue = `anonymised_ms = 0 AND ((session_start_ms > 0 AND session_start_ms < ?1)
	OR (session_start_ms = 0 AND wall_ms < ?1))`

// retentionVisitors selects the visitors retention clears: registered
// before the cutoff (?1), not yet deleted, and with no record linked to them
// other than those matching also (records about to be anonymised, for a
// preview; "0" when they are anonymised already).
func retentionVisitors(also string) string {
	return `deleted_ms = 0 AND created_ms < ?1 AND NOT EXISTS (SELECT 1 FROM checkins c
		WHERE c.visitor_id = visitors.id AND c.visitor_id <> '' AND NOT (` + also + `))`
}

func checkYears(years int) error {
	if years < 1 {
		return fmt.Errorf("retention of %d years: want at least 1", years)
	}
	return nil
}

// PreviewRetention counts what ApplyRetention(ctx, nowMS, years) would do,
// changing nothing.
func (s *Store) PreviewRetention(ctx context.Context, nowMS int64, years int) (RetentionResult, error) {
	r := RetentionResult{Years: years, CutoffMS: RetentionCutoff(nowMS, years)}
	if err := checkYears(years); err != nil {
		return r, err
	}
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM checkins WHERE `+retentionDue, r.CutoffMS).Scan(&r.Records); err != nil {
		return r, err
	}
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM visitors WHERE `+retentionVisitors(retentionDue),
		r.CutoffMS).Scan(&r.Visitors)
	return r, err
}

// ApplyRetention anonymises attendance older than the retention period:
// years (≥ 1) calendar years before nowMS (RetentionCutoff).
//
//   - Records of sessions that started before the cutoff, and records with
//     no session made before it, lose their visitor and pass (visitor id emptied,
//     pass 0/0) and get anonymised_ms = nowMS. Event, session, times,
//     direction, method, outcome, reason, device and staff stay, so counts
//     and per-session hours stay right. Each person's records of one session
//     share a new subject "anon:<id of the first record>", so a check-in
//     still pairs with its check-out but no two visits can be linked.
//   - Visitors registered before the cutoff who have no record linked to
//     them any more lose phone (NULL), name and community, and get
//     deleted_ms. Their passes are not revoked: a pass is valid across the
//     district and may be in use at other kiosks.
//
// Work is done in transactions of at most a few thousand records, so a first
// run on a large store never blocks check-ins for long; a run cut short by ctx
// or a crash leaves every record either anonymised or not, and the next run
// finishes. One audit row (action "retention", no staff) records the years,
// cutoff and counts. The kiosk runs it daily with RetentionYears.
func (s *Store) ApplyRetention(ctx context.Context, nowMS int64, years int) (RetentionResult, error) {
	r := RetentionResult{Years: years, CutoffMS: RetentionCutoff(nowMS, years)}
	if err := checkYears(years); err != nil {
		return r, err
	}
	cut := r.CutoffMS
	for done := false; !done; {
		err := s.write(ctx, func(tx *sql.Tx) error {
			// The session start of the batch's last record bounds the batch,
			// so that whole sessions are anonymised together.
			var ub int64
			err := tx.QueryRowContext(ctx, `SELECT session_start_ms FROM checkins
				WHERE anonymised_ms = 0 AND session_start_ms > 0 AND session_start_ms < ?
				ORDER BY session_start_ms LIMIT 1 OFFSET ?`, cut, retentionBatch-1).Scan(&ub)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				ub, done = cut-1, true
			case err != nil:
				return err
			}
			res, err := tx.ExecContext(ctx, `UPDATE checkins SET subject = 'anon:' || g.token, visitor_id = '',
					pass_key_id = 0, pass_no = 0, anonymised_ms = ?1
				FROM (SELECT rowid AS rid,
						min(id) OVER (PARTITION BY subject, event_id, session_start_ms) AS token
					FROM checkins WHERE anonymised_ms = 0 AND session_start_ms > 0 AND session_start_ms <= ?2) AS g
				WHERE checkins.rowid = g.rid`,
				nowMS, ub)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			r.Records += int(n)
			return nil
		})
		if err != nil {
			return r, err
		}
	}
	for done := false; !done; {
		err := s.write(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE checkins SET subject = 'anon:' || id, visitor_id = '',
					pass_key_id = 0, pass_no = 0, anonymised_ms = ?1
				WHERE rowid IN (SELECT rowid FROM checkins
					WHERE anonymised_ms = 0 AND session_start_ms = 0 AND wall_ms < ?2 LIMIT ?3)`,
				nowMS, cut, retentionBatch)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			r.Records += int(n)
			done = n < retentionBatch
			return nil
		})
		if err != nil {
			return r, err
		}
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE visitors SET phone = NULL, name = '', community_id = '', deleted_ms = ?2
			WHERE `+retentionVisitors("0"), cut, nowMS)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		r.Visitors = int(n)
		return addAudit(ctx, tx, AuditEntry{MS: nowMS, Action: AuditRetention, Details: map[string]any{
			"years": years, "cutoff_ms": cut, "records": r.Records, "visitors": r.Visitors}})
	})
	return r, err
}

// prefixed returns a comma-separated column list with each column prefixed,
// e.g. prefixed("s.", "id, name") = "s.id, s.name".
func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
