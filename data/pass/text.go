package pass

import (
	"fmt"
	"unicode/utf8"
)

// alphabet is Crockford's Base32 alphabet (https://www.crockford.com/base32.html).
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// invalid marks a byte that is not a Base32 character in decodeMap.
const invalid = 0xFF

// decodeMap maps an upper-case ASCII byte to its Crockford value, with the
// decoding aliases O→0 and I, L→1; other bytes map to invalid.
var decodeMap = func() (m [256]byte) {
	for i := range m {
		m[i] = invalid
	}
	for i := 0; i < len(alphabet); i++ {
		m[alphabet[i]] = byte(i)
	}
	m['O'] = 0
	m['I'] = 1
	m['L'] = 1
	return m
}()

// appendBase32 appends the Crockford Base32 encoding of b, most significant
// bit first; len(b)*8 must be a multiple of 5.
func appendBase32(dst, b []byte) []byte {
	var acc uint64
	bits := 0
	for _, x := range b {
		acc = acc<<8 | uint64(x)
		bits += 8
		for bits >= 5 {
			bits -= 5
			dst = append(dst, alphabet[(acc>>bits)&31])
		}
	}
	return dst
}

// decodeBase32 decodes upper-case Crockford characters (aliases allowed)
// into dst; len(s)*5 must equal len(dst)*8 and every character must be valid.
func decodeBase32(dst []byte, s []byte) {
	var acc uint64
	bits := 0
	n := 0
	for _, c := range s {
		acc = acc<<5 | uint64(decodeMap[c])
		bits += 5
		if bits >= 8 {
			bits -= 8
			dst[n] = byte(acc >> bits)
			n++
		}
	}
}

// luhnCheck returns the Luhn mod N (N = 32) check value for the Crockford
// characters s (aliases allowed, all valid): from the rightmost character,
// values are alternately doubled, the base-32 digits of each product summed,
// and the check value brings the total to a multiple of 32.
func luhnCheck(s []byte) byte {
	const n = 32
	factor, sum := 2, 0
	for i := len(s) - 1; i >= 0; i-- {
		v := factor * int(decodeMap[s[i]])
		sum += v/n + v%n
		factor = 3 - factor
	}
	return byte((n - sum%n) % n)
}

// normalise maps text as a scanner or keyboard may deliver it to upper-case
// ASCII, one byte per rune: full-width forms U+FF01–U+FF5E become their
// ASCII counterparts (as typed with a Chinese input method), lower case
// becomes upper case (Caps Lock), and any other non-ASCII rune or invalid
// UTF-8 byte becomes '?', which is never part of a code.
func normalise(text string) []byte {
	out := make([]byte, 0, len(text))
	for _, r := range text {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFF01 - 0x21
		case r == 0x3000: // ideographic space
			r = ' '
		case r >= utf8.RuneSelf:
			r = '?'
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		out = append(out, byte(r))
	}
	return out
}

// Parse reads a pass code from text as a scanner or keyboard delivered it
// and returns it without checking its signature (see Verify).
//
// It accepts lower case, full-width characters, the Crockford aliases O (for
// 0) and I, L (for 1), surrounding white space (CR, LF, Tab) and anything a
// scanner put before the code, such as an AIM identifier ("]Q1") or an ECI
// escape ("\000026"). The code is the last occurrence in text of "CK"
// followed by exactly 121 Base32 characters (aliases included) and then the
// end of the text or a character outside the alphabet; any other characters
// may precede it. Errors wrap ErrUnreadable: no such occurrence (no
// code, or a dropped or doubled character), a wrong check character, a
// version other than Version, or key id 0 (which Encode never writes).
func Parse(text string) (Code, error) {
	s := normalise(text)
	// Walk the runs of Base32 characters from right to left; the first
	// candidate found decides.
	var short error
	for end := len(s); end >= Len; {
		// Find the run of Base32 characters ending at end.
		start := end
		for start > 0 && decodeMap[s[start-1]] != invalid {
			start--
		}
		// A candidate is "CK" (C and K are Base32 characters) followed by
		// exactly bodyLen+1 characters ending at end.
		if i := end - Len; i >= start && s[i] == 'C' && s[i+1] == 'K' {
			return decode(s[i+len(Prefix) : end])
		}
		if short == nil && end-start >= Len-1 {
			short = fmt.Errorf("%w: %d Base32 characters in a row, want %d starting %q",
				ErrUnreadable, end-start, Len, Prefix)
		}
		// Move to the previous run.
		end = start
		for end > 0 && decodeMap[s[end-1]] == invalid {
			end--
		}
	}
	if short != nil {
		return Code{}, short
	}
	return Code{}, fmt.Errorf("%w: no %d-character %q code in %d bytes of text", ErrUnreadable, Len, Prefix, len(text))
}

// decode decodes the bodyLen Base32 characters and check character of a
// code; s holds only valid characters.
func decode(s []byte) (Code, error) {
	body, check := s[:bodyLen], s[bodyLen]
	if want := luhnCheck(body); decodeMap[check] != want {
		return Code{}, fmt.Errorf("%w: check character %c, want %c", ErrUnreadable, check, alphabet[want])
	}
	var b [BinarySize]byte
	decodeBase32(b[:], body)
	c := Code{Payload: payloadFrom(b[:PayloadSize])}
	copy(c.Signature[:], b[PayloadSize:])
	if c.Version != Version {
		return Code{}, fmt.Errorf("%w: version %d, want %d", ErrUnreadable, c.Version, Version)
	}
	if c.KeyID == 0 {
		return Code{}, fmt.Errorf("%w: key id 0", ErrUnreadable)
	}
	return c, nil
}
