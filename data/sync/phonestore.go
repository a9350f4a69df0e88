package sync

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/civickiosk/kiosk/data"
	"github.com/google/uuid"
)

// hubSchemaPhone adds phone check-in to a hub database of schema 1: the
// hub's secrets (its pass-signing key, the key of its forms, the key that
// hashes phone numbers), the visitors who signed in by phone, the phones
// that remember them, and the event sign-in tokens kiosks issued (audit).
const hubSchemaPhone = `
CREATE TABLE hub_secrets (
	name       TEXT PRIMARY KEY,
	value      BLOB NOT NULL,
	created_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE phone_visitors (
	id          TEXT PRIMARY KEY,
	phone_hash  BLOB NOT NULL UNIQUE,     -- HMAC-SHA256 of the 11 digits under the hub's phone secret
	name        TEXT NOT NULL DEFAULT '',
	pass_key_id INTEGER NOT NULL,         -- the hub's pass key; the visitor's pass is (pass_key_id, pass_no)
	pass_no     INTEGER NOT NULL,
	created_ms  INTEGER NOT NULL,
	UNIQUE (pass_key_id, pass_no)
) STRICT;

CREATE TABLE phone_sessions (
	token_hash BLOB PRIMARY KEY,          -- SHA-256 of the visitor cookie
	visitor_id TEXT NOT NULL REFERENCES phone_visitors(id),
	created_ms INTEGER NOT NULL,
	last_ms    INTEGER NOT NULL
) STRICT;

CREATE TABLE event_codes (
	token            TEXT PRIMARY KEY,    -- the token's text form
	device_id        TEXT NOT NULL,
	event_id         TEXT NOT NULL,
	session_start_ms INTEGER NOT NULL,
	slot             INTEGER NOT NULL,
	issued_ms        INTEGER NOT NULL,    -- kiosk clock
	received_ms      INTEGER NOT NULL     -- hub clock
) STRICT;
CREATE INDEX devices_key ON devices(key_id);
`

// KindCheckIn is the change-feed kind of a check-in record made at the hub
// (a phone check-in): Data is its Record, id the record id. The hub sends
// each one only to the kiosk whose event code was scanned (Record.DeviceID);
// the kiosk stores it as it is and never sends it back up.
const KindCheckIn = "checkin"

// RunHub is the Record.RunID of records made at the hub.
const RunHub = "hub"

// EventCode is an event sign-in token a kiosk showed, sent up for audit.
type EventCode struct {
	Token          string `json:"token"` // the token's text form (package token)
	EventID        string `json:"event_id"`
	SessionStartMS int64  `json:"session_start_ms"`
	Slot           uint32 `json:"slot"`
	IssuedMS       int64  `json:"issued_ms"` // kiosk wall clock
}

// PhoneVisitor is a visitor who signed in at the hub with a phone number.
// The hub keeps an HMAC of the number, not the number; the visitor's pass is
// signed with the hub's key and is known to kiosks by its PassRef only.
type PhoneVisitor struct {
	ID        string
	Name      string
	Pass      data.PassRef
	CreatedMS int64
}

// PhoneSignIn links a phone's cookie to the visitor with a phone number,
// creating the visitor (and their pass number under PassKeyID) when the
// number is new.
type PhoneSignIn struct {
	SessionHash []byte // SHA-256 of the cookie
	PhoneHash   []byte // HMAC of the phone number
	Name        string // "" keeps a known visitor's name
	PassKeyID   uint32
	NowMS       int64
}

// The hub's secrets (Store.Secret names).
const (
	SecretPassKey = "pass_key"   // the hub's pass-signing key: 4-byte key id then 32-byte Ed25519 seed
	SecretForm    = "form_key"   // HMAC key of the phone pages' form tickets
	SecretPhone   = "phone_key"  // HMAC key under which phone numbers are kept
	lockPhoneNos  = "phone-nos"  // Tx.Lock key while a hub pass number is issued
	lockSecrets   = "secrets"    // Tx.Lock key while a secret is made
	lockSubject   = "subject:%s" // Tx.Lock key of one person in one session
)

