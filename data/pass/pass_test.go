package pass

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json from the current encoder")

// testKey is a fixed key: RFC 8032 section 7.1 test 1 seed, key id 7.
func testKey(t testing.TB) Key {
	t.Helper()
	seed, _ := hex.DecodeString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
	k, err := KeyFromSeed(7, seed)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustEncode(t testing.TB, k Key, p Payload) string {
	t.Helper()
	s, err := Encode(k, p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sample is a code whose text holds both '0' and '1' characters.
func sample(t testing.TB) (Key, Payload, string) {
	t.Helper()
	k := testKey(t)
	p := Payload{No: 123456, IssuedDay: Day(time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC))}
	s := mustEncode(t, k, p)
	p.Version, p.KeyID = Version, k.ID
	return k, p, s
}

func keysOf(ks ...Key) func(uint32) (ed25519.PublicKey, bool) {
	return func(id uint32) (ed25519.PublicKey, bool) {
		for _, k := range ks {
			if k.ID == id {
				return k.Public(), true
			}
		}
		return nil, false
	}
}

func TestShape(t *testing.T) {
	if Len != 123 || BinarySize != 75 || bodyLen != 120 {
		t.Fatalf("Len %d, BinarySize %d, bodyLen %d", Len, BinarySize, bodyLen)
	}
	_, _, s := sample(t)
	if len(s) != Len || !strings.HasPrefix(s, Prefix) {
		t.Fatalf("%q: length %d", s, len(s))
	}
	for _, c := range s {
		if !strings.ContainsRune(alphabet, c) {
			t.Fatalf("%q holds %q, outside Crockford Base32", s, c)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	k := testKey(t)
	for _, p := range []Payload{
		{No: 0, IssuedDay: 0},
		{No: 1, IssuedDay: 1},
		{No: math.MaxUint32, IssuedDay: math.MaxUint16},
		{Version: Version, KeyID: k.ID, No: 42, IssuedDay: 2000},
	} {
		s := mustEncode(t, k, p)
		c, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		want := p
		want.Version, want.KeyID = Version, k.ID
		if c.Payload != want {
			t.Errorf("payload %+v, want %+v", c.Payload, want)
		}
		if !c.Verify(k.Public()) {
			t.Errorf("%+v does not verify", p)
		}
		if c.String() != s {
			t.Errorf("String %q, want %q", c.String(), s)
		}
		if got := c.Ref(); got != (data.PassRef{KeyID: k.ID, No: p.No}) {
			t.Errorf("Ref %+v", got)
		}
		c2, ok, err := Verify(s, keysOf(k))
		if err != nil || !ok || c2 != c {
			t.Errorf("Verify: %+v %v %v", c2, ok, err)
		}
	}
}

func TestRandomKeys(t *testing.T) {
	for i := range 20 {
		k, err := NewKey(nil)
		if err != nil {
			t.Fatal(err)
		}
		if k.ID == 0 {
			t.Fatal("key id 0")
		}
		s := mustEncode(t, k, Payload{No: uint32(i)})
		if _, ok, err := Verify(s, keysOf(k)); !ok || err != nil {
			t.Fatalf("%q: %v %v", s, ok, err)
		}
	}
}

type vector struct {
	Seed      string `json:"seed"`   // hex, ed25519.NewKeyFromSeed
	Public    string `json:"public"` // hex
	KeyID     uint32 `json:"key_id"`
	No        uint32 `json:"no"`
	IssuedDay uint16 `json:"issued_day"`
	Issued    string `json:"issued"` // YYYY-MM-DD, for readers
	Text      string `json:"text"`
}

// TestVectors checks the encoding against testdata/vectors.json both ways.
// Run with -update to rewrite the file after a deliberate format change.
func TestVectors(t *testing.T) {
	path := filepath.Join("testdata", "vectors.json")
	if *update {
		seeds := []string{
			"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", // RFC 8032 7.1 test 1
			"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", // test 2
			"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", // test 3
			"0000000000000000000000000000000000000000000000000000000000000000",
		}
		pays := []Payload{
			{KeyID: 1, No: 1, IssuedDay: 0},
			{KeyID: 0x2A5F19C3, No: 100234, IssuedDay: Day(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))},
			{KeyID: math.MaxUint32, No: math.MaxUint32, IssuedDay: math.MaxUint16},
			{KeyID: 20240101, No: 0, IssuedDay: 1461},
		}
		var vs []vector
		for i, seed := range seeds {
			sb, _ := hex.DecodeString(seed)
			k, err := KeyFromSeed(pays[i].KeyID, sb)
			if err != nil {
				t.Fatal(err)
			}
			vs = append(vs, vector{
				Seed: seed, Public: hex.EncodeToString(k.Public()),
				KeyID: k.ID, No: pays[i].No, IssuedDay: pays[i].IssuedDay,
				Issued: pays[i].Issued().Format(time.DateOnly),
				Text:   mustEncode(t, k, pays[i]),
			})
		}
		b, _ := json.MarshalIndent(vs, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) < 3 {
		t.Fatalf("%d vectors", len(vs))
	}
	for _, v := range vs {
		seed, _ := hex.DecodeString(v.Seed)
		k, err := KeyFromSeed(v.KeyID, seed)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(k.Public()); got != v.Public {
			t.Errorf("public key %s, want %s", got, v.Public)
		}
		p := Payload{Version: Version, KeyID: v.KeyID, No: v.No, IssuedDay: v.IssuedDay}
		if got := p.Issued().Format(time.DateOnly); got != v.Issued {
			t.Errorf("issued %s, want %s", got, v.Issued)
		}
		if got := mustEncode(t, k, p); got != v.Text {
			t.Errorf("Encode(%+v)\n got %s\nwant %s", p, got, v.Text)
		}
		c, ok, err := Verify(v.Text, keysOf(k))
		if err != nil || !ok {
			t.Errorf("Verify(%s): %v %v", v.Text, ok, err)
		}
		if c.Payload != p {
			t.Errorf("parsed %+v, want %+v", c.Payload, p)
		}
	}
}

// withCheck replaces the check character of a text (without it) so that
// the result passes Parse's check.
func withCheck(body string) string {
	b := []byte(body)
	return body + string(alphabet[luhnCheck(b[len(Prefix):])])
}

func TestTampered(t *testing.T) {
	k, _, s := sample(t)
	c, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	// A changed signature byte, re-encoded with a valid check character.
	c1 := c
	c1.Signature[10] ^= 0x01
	// A changed payload (someone raising their pass number) with the old signature.
	c2 := c
	c2.No++
	// A changed body character with a recomputed check character.
	b := []byte(s[:Len-1])
	b[40] = alphabet[(strings.IndexByte(alphabet, b[40])+1)%32]
	c3text := withCheck(string(b))
	for _, text := range []string{c1.String(), c2.String(), c3text} {
		if _, err := Parse(text); err != nil {
			t.Fatalf("Parse(%q): %v", text, err)
		}
		got, ok, err := Verify(text, keysOf(k))
		if !errors.Is(err, ErrTampered) || ok {
			t.Errorf("Verify(%q) = %v, %v; want ErrTampered", text, ok, err)
		}
		if errors.Is(err, ErrUnreadable) {
			t.Errorf("tampered reported as unreadable: %v", err)
		}
		if got.Ref().IsZero() {
			t.Errorf("tampered code not returned")
		}
	}
	// A wrong key of the same id: tampered, not unknown.
	other, _ := NewKey(nil)
	other.ID = k.ID
	if _, _, err := Verify(s, keysOf(other)); !errors.Is(err, ErrTampered) {
		t.Errorf("wrong key: %v", err)
	}
	// A public key of the wrong length never verifies (and never panics).
	if c.Verify(ed25519.PublicKey{1, 2, 3}) || c.Verify(nil) {
		t.Error("short public key verified")
	}
}

func TestUnknownKey(t *testing.T) {
	k, p, s := sample(t)
	other, _ := NewKey(nil)
	for _, keys := range []func(uint32) (ed25519.PublicKey, bool){nil, keysOf(), keysOf(other)} {
		c, ok, err := Verify(s, keys)
		if err != nil || ok || c.Payload != p {
			t.Errorf("Verify = %+v, %v, %v; want the code, unverified", c, ok, err)
		}
	}
	_ = k
}

func wantUnreadable(t *testing.T, what, text string) {
	t.Helper()
	c, err := Parse(text)
	if !errors.Is(err, ErrUnreadable) {
		t.Errorf("%s: Parse(%q) = %+v, %v; want ErrUnreadable", what, text, c, err)
	}
	if _, ok, err := Verify(text, nil); !errors.Is(err, ErrUnreadable) || ok {
		t.Errorf("%s: Verify(%q) = %v, %v; want ErrUnreadable", what, text, ok, err)
	}
}

func TestMisreads(t *testing.T) {
	_, _, s := sample(t)
	for i := range len(s) {
		wantUnreadable(t, "dropped", s[:i]+s[i+1:])
		// Doubling the leading C leaves "C" junk before an intact code.
		if i > 0 {
			wantUnreadable(t, "doubled", s[:i+1]+s[i:])
		}
		orig := decodeMap[s[i]]
		for j := range len(alphabet) {
			if byte(j) == orig {
				continue
			}
			wantUnreadable(t, "changed", s[:i]+alphabet[j:j+1]+s[i+1:])
		}
		// Characters outside the alphabet.
		for _, r := range []string{"U", "-", " ", "?", "é", "\x00"} {
			wantUnreadable(t, "replaced by "+r, s[:i]+r+s[i+1:])
		}
	}
	wantUnreadable(t, "two dropped", s[:50]+s[52:])
	wantUnreadable(t, "truncated", s[:Len-1])
	wantUnreadable(t, "extra", s+"0")
}

// TestTranspositions reports how many adjacent swaps Luhn mod 32 catches.
func TestTranspositions(t *testing.T) {
	_, _, s := sample(t)
	caught, total := 0, 0
	for i := len(Prefix); i+1 < len(s); i++ {
		if s[i] == s[i+1] {
			continue
		}
		total++
		if _, err := Parse(s[:i] + s[i+1:i+2] + s[i:i+1] + s[i+2:]); err != nil {
			caught++
		}
	}
	if caught*100 < total*90 {
		t.Errorf("only %d of %d adjacent transpositions caught", caught, total)
	}
	t.Logf("%d of %d adjacent transpositions caught", caught, total)
}

func TestGarbage(t *testing.T) {
	_, _, s := sample(t)
	for _, text := range []string{
		"", " ", "CK", "ck", "hello", "13800138000",
		"https://example.org/?p=" + s[:40],
		strings.Repeat("0", Len),
		"CK" + strings.Repeat("0", Len-2),
		"CK" + strings.Repeat("U", Len-2),
		strings.Repeat("CK", 200),
		"\xff\xfe" + s[2:],
		string([]byte{0x80}) + s[:Len-1],
	} {
		wantUnreadable(t, "garbage", text)
	}
}

func TestBadVersionAndKey(t *testing.T) {
	_, p, _ := sample(t)
	c := Code{Payload: p}
	c.Version = 2
	wantUnreadable(t, "version 2", c.String())
	c.Version = 0
	wantUnreadable(t, "version 0", c.String())
	c.Version, c.KeyID = Version, 0
	wantUnreadable(t, "key id 0", c.String())
}

func TestLenient(t *testing.T) {
	_, p, s := sample(t)
	if !strings.ContainsAny(s[len(Prefix):], "0") || !strings.ContainsAny(s[len(Prefix):], "1") {
		t.Fatalf("sample %q lacks 0 or 1; pick another", s)
	}
	fullWidth := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			b.WriteRune(r + 0xFF01 - 0x21)
		}
		return b.String()
	}
	body := s[len(Prefix):]
	for name, text := range map[string]string{
		"canonical":        s,
		"lower case":       strings.ToLower(s),
		"full width":       fullWidth(s),
		"full width lower": fullWidth(strings.ToLower(s)),
		"mixed width":      fullWidth(s[:60]) + s[60:],
		"O for 0":          Prefix + strings.ReplaceAll(body, "0", "O"),
		"I for 1":          Prefix + strings.ReplaceAll(body, "1", "I"),
		"L for 1":          Prefix + strings.ReplaceAll(body, "1", "L"),
		"o, i, l":          Prefix + strings.ToLower(strings.NewReplacer("0", "O", "1", "l").Replace(body)),
		"AIM QR":           "]Q1" + s,
		"AIM QR lower":     "]q1" + strings.ToLower(s),
		"ECI escape":       `]Q2\000026` + s,
		"ECI bare":         `\000026` + s,
		"digits before":    "000026" + s,
		"CK before":        "CKCK" + s,
		"junk before":      "x\x00\x1b[A" + s,
		"CR LF":            s + "\r\n",
		"Tab":              s + "\t",
		"LF":               s + "\n",
		"spaces":           "  " + s + " ",
		"ideographic":      "\u3000" + s + "\u3000",
		"garbage after":    s + "\r\n???",
		"two codes":        s[:80] + "\n" + s,
		"read twice":       s + s, // the first read is junk before the second
		"BOM":              "\ufeff" + s,
	} {
		c, err := Parse(text)
		if err != nil {
			t.Errorf("%s: Parse(%q): %v", name, text, err)
			continue
		}
		if c.Payload != p || c.String() != s {
			t.Errorf("%s: got %+v %s", name, c.Payload, c)
		}
	}
}

// TestOtherLayouts: a code typed through a keyboard layout other than US
// cannot be undone, since the keys they move carry characters of the code
// alphabet; it is refused as unreadable, never read as some other pass.
func TestOtherLayouts(t *testing.T) {
	_, _, s := sample(t)
	if !strings.ContainsAny(s, "YZ") {
		t.Fatalf("sample %q lacks Y and Z; pick another", s)
	}
	// German QWERTZ swaps Y and Z.
	wantUnreadable(t, "QWERTZ", strings.NewReplacer("Y", "Z", "Z", "Y").Replace(s))
	// French AZERTY: the unshifted digit row gives &é"'(-è_çà, A and Q and
	// W and Z swap, and the US M key is AZERTY's comma (? with Shift).
	wantUnreadable(t, "AZERTY", strings.NewReplacer(
		"1", "&", "2", "é", "3", `"`, "4", "'", "5", "(", "6", "-", "7", "è", "8", "_", "9", "ç", "0", "à",
		"A", "Q", "Q", "A", "W", "Z", "Z", "W", "M", "?").Replace(s))
}

func TestDay(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	for _, tc := range []struct {
		t    time.Time
		want uint16
	}{
		{Epoch, 0},
		{Epoch.Add(-time.Nanosecond), 0},
		{time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC), 0},
		{time.Time{}, 0},
		{time.Date(2020, 1, 1, 23, 59, 59, 0, time.UTC), 0},
		{time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC), 1},
		{time.Date(2024, 3, 1, 7, 0, 0, 0, sh), 1520}, // 2024-02-29 UTC
		{time.Date(2199, 6, 6, 12, 0, 0, 0, time.UTC), 65535},
		{time.Date(2199, 6, 7, 0, 0, 0, 0, time.UTC), 65535},
		{time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), 65535},
	} {
		if got := Day(tc.t); got != tc.want {
			t.Errorf("Day(%v) = %d, want %d", tc.t, got, tc.want)
		}
	}
	for _, d := range []uint16{0, 1, 1520, 65535} {
		p := Payload{IssuedDay: d}
		if Day(p.Issued()) != d || Day(p.Issued().Add(24*time.Hour-1)) != d {
			t.Errorf("day %d: Issued %v", d, p.Issued())
		}
	}
	if got := (Payload{IssuedDay: 1520}).Issued(); !got.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Issued = %v", got)
	}
}

