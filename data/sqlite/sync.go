package sqlite

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/civickiosk/kiosk/data"
)

// Setting keys of the kiosk's link to the district hub.
const (
	SettingHubURL     = "sync.hub_url"   // base URL of the hub, e.g. https://hub.example:8443
	SettingHubToken   = "sync.token"     // this kiosk's device token (secret)
	SettingSyncCursor = "sync.cursor"    // last applied change-feed cursor, issued by the hub
	SettingLastSync   = "sync.last_ms"   // kiosk clock at the last complete round, UTC ms
	SettingHubSite    = "sync.site"      // the site the hub enrolled this kiosk for
	SettingHubPending = "sync.enrolling" // JSON of an enrolment sent but not yet answered
)

// Enrolment is this kiosk's link to a hub.
type Enrolment struct {
	HubURL string
	Token  string
	SiteID string
}

// HubEnrolment returns the kiosk's enrolment; ok is false when it has none.
func (s *Store) HubEnrolment(ctx context.Context) (e Enrolment, ok bool, err error) {
	for key, dst := range map[string]*string{SettingHubURL: &e.HubURL, SettingHubToken: &e.Token, SettingHubSite: &e.SiteID} {
		if *dst, err = s.Setting(ctx, key, ""); err != nil {
			return e, false, err
		}
	}
	return e, e.HubURL != "" && e.Token != "", nil
}

// SetHubEnrolment stores an accepted enrolment in one transaction: the hub,
// the token, the site (also as the kiosk's site setting), and a change-feed
// cursor of 0 when the hub is a different one.
func (s *Store) SetHubEnrolment(ctx context.Context, e Enrolment) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, SettingHubURL).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		set := [][2]string{{SettingHubURL, e.HubURL}, {SettingHubToken, e.Token}, {SettingHubSite, e.SiteID},
			{SettingSite, e.SiteID}, {SettingHubPending, ""}}
		if old != e.HubURL {
			set = append(set, [2]string{SettingSyncCursor, "0"})
		}
		for _, kv := range set {
			if err := putSetting(ctx, tx, kv[0], kv[1]); err != nil {
				return err
			}
		}
		return nil
	})
}

// SyncCursor returns the last applied change-feed cursor (0 = none).
func (s *Store) SyncCursor(ctx context.Context) (int64, error) {
	v, err := s.Setting(ctx, SettingSyncCursor, "0")
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// Outbox returns up to limit records not yet acknowledged by the hub, oldest
// stored first.
func (s *Store) Outbox(ctx context.Context, limit int) ([]data.CheckIn, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+checkinCols+` FROM checkins WHERE upload_status = ''
		ORDER BY rowid LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, checkinDest)
}

// OutboxCount returns how many records wait to go up.
func (s *Store) OutboxCount(ctx context.Context) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM checkins WHERE upload_status = ''`).Scan(&n)
	return n, err
}

// UploadResult is the hub's answer for one record: Status is "stored",
// "already_stored" or "rejected", Reason the hub's reason for a rejection.
type UploadResult struct {
	ID     string
	Status string
	Reason string
}

// MarkUploaded records the hub's answers in one transaction, taking the
// records out of the outbox: one UPDATE per distinct status and reason (a
// batch's answers are nearly all "stored"), its ids given as a JSON array.
// nowMS is the kiosk's clock (UTC ms). Answers for records no longer in the
// outbox change nothing; of several answers for one id the first counts.
func (s *Store) MarkUploaded(ctx context.Context, rs []UploadResult, nowMS int64) error {
	type answer struct{ status, reason string }
	var order []answer
	ids := map[answer][]string{}
	seen := map[string]bool{}
	for _, r := range rs {
		if r.Status == "" || seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		a := answer{r.Status, r.Reason}
		if ids[a] == nil {
			order = append(order, a)
		}
		ids[a] = append(ids[a], r.ID)
	}
	if len(order) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		for _, a := range order {
			b, err := json.Marshal(ids[a])
			if err != nil {
				return err
			}
			// The unary + keeps SQLite from walking the outbox index to
			// find the ids: it seeks each id by its key.
			if _, err := tx.ExecContext(ctx, `UPDATE checkins SET upload_status = ?, upload_reason = ?, uploaded_ms = ?
				WHERE id IN (SELECT value FROM json_each(?)) AND +upload_status = ''`, a.status, a.reason, nowMS,
				string(b)); err != nil {
				return err
			}
		}
		return nil
	})
}

