package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/token"
)

// SettingHubPublicURL is the hub's base URL as visitors' phones reach it,
// learnt at enrolment; the event sign-in codes point there. "" means the
// hub URL the kiosk syncs with (SettingHubURL).
const SettingHubPublicURL = "sync.public_url"

// UploadFromHub is the upload_status of a record made at the hub (a phone
// check-in) that came down on the change feed: it is never sent back up.
const UploadFromHub = "from_hub"

// ErrNoHub is returned by EventCode when the kiosk is not enrolled at a hub
// or has no signing key yet: it cannot show an event sign-in code.
var ErrNoHub = errors.New("no hub enrolment or signing key: no event sign-in code")

// EventCode is an event sign-in code as a kiosk shows it.
type EventCode struct {
	Token          string // the token's text form
	URL            string // what the QR code holds: the hub's sign-in page for the token
	EventID        string
	SessionStartMS int64
	Slot           uint32
	IssuedMS       int64 // kiosk clock, UTC ms
}

// SetHubPublicURL stores the hub's public URL ("" = the sync URL).
func (s *Store) SetHubPublicURL(ctx context.Context, url string) error {
	return s.SetSetting(ctx, SettingHubPublicURL, url)
}

// EventCode returns the sign-in code of the session of eventID starting at
// sessionStartMS for the time slot of now, signed with this kiosk's key, and
// records it (once per token) for audit and upload. It returns ErrNoHub when
// the kiosk has no hub enrolment or no key.
func (s *Store) EventCode(ctx context.Context, eventID string, sessionStartMS int64, now time.Time) (EventCode, error) {
	e, ok, err := s.HubEnrolment(ctx)
	if err != nil {
		return EventCode{}, err
	}
	id, priv, found, err := s.OwnKey(ctx)
	if err != nil {
		return EventCode{}, err
	}
	if !ok || !found {
		return EventCode{}, ErrNoHub
	}
	base, err := s.Setting(ctx, SettingHubPublicURL, "")
	if err != nil {
		return EventCode{}, err
	}
	if base == "" {
		base = e.HubURL
	}
	p := token.For(id, eventID, sessionStartMS, now)
	text, err := token.Sign(pass.Key{ID: id, Private: priv}, p)
	if err != nil {
		return EventCode{}, err
	}
	c := EventCode{Token: text, URL: token.URL(base, text), EventID: eventID, SessionStartMS: sessionStartMS,
		Slot: p.Slot, IssuedMS: now.UnixMilli()}
	err = s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO event_codes(token, event_id, session_start_ms, slot, issued_ms)
			VALUES(?, ?, ?, ?, ?) ON CONFLICT(token) DO NOTHING`, c.Token, c.EventID, c.SessionStartMS, c.Slot, c.IssuedMS)
		return err
	})
	return c, err
}

// EventCodeOutbox returns up to limit issued codes not yet sent to the hub,
// oldest first.
func (s *Store) EventCodeOutbox(ctx context.Context, limit int) ([]EventCode, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT token, event_id, session_start_ms, slot, issued_ms FROM event_codes
		WHERE sent = 0 ORDER BY issued_ms, token LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(c *EventCode) []any {
		return []any{&c.Token, &c.EventID, &c.SessionStartMS, &c.Slot, &c.IssuedMS}
	})
}

// EventCodes returns every issued code, oldest first.
func (s *Store) EventCodes(ctx context.Context) ([]EventCode, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT token, event_id, session_start_ms, slot, issued_ms FROM event_codes
		ORDER BY issued_ms, token`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(c *EventCode) []any {
		return []any{&c.Token, &c.EventID, &c.SessionStartMS, &c.Slot, &c.IssuedMS}
	})
}

// MarkEventCodesSent marks codes as received by the hub.
func (s *Store) MarkEventCodesSent(ctx context.Context, tokens []string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		for _, t := range tokens {
			if _, err := tx.ExecContext(ctx, `UPDATE event_codes SET sent = 1 WHERE token = ?`, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// applyHubCheckIn stores a record made at the hub as it is, out of the
// outbox; a record already here is left as it is.
func applyHubCheckIn(ctx context.Context, tx *sql.Tx, c data.CheckIn) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO checkins(subject, `+checkinCols+`, upload_status)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
		Subject(c.VisitorID, c.Pass), c.ID, c.VisitorID, c.Pass.KeyID, c.Pass.No, c.EventID, c.SessionStartMS,
		c.Direction, c.Method, c.DeviceID, c.WallMS, c.RunID, c.RunMS, c.Verified, c.Outcome, c.Reason,
		c.Staff, c.Backfilled, UploadFromHub)
	return err
}