func TestEncodeErrors(t *testing.T) {
	k := testKey(t)
	for name, tc := range map[string]struct {
		k Key
		p Payload
	}{
		"key id 0":     {Key{ID: 0, Private: k.Private}, Payload{}},
		"no private":   {Key{ID: 1}, Payload{}},
		"short key":    {Key{ID: 1, Private: k.Private[:32]}, Payload{}},
		"version 2":    {k, Payload{Version: 2}},
		"other key id": {k, Payload{KeyID: k.ID + 1}},
	} {
		if s, err := Encode(tc.k, tc.p); err == nil {
			t.Errorf("%s: Encode = %q, want an error", name, s)
		}
	}
	if (Key{}).Public() != nil {
		t.Error("zero key has a public key")
	}
}

type zeroThen struct{ n int }

// Read yields n zero bytes, then 1, 2, 3, ...
func (z *zeroThen) Read(p []byte) (int, error) {
	for i := range p {
		if z.n > 0 {
			p[i] = 0
			z.n--
		} else {
			p[i] = byte(i + 1)
		}
	}
	return len(p), nil
}

func TestNewKey(t *testing.T) {
	k, err := NewKey(&zeroThen{n: 8})
	if err != nil || k.ID == 0 || len(k.Private) != ed25519.PrivateKeySize {
		t.Fatalf("NewKey = %+v, %v", k, err)
	}
	if _, err := NewKey(bytes.NewReader([]byte{0, 0, 0, 0, 1})); err == nil {
		t.Error("NewKey with a short reader succeeded")
	}
	if _, err := NewKey(bytes.NewReader([]byte{0, 0, 0, 1})); !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		t.Errorf("NewKey error %v does not wrap the reader's", err)
	}
	if _, err := KeyFromSeed(1, []byte{1}); err == nil {
		t.Error("KeyFromSeed with a short seed succeeded")
	}
	if _, err := KeyFromSeed(0, make([]byte, 32)); err == nil {
		t.Error("KeyFromSeed with id 0 succeeded")
	}
}

