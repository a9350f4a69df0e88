// Package token makes and reads event sign-in tokens: the short signed codes
// a kiosk shows as a QR code on an open event's page, so that a visitor's
// phone can sign in at the district hub (扫码签到).
//
// A token carries a compact binary payload (16 bytes, big-endian):
//
//	offset size field
//	0      1    version (Version)
//	1      4    key id of the kiosk's signing key (uint32)
//	5      3    event ref: the first 3 bytes of SHA-256(event id) (EventRef)
//	8      4    session start, seconds since the Unix epoch (uint32)
//	12     4    time slot: seconds since the Unix epoch / SlotSeconds (uint32)
//
// followed by an Ed25519 signature (RFC 8032, 64 bytes) by the kiosk's key
// over SignContext followed by those 16 bytes. The context keeps a token
// signature from ever being taken for a pass signature made with the same
// key (package pass signs its 11-byte payload bare). The 80 bytes are written
// as their Crockford Base32 encoding: 128 characters of
// 0123456789ABCDEFGHJKMNPQRSTVWXYZ (upper case, most significant bit first,
// no padding), which the QR alphanumeric mode holds.
//
// The kiosk makes a new token every SlotSeconds; the hub accepts a token
// whose slot is within one slot of its own clock (corrected by the kiosk's
// measured clock error), so a photo of the code forwarded later is refused.
package token

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/data/pass"
)

// Version is the payload format version written by Sign and the only one
// Parse accepts.
const Version uint8 = 1

// SlotSeconds is the length of a time slot: a kiosk shows a new token every
// SlotSeconds seconds.
const SlotSeconds = 30

// SignContext precedes the payload in the signed message.
const SignContext = "civic-kiosk event token v1\x00"

// Sizes of the binary form, in bytes.
const (
	PayloadSize   = 16
	SignatureSize = ed25519.SignatureSize       // 64
	BinarySize    = PayloadSize + SignatureSize // 80
)

// Len is the length of a token's text form: 128 Base32 characters.
const Len = BinarySize * 8 / 5

// Errors of Parse and Token.Verify (returned wrapped; test with errors.Is).
var (
	// ErrUnreadable: the text is not a well-formed token (length,
	// characters, version or key id 0).
	ErrUnreadable = errors.New("token: unreadable")
	// ErrForged: the signature does not verify under the kiosk's key.
	ErrForged = errors.New("token: signature does not match")
)

// Payload is the signed content of a token.
type Payload struct {
	Version      uint8   // Version
	KeyID        uint32  // the kiosk's signing key
	Event        [3]byte // EventRef of the event id
	SessionStart uint32  // the session's start, Unix seconds
	Slot         uint32  // SlotOf the kiosk's clock when the token was made
}

// EventRef returns the event ref of an event id: the first 3 bytes of the
// SHA-256 of its UTF-8 text.
func EventRef(eventID string) [3]byte {
	h := sha256.Sum256([]byte(eventID))
	return [3]byte{h[0], h[1], h[2]}
}

// SlotOf returns the time slot of t: Unix seconds / SlotSeconds.
func SlotOf(t time.Time) uint32 { return uint32(t.Unix() / SlotSeconds) }

// SlotOfMS is SlotOf for an instant in ms since the Unix epoch.
func SlotOfMS(ms int64) uint32 { return uint32(ms / 1000 / SlotSeconds) }

// SlotStart returns the first instant of slot s.
func SlotStart(s uint32) time.Time { return time.Unix(int64(s)*SlotSeconds, 0) }

// For returns the payload for a session of eventID starting at
// sessionStartMS (UTC ms), made at now with the key keyID.
func For(keyID uint32, eventID string, sessionStartMS int64, now time.Time) Payload {
	return Payload{Version: Version, KeyID: keyID, Event: EventRef(eventID),
		SessionStart: uint32(sessionStartMS / 1000), Slot: SlotOf(now)}
}

// SessionStartMS returns the session start in ms since the Unix epoch.
func (p Payload) SessionStartMS() int64 { return int64(p.SessionStart) * 1000 }

// Matches reports whether p names the session of eventID starting at
// sessionStartMS.
func (p Payload) Matches(eventID string, sessionStartMS int64) bool {
	return p.Event == EventRef(eventID) && p.SessionStartMS() == sessionStartMS/1000*1000
}

func (p Payload) appendBinary(b []byte) []byte {
	b = append(b, p.Version)
	b = binary.BigEndian.AppendUint32(b, p.KeyID)
	b = append(b, p.Event[:]...)
	b = binary.BigEndian.AppendUint32(b, p.SessionStart)
	return binary.BigEndian.AppendUint32(b, p.Slot)
}

func (p Payload) message() []byte {
	return p.appendBinary([]byte(SignContext))
}