const (
	phoneVisitorCols = `id, name, pass_key_id, pass_no, created_ms`

	sqlDeviceByKey = `SELECT ` + deviceCols + ` FROM devices WHERE key_id = ? ORDER BY enrolled_ms DESC, id LIMIT 1`
	sqlSecret      = `SELECT value FROM hub_secrets WHERE name = ?`
	sqlAddSecret   = `INSERT INTO hub_secrets(name, value, created_ms) VALUES(?, ?, ?) ON CONFLICT(name) DO NOTHING`

	sqlVisitorOfSession = `SELECT v.id, v.name, v.pass_key_id, v.pass_no, v.created_ms
		FROM phone_sessions s JOIN phone_visitors v ON v.id = s.visitor_id WHERE s.token_hash = ?`
	sqlTouchSession    = `UPDATE phone_sessions SET last_ms = ? WHERE token_hash = ?`
	sqlVisitorOfPhone  = `SELECT ` + phoneVisitorCols + ` FROM phone_visitors WHERE phone_hash = ?`
	sqlNextPassNo      = `SELECT coalesce(max(pass_no), 0) + 1 FROM phone_visitors WHERE pass_key_id = ?`
	sqlAddPhoneVisitor = `INSERT INTO phone_visitors(id, phone_hash, name, pass_key_id, pass_no, created_ms)
		VALUES(?, ?, ?, ?, ?, ?)`
	sqlNamePhoneVisitor = `UPDATE phone_visitors SET name = ? WHERE id = ?`
	sqlLinkSession      = `INSERT INTO phone_sessions(token_hash, visitor_id, created_ms, last_ms) VALUES(?, ?, ?, ?)
		ON CONFLICT(token_hash) DO UPDATE SET visitor_id = excluded.visitor_id, last_ms = excluded.last_ms`

	sqlLastOfSubject = `SELECT ` + hubCols + ` FROM checkins
		WHERE subject = ? AND event_id = ? AND session_start_ms = ? AND outcome = 'accepted'
		ORDER BY true_ms DESC, id DESC LIMIT 1`
	sqlAddEventCode = `INSERT INTO event_codes(token, device_id, event_id, session_start_ms, slot, issued_ms, received_ms)
		VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(token) DO NOTHING`
	sqlEventCodes = `SELECT token, event_id, session_start_ms, slot, issued_ms FROM event_codes
		WHERE device_id = ? ORDER BY issued_ms, token`
)

// DeviceByKey implements Store.
func (s *SQLStore) DeviceByKey(ctx context.Context, keyID uint32) (Device, error) {
	var d Device
	err := s.db.Read().QueryRow(ctx, sqlDeviceByKey, int64(keyID)).Scan(deviceDest(&d)...)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("device with key %d: %w", keyID, data.ErrNotFound)
	}
	return d, err
}

// Secret implements Store.
func (s *SQLStore) Secret(ctx context.Context, name string, fresh func() ([]byte, error), nowMS int64) ([]byte, error) {
	var v []byte
	err := s.db.Read().QueryRow(ctx, sqlSecret, name).Scan(&v)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return v, err
	}
	err = s.db.Write(ctx, func(tx Tx) error {
		if err := tx.Lock(ctx, lockSecrets); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, sqlSecret, name).Scan(&v)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if v, err = fresh(); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, sqlAddSecret, name, v, nowMS)
		return err
	})
	return v, err
}

// PhoneVisitorBySession implements Store.
func (s *SQLStore) PhoneVisitorBySession(ctx context.Context, sessionHash []byte, nowMS int64) (PhoneVisitor, error) {
	var v PhoneVisitor
	err := s.db.Read().QueryRow(ctx, sqlVisitorOfSession, sessionHash).Scan(phoneVisitorDest(&v)...)
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("phone visitor: %w", data.ErrNotFound)
	}
	if err != nil {
		return v, err
	}
	return v, s.db.Write(ctx, func(tx Tx) error {
		_, err := tx.Exec(ctx, sqlTouchSession, nowMS, sessionHash)
		return err
	})
}

