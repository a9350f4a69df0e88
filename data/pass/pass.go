// Package pass makes and reads signed personal pass codes that any kiosk can
// verify offline, in the manner of pretix's signed offline tickets.
//
// A pass carries a compact binary payload (11 bytes, big-endian):
//
//	offset size field
//	0      1    version (Version)
//	1      4    key id (uint32)
//	5      4    pass number (uint32)
//	9      2    issue day (uint16, days since 2020-01-01 UTC)
//
// followed by an Ed25519 signature (RFC 8032, 64 bytes) over those 11 bytes.
// The 75 bytes are written as text: the prefix "CK", the 120 characters of
// their Crockford Base32 encoding (upper case, alphabet
// 0123456789ABCDEFGHJKMNPQRSTVWXYZ, most significant bit first, no padding),
// and one check character computed with the Luhn mod N algorithm (N = 32)
// over those 120 characters. The text is always Len characters of [0-9A-Z],
// so it fits the QR alphanumeric mode.
//
// Revocation is not handled here: a verified code may still belong to a
// revoked pass, which the caller looks up by Code.Ref.
package pass

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/civickiosk/kiosk/data"
)

// Version is the payload format version written by Encode and the only one
// Parse accepts.
const Version uint8 = 1

// Prefix starts every pass code's text form.
const Prefix = "CK"

// Sizes of the binary form, in bytes.
const (
	PayloadSize   = 11                          // version, key id, pass number, issue day
	SignatureSize = ed25519.SignatureSize       // 64
	BinarySize    = PayloadSize + SignatureSize // 75
)

// bodyLen is the number of Base32 characters for BinarySize bytes: 120,
// with no padding bits.
const bodyLen = BinarySize * 8 / 5

// Len is the length of a pass code's text form in characters (and bytes):
// "CK", 120 Base32 characters and one check character, 123 in all.
const Len = len(Prefix) + bodyLen + 1

// Epoch is day 0 of Payload.IssuedDay: 2020-01-01 00:00 UTC.
var Epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// ErrUnreadable is returned, wrapped with detail, for text that holds no
// well-formed pass code: wrong length (a dropped or doubled character),
// characters outside the alphabet, a wrong check character, an unsupported
// version or key id 0. Test with errors.Is.
var ErrUnreadable = errors.New("pass: unreadable code")

// ErrTampered is returned, wrapped with detail, when a well-formed code names
// a known key but its signature does not verify. Test with errors.Is.
var ErrTampered = errors.New("pass: signature does not match")

// Key is a signing key: a non-zero id that is written into every pass it
// signs, and an Ed25519 private key (64 bytes, as ed25519.NewKeyFromSeed
// makes).
type Key struct {
	ID      uint32
	Private ed25519.PrivateKey
}

// NewKey makes a random key with a random non-zero id, reading randomness
// from r (crypto/rand.Reader when r is nil). It returns an error wrapping r's if
// r fails.
func NewKey(r io.Reader) (Key, error) {
	if r == nil {
		r = rand.Reader
	}
	var id uint32
	var b [4]byte
	for id == 0 {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Key{}, fmt.Errorf("pass: new key id: %w", err)
		}
		id = binary.BigEndian.Uint32(b[:])
	}
	_, priv, err := ed25519.GenerateKey(r)
	if err != nil {
		return Key{}, fmt.Errorf("pass: new key: %w", err)
	}
	return Key{ID: id, Private: priv}, nil
}