// Token is a token as read: payload and signature. A Token from Parse is
// well formed but not yet verified (see Verify).
type Token struct {
	Payload
	Signature [SignatureSize]byte
}

// Sign signs p with k and returns the token's text form (Len characters). A
// zero p.Version means Version and a zero p.KeyID means k.ID. It returns an
// error if k has id 0 or no 64-byte private key, or p names another key.
func Sign(k pass.Key, p Payload) (string, error) {
	if k.ID == 0 || len(k.Private) != ed25519.PrivateKeySize {
		return "", errors.New("token: no signing key")
	}
	if p.Version == 0 {
		p.Version = Version
	}
	if p.KeyID == 0 {
		p.KeyID = k.ID
	}
	if p.Version != Version || p.KeyID != k.ID {
		return "", fmt.Errorf("token: cannot sign version %d for key %d with key %d", p.Version, p.KeyID, k.ID)
	}
	t := Token{Payload: p}
	copy(t.Signature[:], ed25519.Sign(k.Private, p.message()))
	return t.String(), nil
}

// String returns the token's text form.
func (t Token) String() string {
	b := t.Payload.appendBinary(make([]byte, 0, BinarySize))
	b = append(b, t.Signature[:]...)
	out := make([]byte, 0, Len)
	var acc uint64
	bits := 0
	for _, x := range b {
		acc = acc<<8 | uint64(x)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out = append(out, alphabet[(acc>>bits)&31])
		}
	}
	return string(out)
}

// alphabet is Crockford's Base32 alphabet.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// Parse reads a token's text form. Lower case and the Crockford aliases O
// (0) and I, L (1) are accepted; anything else that is not Len Base32
// characters gives an error wrapping ErrUnreadable.
func Parse(text string) (Token, error) {
	s := strings.ToUpper(strings.TrimSpace(text))
	if len(s) != Len {
		return Token{}, fmt.Errorf("%w: %d characters, want %d", ErrUnreadable, len(s), Len)
	}
	b := make([]byte, 0, BinarySize)
	var acc uint64
	bits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case 'O':
			c = '0'
		case 'I', 'L':
			c = '1'
		}
		v := strings.IndexByte(alphabet, c)
		if v < 0 {
			return Token{}, fmt.Errorf("%w: character %q", ErrUnreadable, s[i])
		}
		acc = acc<<5 | uint64(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			b = append(b, byte(acc>>bits))
		}
	}
	var t Token
	t.Version = b[0]
	t.KeyID = binary.BigEndian.Uint32(b[1:5])
	copy(t.Event[:], b[5:8])
	t.SessionStart = binary.BigEndian.Uint32(b[8:12])
	t.Slot = binary.BigEndian.Uint32(b[12:16])
	copy(t.Signature[:], b[PayloadSize:])
	if t.Version != Version {
		return Token{}, fmt.Errorf("%w: version %d", ErrUnreadable, t.Version)
	}
	if t.KeyID == 0 {
		return Token{}, fmt.Errorf("%w: key id 0", ErrUnreadable)
	}
	return t, nil
}

// Verify returns nil when t's signature is valid under pub (a 32-byte
// Ed25519 public key), else an error wrapping ErrForged.
func (t Token) Verify(pub ed25519.PublicKey) error {
	if len(pub) != ed25519.PublicKeySize || !ed25519.Verify(pub, t.Payload.message(), t.Signature[:]) {
		return fmt.Errorf("%w (key %d)", ErrForged, t.KeyID)
	}
	return nil
}

// Fresh reports whether t's slot is within one slot of the slot of
// kioskNow, the hub's clock corrected by the kiosk's clock error.
func (t Token) Fresh(kioskNow time.Time) bool {
	now := int64(SlotOf(kioskNow))
	d := int64(t.Slot) - now
	return d >= -1 && d <= 1
}

// PathPrefix starts the path of a sign-in URL at the hub: HUB/P/TOKEN.
const PathPrefix = "/P/"

// URL returns the sign-in URL of a token at the hub whose public base URL is
// base (scheme, host, optional port and path). When base has no path, the
// URL is written in upper case (scheme and host are case-insensitive) so
// that its QR code uses the compact alphanumeric mode.
func URL(base, text string) string {
	base = strings.TrimRight(base, "/")
	u := base + PathPrefix + text
	if i := strings.Index(base, "://"); i >= 0 && !strings.Contains(base[i+3:], "/") && alnum(u) {
		return strings.ToUpper(u)
	}
	return u
}

// alnum reports whether the upper case of s holds only QR alphanumeric
// characters (0-9 A-Z space $ % * + - . / :).
func alnum(s string) bool {
	for _, c := range strings.ToUpper(s) {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || strings.ContainsRune(" $%*+-./:", c)) {
			return false
		}
	}
	return true
}