// RejectedCheckIn is a record the hub refused, kept on the kiosk.
type RejectedCheckIn struct {
	data.CheckIn
	Reason     string // the hub's reason
	AnsweredMS int64  // kiosk clock at the hub's answer
}

// RejectedCheckIns returns the records the hub rejected, oldest first.
func (s *Store) RejectedCheckIns(ctx context.Context) ([]RejectedCheckIn, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+checkinCols+`, upload_reason, uploaded_ms FROM checkins
		WHERE upload_status = 'rejected' ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *RejectedCheckIn) []any {
		return append(checkinDest(&r.CheckIn), &r.Reason, &r.AnsweredMS)
	})
}

// RevokedPass is a pass revocation: the pass and when it was revoked (UTC ms).
type RevokedPass struct {
	Pass      data.PassRef
	RevokedMS int64
}

// PendingRevocations returns up to limit revoked passes not yet sent to the hub.
func (s *Store) PendingRevocations(ctx context.Context, limit int) ([]RevokedPass, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT key_id, no, revoked_ms FROM passes
		WHERE revoked_ms <> 0 AND revocation_sent = 0 ORDER BY key_id, no LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *RevokedPass) []any { return []any{&r.Pass.KeyID, &r.Pass.No, &r.RevokedMS} })
}

// MarkRevocationsSent marks revocations as received by the hub.
func (s *Store) MarkRevocationsSent(ctx context.Context, refs []data.PassRef) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		for _, r := range refs {
			if _, err := tx.ExecContext(ctx, `UPDATE passes SET revocation_sent = 1 WHERE key_id = ? AND no = ?`,
				r.KeyID, r.No); err != nil {
				return err
			}
		}
		return nil
	})
}

// PublicKeyEntry is another kiosk's pass-signing key from the hub.
type PublicKeyEntry struct {
	KeyID     uint32
	PublicKey ed25519.PublicKey
	SiteID    string
}

// Change is one decoded entry of the hub's change feed. Kind is one of
// "site", "event", "honour", "team", "centre", "revocation", "key",
// "checkin" (a record made at the hub: a phone check-in); ID is the
// item's id ("KEYID:NO" for a revocation, the key id in decimal for a key).
// For an upsert the field of its kind is set; Deleted marks a tombstone.
type Change struct {
	Kind       string
	ID         string
	Deleted    bool
	Site       *data.Site
	Event      *data.Event
	Honour     *data.HonourEntry
	Team       *data.Team
	Centre     *data.Centre
	Zone       string // with Centre: the centre's zone; "" keeps the kiosk's
	Revocation *RevokedPass
	Key        *PublicKeyEntry
	CheckIn    *data.CheckIn // stored as it is, never sent back up (UploadFromHub)
}

// ApplyChanges applies one page of the change feed and stores its cursor, in
// one transaction: either the whole page and the cursor are applied or
// nothing is. Foreign keys are checked at commit, so a page may list items in
// any order. A deleted site is kept while anything here still refers to it;
// this kiosk's own signing key is never replaced or deleted; an event or
// honour-wall entry edited here and still in the content outbox keeps the
// kiosk's version (the edit reaches the hub later, so it wins there).
func (s *Store) ApplyChanges(ctx context.Context, cs []Change, cursor int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
			return err
		}
		for _, c := range cs {
			if err := applyChange(ctx, tx, c); err != nil {
				return fmt.Errorf("change %s %s: %w", c.Kind, c.ID, err)
			}
		}
		return putSetting(ctx, tx, SettingSyncCursor, strconv.FormatInt(cursor, 10))
	})
}

func applyChange(ctx context.Context, tx *sql.Tx, c Change) error {
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	if c.Kind == editEvent || c.Kind == editHonour {
		if pending, err := pendingEdit(ctx, tx, c.Kind, c.ID); err != nil || pending {
			return err
		}
	}
	if c.Deleted {
		switch c.Kind {
		case "site":
			return exec(`DELETE FROM sites WHERE id = ?1
				AND NOT EXISTS (SELECT 1 FROM sites WHERE parent_id = ?1)
				AND NOT EXISTS (SELECT 1 FROM events WHERE site_id = ?1)
				AND NOT EXISTS (SELECT 1 FROM honour WHERE site_id = ?1)
				AND NOT EXISTS (SELECT 1 FROM teams WHERE site_id = ?1)`, c.ID)
		case "event":
			return exec(`DELETE FROM events WHERE id = ?`, c.ID)
		case "honour":
			return exec(`DELETE FROM honour WHERE id = ?`, c.ID)
		case "team":
			return exec(`DELETE FROM teams WHERE id = ?`, c.ID)
		case "revocation":
			k, n, ok := strings.Cut(c.ID, ":")
			key, err1 := strconv.ParseUint(k, 10, 32)
			no, err2 := strconv.ParseUint(n, 10, 32)
			if !ok || err1 != nil || err2 != nil {
				return errors.New("malformed revocation id")
			}
			return exec(`UPDATE passes SET revoked_ms = 0, revocation_sent = 1 WHERE key_id = ? AND no = ?`, key, no)
		case "key":
			return exec(`DELETE FROM keys WHERE key_id = ? AND private IS NULL`, c.ID)
		}
		return nil // centre, or a kind this version does not know
	}
	switch {
	case c.Site != nil:
		st := c.Site
		return exec(`INSERT INTO sites(id, parent_id, level, name, address) VALUES(?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET parent_id=excluded.parent_id, level=excluded.level,
			name=excluded.name, address=excluded.address`,
			st.ID, nullable(st.ParentID), int(st.Level), st.Name, st.Address)
	case c.Event != nil:
		return putEvent(ctx, tx, *c.Event)
	case c.Honour != nil:
		h := c.Honour
		return exec(`INSERT INTO honour(id, site_id, name, title, story, community, photo, hidden, sort)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET site_id=excluded.site_id, name=excluded.name, title=excluded.title,
			story=excluded.story, community=excluded.community, photo=excluded.photo,
			hidden=excluded.hidden, sort=excluded.sort`,
			h.ID, h.SiteID, h.Name, h.Title, h.Story, h.Community, h.Photo, h.Hidden, h.Sort)
	case c.Team != nil:
		t := c.Team
		return exec(`INSERT INTO teams(id, site_id, name, kind, community, description, members)
			VALUES(?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET site_id=excluded.site_id, name=excluded.name, kind=excluded.kind,
			community=excluded.community, description=excluded.description, members=excluded.members`,
			t.ID, t.SiteID, t.Name, t.Kind, t.Community, t.Description, t.Members)
	case c.Centre != nil:
		if c.Centre.Name != "" {
			b, err := json.Marshal(c.Centre)
			if err != nil {
				return err
			}
			if err := putSetting(ctx, tx, SettingCentre, string(b)); err != nil {
				return err
			}
		}
		if c.Zone != "" {
			return putSetting(ctx, tx, SettingZone, c.Zone)
		}
		return nil
	case c.Revocation != nil:
		r := c.Revocation
		return exec(`INSERT INTO passes(key_id, no, issued_ms, revoked_ms, revocation_sent) VALUES(?, ?, 0, ?, 1)
			ON CONFLICT(key_id, no) DO UPDATE SET revocation_sent = 1,
			revoked_ms = CASE WHEN revoked_ms = 0 THEN excluded.revoked_ms ELSE revoked_ms END`,
			r.Pass.KeyID, r.Pass.No, r.RevokedMS)
	case c.Key != nil:
		k := c.Key
		return exec(`INSERT INTO keys(key_id, public, site_id, created_ms) VALUES(?, ?, ?, 0)
			ON CONFLICT(key_id) DO UPDATE SET public = excluded.public, site_id = excluded.site_id
			WHERE private IS NULL`, k.KeyID, []byte(k.PublicKey), k.SiteID)
	case c.CheckIn != nil:
		return applyHubCheckIn(ctx, tx, *c.CheckIn)
	}
	return nil
}