func TestLuhn(t *testing.T) {
	// The check character makes the Luhn mod 32 sum of the whole body zero.
	_, _, s := sample(t)
	b := []byte(s[len(Prefix):])
	factor, sum := 1, 0
	for i := len(b) - 1; i >= 0; i-- {
		v := factor * int(decodeMap[b[i]])
		sum += v/32 + v%32
		factor = 3 - factor
	}
	if sum%32 != 0 {
		t.Errorf("sum %d", sum)
	}
	// Known small case: Luhn mod N of "1" in base 32: 2*1 = 2, check 30 = 'Y'.
	if got := alphabet[luhnCheck([]byte("1"))]; got != 'Y' {
		t.Errorf("check of 1 = %c", got)
	}
}

// FuzzParse checks that Parse never panics and that any code it accepts is
// present, canonicalised, in the input and reads back to itself.
func FuzzParse(f *testing.F) {
	_, _, s := sample(f)
	for _, seed := range []string{
		s, strings.ToLower(s), "]Q1" + s + "\r\n", `\000026` + s, s[:Len-1], s + s,
		"", "CK", "ＣＫ" + s[2:], strings.Repeat("CK", 70), "\xff" + s,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := Parse(text)
		if err != nil {
			if !errors.Is(err, ErrUnreadable) {
				t.Fatalf("error %v does not wrap ErrUnreadable", err)
			}
			return
		}
		canon := c.String()
		if len(canon) != Len {
			t.Fatalf("canonical %q has length %d", canon, len(canon))
		}
		c2, err := Parse(canon)
		if err != nil || c2 != c {
			t.Fatalf("canonical %q reads as %+v, %v; want %+v", canon, c2, err, c)
		}
		n := normalise(text)
		for i, b := range n {
			if v := decodeMap[b]; v != invalid {
				n[i] = alphabet[v]
			}
		}
		if !bytes.Contains(n, []byte(canon)) {
			t.Fatalf("accepted %q as %q, which it does not contain", text, canon)
		}
		_, _, _ = Verify(text, func(uint32) (ed25519.PublicKey, bool) { return make([]byte, 32), true })
	})
}

func BenchmarkEncode(b *testing.B) {
	k := testKey(b)
	p := Payload{No: 123456, IssuedDay: 2000}
	for b.Loop() {
		if _, err := Encode(k, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	_, _, s := sample(b)
	text := "]Q1" + strings.ToLower(s) + "\r\n"
	for b.Loop() {
		if _, err := Parse(text); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	k, _, s := sample(b)
	keys := keysOf(k)
	for b.Loop() {
		if _, ok, err := Verify(s, keys); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