func phoneVisitorDest(v *PhoneVisitor) []any {
	return []any{&v.ID, &v.Name, &v.Pass.KeyID, &v.Pass.No, &v.CreatedMS}
}

// SignInPhone implements Store.
func (s *SQLStore) SignInPhone(ctx context.Context, in PhoneSignIn) (PhoneVisitor, error) {
	var v PhoneVisitor
	err := s.db.Write(ctx, func(tx Tx) error {
		if err := tx.Lock(ctx, lockPhoneNos); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, sqlVisitorOfPhone, in.PhoneHash).Scan(phoneVisitorDest(&v)...)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v = PhoneVisitor{ID: uuid.Must(uuid.NewV7()).String(), Name: in.Name, CreatedMS: in.NowMS,
				Pass: data.PassRef{KeyID: in.PassKeyID}}
			if err := tx.QueryRow(ctx, sqlNextPassNo, int64(in.PassKeyID)).Scan(&v.Pass.No); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, sqlAddPhoneVisitor, v.ID, in.PhoneHash, v.Name, int64(v.Pass.KeyID),
				int64(v.Pass.No), v.CreatedMS); err != nil {
				return err
			}
		case err != nil:
			return err
		case in.Name != "" && in.Name != v.Name:
			v.Name = in.Name
			if _, err := tx.Exec(ctx, sqlNamePhoneVisitor, v.Name, v.ID); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, sqlLinkSession, in.SessionHash, v.ID, in.NowMS, in.NowMS)
		return err
	})
	return v, err
}

// LastAccepted implements Store.
func (s *SQLStore) LastAccepted(ctx context.Context, subject, eventID string, sessionStartMS int64) (*HubRecord, error) {
	return lastAccepted(ctx, s.db.Read(), subject, eventID, sessionStartMS)
}

func lastAccepted(ctx context.Context, tx Tx, subject, eventID string, sessionStartMS int64) (*HubRecord, error) {
	var r HubRecord
	err := tx.QueryRow(ctx, sqlLastOfSubject, subject, eventID, sessionStartMS).Scan(hubDest(&r)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// HubCheckIn implements Store.
func (s *SQLStore) HubCheckIn(ctx context.Context, subject, eventID string, sessionStartMS int64,
	decide func(last *HubRecord) (*HubRecord, error)) error {
	return s.db.Write(ctx, func(tx Tx) error {
		if err := tx.Lock(ctx, fmt.Sprintf(lockSubject, subject+"|"+eventID+"|"+strconv.FormatInt(sessionStartMS, 10))); err != nil {
			return err
		}
		last, err := lastAccepted(ctx, tx, subject, eventID, sessionStartMS)
		if err != nil {
			return err
		}
		rec, err := decide(last)
		if err != nil || rec == nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlInsertRecord, insertArgs(*rec)...); err != nil {
			return err
		}
		if k, ok := rec.Key(); ok {
			if err := rankGroups(ctx, tx, map[GroupKey]bool{k: true}); err != nil {
				return err
			}
		}
		b, err := json.Marshal(rec.Record)
		if err != nil {
			return err
		}
		if err := tx.Lock(ctx, LockFeed); err != nil {
			return err
		}
		_, err = putItem(ctx, tx, KindCheckIn, rec.ID, b, false, rec.ReceivedMS, true)
		return err
	})
}

// EventCodes implements Store.
func (s *SQLStore) EventCodes(ctx context.Context, deviceID string) ([]EventCode, error) {
	rows, err := s.db.Read().Query(ctx, sqlEventCodes, deviceID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(c *EventCode) []any {
		return []any{&c.Token, &c.EventID, &c.SessionStartMS, &c.Slot, &c.IssuedMS}
	})
}

// eventCodeStmts store a batch's event codes (already known ones are
// left as they are).
func eventCodeStmts(deviceID string, codes []EventCode, nowMS int64) []Stmt {
	args := make([][]any, len(codes))
	for i, c := range codes {
		args[i] = []any{c.Token, deviceID, c.EventID, c.SessionStartMS, int64(c.Slot), c.IssuedMS, nowMS}
	}
	return manyStmts(sqlAddEventCode, args)
}
