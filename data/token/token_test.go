package token

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data/pass"
)

func newKey(t *testing.T) pass.Key {
	t.Helper()
	k, err := pass.NewKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSignParseVerify(t *testing.T) {
	k := newKey(t)
	now := time.Date(2026, 11, 25, 2, 0, 10, 0, time.UTC)
	start := now.Add(-time.Hour).UnixMilli()
	p := For(k.ID, "lecture-2026", start, now)
	text, err := Sign(k, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(text) != Len || strings.ToUpper(text) != text {
		t.Fatalf("text %q: %d characters", text, len(text))
	}
	tok, err := Parse(strings.ToLower(text))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Payload != p {
		t.Fatalf("payload %+v, want %+v", tok.Payload, p)
	}
	if err := tok.Verify(k.Public()); err != nil {
		t.Fatal(err)
	}
	if !tok.Matches("lecture-2026", start) || tok.Matches("lecture-2027", start) || tok.Matches("lecture-2026", start+60_000) {
		t.Fatal("Matches")
	}
	if !tok.Fresh(now.Add(SlotSeconds*time.Second)) || !tok.Fresh(now.Add(-SlotSeconds*time.Second)) {
		t.Fatal("a token one slot away must be fresh")
	}
	if tok.Fresh(now.Add(2*SlotSeconds*time.Second)) || tok.Fresh(now.Add(-2*SlotSeconds*time.Second)) {
		t.Fatal("a token two slots away must be stale")
	}
	if err := tok.Verify(newKey(t).Public()); !errors.Is(err, ErrForged) {
		t.Fatalf("another key: %v", err)
	}
}

func TestTampered(t *testing.T) {
	k := newKey(t)
	text, err := Sign(k, For(k.ID, "ev", 1_800_000_000_000, time.Unix(1_800_000_100, 0)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < Len; i += 7 {
		b := []byte(text)
		if b[i] == 'Z' {
			b[i] = 'Y'
		} else {
			b[i] = 'Z'
		}
		tok, err := Parse(string(b))
		if err != nil {
			if !errors.Is(err, ErrUnreadable) {
				t.Fatalf("char %d: %v", i, err)
			}
			continue
		}
		if tok.Verify(k.Public()) == nil {
			t.Fatalf("a token changed at character %d verifies", i)
		}
	}
	for _, bad := range []string{"", text[1:], text + "0", strings.Replace(text, text[:1], "U", 1)} {
		if _, err := Parse(bad); !errors.Is(err, ErrUnreadable) {
			t.Errorf("Parse(%q): %v", bad, err)
		}
	}
}

func TestPassSignatureIsNoToken(t *testing.T) {
	// A pass signature never verifies as a token signature (context).
	k := newKey(t)
	code, err := pass.Encode(k, pass.Payload{No: 1, IssuedDay: 100})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := pass.Parse(code)
	var tok Token
	tok.Version, tok.KeyID = Version, k.ID
	tok.Signature = c.Signature
	if tok.Verify(k.Public()) == nil {
		t.Fatal("a pass signature verified as a token")
	}
}

func TestURL(t *testing.T) {
	text := strings.Repeat("A", Len)
	if got := URL("http://127.0.0.1:8443/", text); got != "HTTP://127.0.0.1:8443/P/"+text {
		t.Errorf("URL: %s", got)
	}
	if got := URL("https://hub.example.cn/civic", text); got != "https://hub.example.cn/civic/P/"+text {
		t.Errorf("URL with a path: %s", got)
	}
	n, err := pass.Modules(URL("https://hub.example.cn:8443", text), false)
	if err != nil || n > 61 {
		t.Errorf("QR code of the URL: %d modules, %v", n, err)
	}
}
