package sync

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/civickiosk/kiosk/data/sqlite"
)

// PathKey registers a kiosk's new signing key (after kioskctl restore):
// POST KeyRequest → KeyInfo (device token). The key is published on the
// feed as KindKey and becomes the device's key; its earlier keys stay on
// the feed, so passes they signed keep verifying. A key id held by another
// public key gets 409 (ErrKeyConflict). A hub that predates it answers 404.
const PathKey = "/v1/key"

// KeyRequest is a kiosk's new signing key.
type KeyRequest struct {
	KeyID     uint32 `json:"key_id"`
	PublicKey []byte `json:"public_key"` // Ed25519, 32 bytes
}

// ErrDeviceEnrolled: an enrolment names a device id that is enrolled and
// not revoked — the kiosk's database is a copy of an enrolled kiosk's.
var ErrDeviceEnrolled = errors.New("this device is already enrolled at the hub: the kiosk's database is a copy " +
	"of an enrolled kiosk's; make a fresh database for a new kiosk, or revoke the old device first (hub revoke --device ID)")

// CodeDeviceEnrolled is ErrorResponse.Code of an enrolment refused with
// ErrDeviceEnrolled (status 409, which ErrKeyConflict shares).
const CodeDeviceEnrolled = "device_enrolled"

// SettingHubKey is the kiosk setting holding the id of the signing key the
// hub has registered for it (at enrolment or through PathKey).
const SettingHubKey = "sync.key_id"

var (
	sqlDeviceRevoked = `SELECT revoked_ms FROM devices WHERE id = ?`
	sqlDeviceKey     = `UPDATE devices SET key_id = ?, public_key = ? WHERE id = ?`
)

// checkNotEnrolled returns ErrDeviceEnrolled when the device id is enrolled
// and not revoked.
func checkNotEnrolled(ctx context.Context, tx Tx, deviceID string) error {
	var revoked int64
	err := tx.QueryRow(ctx, sqlDeviceRevoked, deviceID).Scan(&revoked)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case revoked == 0:
		return fmt.Errorf("device %s: %w", deviceID, ErrDeviceEnrolled)
	}
	return nil
}

// RotateKey implements Store.
func (s *SQLStore) RotateKey(ctx context.Context, dev Device, keyID uint32, pub []byte, nowMS int64) error {
	return s.db.Write(ctx, func(tx Tx) error {
		if err := tx.Lock(ctx, LockFeed); err != nil {
			return err
		}
		id := strconv.FormatUint(uint64(keyID), 10)
		var stored []byte
		var deleted bool
		err := tx.QueryRow(ctx, sqlItemState, KindKey, id).Scan(&stored, &deleted)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && !deleted && KeyConflict(stored, pub) {
			return ErrKeyConflict
		}
		if _, err := tx.Exec(ctx, sqlDeviceKey, int64(keyID), pub, dev.ID); err != nil {
			return err
		}
		b, err := json.Marshal(KeyInfo{KeyID: keyID, PublicKey: pub, SiteID: dev.SiteID, DeviceID: dev.ID})
		if err != nil {
			return err
		}
		_, err = putItem(ctx, tx, KindKey, id, b, false, nowMS, false)
		return err
	})
}

func (h *hub) rotateKey(w http.ResponseWriter, r *http.Request) {
	dev, ok := h.device(w, r)
	if !ok {
		return
	}
	var req KeyRequest
	if err := decode(w, r, &req); err != nil {
		h.fail(w, http.StatusBadRequest, fmt.Errorf("malformed key: %w", err))
		return
	}
	if req.KeyID == 0 || len(req.PublicKey) != ed25519.PublicKeySize {
		h.fail(w, http.StatusBadRequest, errors.New("a key id and a 32-byte Ed25519 public key are needed"))
		return
	}
	now := h.now().UnixMilli()
	if err := h.seen(r, dev); err != nil {
		h.fail(w, http.StatusInternalServerError, err)
		return
	}
	err := h.st.RotateKey(r.Context(), dev, req.KeyID, req.PublicKey, now)
	switch {
	case errors.Is(err, ErrKeyConflict):
		h.fail(w, http.StatusConflict, err)
	case err != nil:
		h.fail(w, http.StatusInternalServerError, err)
	default:
		writeJSON(w, http.StatusOK, KeyInfo{KeyID: req.KeyID, PublicKey: req.PublicKey, SiteID: dev.SiteID, DeviceID: dev.ID})
	}
}

// sendKey registers the kiosk's own signing key at the hub when the hub
// does not hold it yet (SettingHubKey): after a restore gave the kiosk a new
// key, or for a kiosk enrolled before the setting existed. A hub that
// predates PathKey (ErrNotHub) is asked again next round.
func (c *Client) sendKey(ctx context.Context, e sqlite.Enrolment) error {
	id, priv, found, err := c.st.OwnKey(ctx)
	if err != nil || !found {
		return err
	}
	sent, err := c.st.Setting(ctx, SettingHubKey, "")
	if err != nil || sent == strconv.FormatUint(uint64(id), 10) {
		return err
	}
	var info KeyInfo
	err = c.do(ctx, e, http.MethodPost, PathKey, KeyRequest{KeyID: id, PublicKey: priv.Public().(ed25519.PublicKey)}, &info)
	if errors.Is(err, ErrNotHub) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("registering this kiosk's new signing key %d: %w", id, err)
	}
	return c.st.SetSetting(ctx, SettingHubKey, strconv.FormatUint(uint64(id), 10))
}