// KeyFromSeed rebuilds a key from its id and its 32-byte Ed25519 seed
// (RFC 8032 private key, as ed25519.PrivateKey.Seed returns). It returns an
// error if id is 0 or the seed is not 32 bytes.
func KeyFromSeed(id uint32, seed []byte) (Key, error) {
	if id == 0 {
		return Key{}, errors.New("pass: key id 0 is reserved")
	}
	if len(seed) != ed25519.SeedSize {
		return Key{}, fmt.Errorf("pass: seed has %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	return Key{ID: id, Private: ed25519.NewKeyFromSeed(seed)}, nil
}

// Public returns the public key (32 bytes) that verifies passes signed by k,
// or nil if k has no valid private key.
func (k Key) Public() ed25519.PublicKey {
	if len(k.Private) != ed25519.PrivateKeySize {
		return nil
	}
	return k.Private.Public().(ed25519.PublicKey)
}

// Payload is the signed content of a pass.
type Payload struct {
	Version   uint8  // format version; Version
	KeyID     uint32 // id of the signing key
	No        uint32 // pass number, unique per key
	IssuedDay uint16 // issue date, days since Epoch (2020-01-01 UTC)
}

// Issued returns the issue date as midnight UTC of day IssuedDay.
func (p Payload) Issued() time.Time {
	return Epoch.AddDate(0, 0, int(p.IssuedDay))
}

// Day returns the day number of t's UTC calendar date, counted from Epoch
// (2020-01-01 UTC), for Payload.IssuedDay. Instants before Epoch give 0 and
// dates after day 65535 (2199-06-06) give 65535.
func Day(t time.Time) uint16 {
	if t.Before(Epoch) {
		return 0
	}
	d := t.Sub(Epoch) / (24 * time.Hour) // saturates far in the future
	if d > 0xFFFF {
		return 0xFFFF
	}
	return uint16(d)
}

// Ref returns the pass's identity across all kiosks.
func (p Payload) Ref() data.PassRef { return data.PassRef{KeyID: p.KeyID, No: p.No} }

// appendBinary appends the 11-byte big-endian payload.
func (p Payload) appendBinary(b []byte) []byte {
	b = append(b, p.Version)
	b = binary.BigEndian.AppendUint32(b, p.KeyID)
	b = binary.BigEndian.AppendUint32(b, p.No)
	return binary.BigEndian.AppendUint16(b, p.IssuedDay)
}

func payloadFrom(b []byte) Payload {
	return Payload{
		Version:   b[0],
		KeyID:     binary.BigEndian.Uint32(b[1:5]),
		No:        binary.BigEndian.Uint32(b[5:9]),
		IssuedDay: binary.BigEndian.Uint16(b[9:11]),
	}
}

// Code is a pass code as read: its payload and its Ed25519 signature
// (64 bytes) over the payload's binary form. A Code from Parse is well formed
// but not yet verified; see Code.Verify and Verify.
type Code struct {
	Payload
	Signature [SignatureSize]byte
}

// Encode signs p with k and returns the pass's text form (Len characters of
// [0-9A-Z]; see the package comment for the format). A zero p.Version means
// Version and a zero p.KeyID means k.ID. It returns an error if k.ID is 0,
// k.Private is not a 64-byte Ed25519 private key, p.Version is not Version,
// or p.KeyID differs from k.ID.
func Encode(k Key, p Payload) (string, error) {
	if k.ID == 0 {
		return "", errors.New("pass: key id 0 is reserved")
	}
	if len(k.Private) != ed25519.PrivateKeySize {
		return "", fmt.Errorf("pass: private key has %d bytes, want %d", len(k.Private), ed25519.PrivateKeySize)
	}
	if p.Version == 0 {
		p.Version = Version
	}
	if p.Version != Version {
		return "", fmt.Errorf("pass: cannot encode version %d", p.Version)
	}
	if p.KeyID == 0 {
		p.KeyID = k.ID
	}
	if p.KeyID != k.ID {
		return "", fmt.Errorf("pass: payload key id %d differs from key %d", p.KeyID, k.ID)
	}
	c := Code{Payload: p}
	copy(c.Signature[:], ed25519.Sign(k.Private, p.appendBinary(nil)))
	return c.String(), nil
}

// String returns the canonical text form of c (Len characters: "CK", upper
// case Crockford Base32, Luhn mod 32 check character).
func (c Code) String() string {
	b := make([]byte, 0, BinarySize)
	b = c.Payload.appendBinary(b)
	b = append(b, c.Signature[:]...)
	out := make([]byte, 0, Len)
	out = append(out, Prefix...)
	out = appendBase32(out, b)
	out = append(out, alphabet[luhnCheck(out[len(Prefix):])])
	return string(out)
}

// Verify reports whether c's signature is valid under pub (a 32-byte Ed25519
// public key). A pub of the wrong length gives false.
func (c Code) Verify(pub ed25519.PublicKey) bool {
	if len(pub) != ed25519.PublicKeySize {
		return false
	}
	return ed25519.Verify(pub, c.Payload.appendBinary(make([]byte, 0, PayloadSize)), c.Signature[:])
}

// Ref returns the pass's identity across all kiosks (key id, pass number).
func (c Code) Ref() data.PassRef { return c.Payload.Ref() }

// Verify reads text with Parse and checks its signature with the public key
// that keys returns for the code's key id (keys may be nil: no key known).
//
//   - text holds no well-formed code: err wraps ErrUnreadable;
//   - the key is known and the signature fails: the code, err wraps ErrTampered;
//   - the key is unknown: the code, verified = false, err = nil (the caller
//     records the scan as unverified);
//   - otherwise the code, verified = true, err = nil.
//
// Revocation is the caller's concern.
func Verify(text string, keys func(keyID uint32) (ed25519.PublicKey, bool)) (c Code, verified bool, err error) {
	c, err = Parse(text)
	if err != nil {
		return Code{}, false, err
	}
	if keys == nil {
		return c, false, nil
	}
	pub, ok := keys(c.KeyID)
	if !ok {
		return c, false, nil
	}
	if !c.Verify(pub) {
		return c, false, fmt.Errorf("%w (key %d, pass %d)", ErrTampered, c.KeyID, c.No)
	}
	return c, true, nil
}
