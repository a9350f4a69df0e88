// Package staff holds the rules of the kiosk's staff mode: the shape of a
// staff PIN and how it is hashed, the lockout after wrong PINs, and when a
// staff session ends by itself. It imports no SQL driver and no Fyne; the
// store (data/sqlite) keeps staff members and the lockout state.
//
// All instants are int64 milliseconds since the Unix epoch, UTC ("…MS").
package staff

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// PIN length bounds, in digits. The kiosk has a digit keypad only.
const (
	MinPINLen = 4
	MaxPINLen = 8
)

// ErrBadPIN is returned (wrapped) for a PIN that is not 4–8 ASCII digits.
var ErrBadPIN = errors.New("a staff PIN is 4 to 8 digits")

// ValidatePIN returns nil when pin is MinPINLen–MaxPINLen ASCII digits (0–9)
// and an error wrapping ErrBadPIN otherwise.
func ValidatePIN(pin string) error {
	if len(pin) < MinPINLen || len(pin) > MaxPINLen {
		return fmt.Errorf("%w (got %d characters)", ErrBadPIN, len(pin))
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return fmt.Errorf("%w (not a digit at position %d)", ErrBadPIN, i+1)
		}
	}
	return nil
}

// ErrWeakPIN is returned (wrapped) by ValidateNewPIN for a PIN that is
// among the first anyone tries: one digit repeated (0000, 777777) or a
// straight run up or down the digits, going round from 9 to 0 (1234,
// 987654, 7890). Such PINs head every published list of common PINs (e.g.
// the DataGenetics analysis of 3.4 million four-digit PINs, 2012).
var ErrWeakPIN = errors.New("a staff PIN must not be one digit repeated or a straight run such as 1234 or 9876")

// ValidateNewPIN is ValidatePIN for a PIN being set: it also refuses a weak
// PIN with an error wrapping ErrWeakPIN. PINs set before this rule still
// open staff mode; only new ones are checked.
func ValidateNewPIN(pin string) error {
	if err := ValidatePIN(pin); err != nil {
		return err
	}
	same, up, down := true, true, true
	for i := 1; i < len(pin); i++ {
		step := (int(pin[i]) - int(pin[i-1]) + 10) % 10
		same, up, down = same && step == 0, up && step == 1, down && step == 9
	}
	if same || up || down {
		return fmt.Errorf("%w (got %s)", ErrWeakPIN, pin)
	}
	return nil
}

// Params are argon2id parameters: Memory in KiB, Time (passes over memory),
// Threads (degree of parallelism), SaltLen and KeyLen in bytes.
type Params struct {
	Memory  uint32
	Time    uint32
	Threads uint8
	SaltLen int
	KeyLen  int
}

// DefaultParams are the parameters new PIN hashes are made with: argon2id
// with 19 MiB of memory, 2 passes and 1 lane, the minimum configuration of
// the OWASP Password Storage Cheat Sheet, with a 128-bit salt and a 256-bit
// tag as RFC 9106 §4 recommends. They fit a low-end kiosk (one hash takes
// tens of milliseconds and 19 MiB).
//
// A 4–8 digit PIN has at most 10^8 values: the slow hash raises the cost of
// guessing from a copied database file, while the lockout (Policy) is what
// limits guessing at the kiosk.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds accepted when decoding a stored hash, so that a damaged or hostile
// value cannot make a verification take unbounded memory or time.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 64
	maxKeyLen    = 128
	minSaltLen   = 8
	minKeyLen    = 16
)

// ErrBadHash is returned (wrapped) when a stored PIN hash is not an argon2id
// hash in the encoding HashPIN writes.
var ErrBadHash = errors.New("not an argon2id PIN hash")

var b64 = base64.RawStdEncoding

// HashPIN hashes pin with argon2id under p and a fresh random salt from
// random (crypto/rand when nil). The result is a PHC string-format value,
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// with salt and hash in unpadded standard base64, as the reference argon2
// implementation and the PHC string format write it. pin must pass
// ValidatePIN; otherwise the error wraps ErrBadPIN.
func HashPIN(pin string, p Params, random io.Reader) (string, error) {
	if err := ValidatePIN(pin); err != nil {
		return "", err
	}
	if random == nil {
		random = rand.Reader
	}
	salt := make([]byte, p.SaltLen)
	if _, err := io.ReadFull(random, salt); err != nil {
		return "", fmt.Errorf("PIN salt: %w", err)
	}
	key := argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, uint32(p.KeyLen))
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// decoded is a parsed PIN hash.
type decoded struct {
	p    Params
	salt []byte
	key  []byte
}

// decodeHash parses a value written by HashPIN.
func decodeHash(encoded string) (decoded, error) {
	var d decoded
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return d, ErrBadHash
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return d, fmt.Errorf("%w: version %q", ErrBadHash, parts[2])
	}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return d, fmt.Errorf("%w: parameter %q", ErrBadHash, kv)
		}
		switch k {
		case "m":
			d.p.Memory = uint32(n)
		case "t":
			d.p.Time = uint32(n)
		case "p":
			if n > 255 {
				return d, fmt.Errorf("%w: parameter %q", ErrBadHash, kv)
			}
			d.p.Threads = uint8(n)
		default:
			return d, fmt.Errorf("%w: parameter %q", ErrBadHash, kv)
		}
	}
	var err error
	if d.salt, err = b64.DecodeString(parts[4]); err != nil {
		return d, fmt.Errorf("%w: salt: %v", ErrBadHash, err)
	}
	if d.key, err = b64.DecodeString(parts[5]); err != nil {
		return d, fmt.Errorf("%w: hash: %v", ErrBadHash, err)
	}
	d.p.SaltLen, d.p.KeyLen = len(d.salt), len(d.key)
	switch {
	case d.p.Memory < 8*uint32(d.p.Threads) || d.p.Memory > maxMemoryKiB,
		d.p.Time < 1 || d.p.Time > maxTime, d.p.Threads < 1,
		d.p.SaltLen < minSaltLen, d.p.KeyLen < minKeyLen || d.p.KeyLen > maxKeyLen:
		return d, fmt.Errorf("%w: parameters out of range", ErrBadHash)
	}
	return d, nil
}

// CheckPIN reports whether pin matches encoded, a value written by HashPIN.
// The PIN is hashed under the stored salt and parameters and the two hashes
// are compared in constant time (crypto/subtle). A malformed encoded value
// returns an error wrapping ErrBadHash; a pin of the wrong shape simply does
// not match.
func CheckPIN(pin, encoded string) (bool, error) {
	d, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pin), d.salt, d.p.Time, d.p.Memory, d.p.Threads, uint32(d.p.KeyLen))
	return subtle.ConstantTimeCompare(got, d.key) == 1 && ValidatePIN(pin) == nil, nil
}

// NeedsRehash reports whether encoded was made with parameters weaker than p
// (less memory, fewer passes, a shorter salt or tag) or cannot be read, so
// that it should be replaced by a fresh HashPIN after the next successful
// check.
func NeedsRehash(encoded string, p Params) bool {
	d, err := decodeHash(encoded)
	if err != nil {
		return true
	}
	return d.p.Memory < p.Memory || d.p.Time < p.Time || d.p.SaltLen < p.SaltLen || d.p.KeyLen < p.KeyLen
}
