package scan

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

var t0 = time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)

const ms = time.Millisecond

// scanner types text at one rune per step starting at start and returns the
// scans completed along the way and the time after the last rune.
func typeText(a *Assembler, text string, start time.Time, step time.Duration) ([]string, time.Time) {
	var out []string
	at := start
	for _, r := range text {
		out = append(out, a.Rune(r, at)...)
		at = at.Add(step)
	}
	return out, at.Add(-step)
}

func check(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %q, want %q", what, got, want)
	}
}

const code = "CK04000001000000800088WTWS111GEXD1BAD857XD34ZYGV6E7Z5Q210S169JKD3K0PEVB63E1A0XJSTBG34DYYFMHRWGHFHNBT0B8ASX448FE6RH63RBT2R6S"

func TestTerminators(t *testing.T) {
	for _, k := range []Key{KeyReturn, KeyEnter, KeyTab, "Enter"} {
		a := New(Options{})
		got, end := typeText(a, code, t0, 2*ms)
		check(t, "while typing", got)
		if !a.Pending() {
			t.Fatal("not pending after typing")
		}
		check(t, string(k), a.Key(k, end.Add(ms)), code)
		if a.Pending() || !a.Deadline().IsZero() {
			t.Errorf("%s: still pending", k)
		}
		check(t, string(k)+" then flush", a.Flush(end.Add(time.Second)))
	}
}

func TestTerminatorRunes(t *testing.T) {
	for _, r := range []rune{'\r', '\n', '\t'} {
		a := New(Options{})
		_, end := typeText(a, code, t0, 2*ms)
		check(t, "rune", a.Rune(r, end.Add(ms)), code)
	}
}

func TestCRLF(t *testing.T) {
	a := New(Options{})
	_, end := typeText(a, code, t0, 2*ms)
	var got []string
	got = append(got, a.Key(KeyReturn, end.Add(1*ms))...)
	got = append(got, a.Key(KeyReturn, end.Add(2*ms))...)
	got = append(got, a.Rune('\n', end.Add(3*ms))...)
	got = append(got, a.Flush(end.Add(time.Second))...)
	check(t, "CR LF", got, code)

	a = New(Options{})
	_, end = typeText(a, code+"\r\n", t0, 2*ms)
	check(t, "CR LF as runes", a.Flush(end.Add(time.Second)))
	a = New(Options{})
	got, _ = typeText(a, code+"\r\n", t0, 2*ms)
	check(t, "CR LF as runes", got, code)
}

func TestFlushByGap(t *testing.T) {
	a := New(Options{})
	_, end := typeText(a, code, t0, 3*ms)
	if want := end.Add(DefaultGap); !a.Deadline().Equal(want) {
		t.Errorf("Deadline %v, want %v", a.Deadline(), want)
	}
	check(t, "flush before gap", a.Flush(end.Add(DefaultGap-time.Nanosecond)))
	check(t, "flush at the same instant", a.Flush(end))
	if !a.Pending() {
		t.Fatal("early flush ended the scan")
	}
	check(t, "flush at gap", a.Flush(end.Add(DefaultGap)), code)
	check(t, "second flush", a.Flush(end.Add(time.Hour)))
	if a.Pending() || !a.Deadline().IsZero() {
		t.Error("pending after flush")
	}
}

func TestNextBurstEndsPrevious(t *testing.T) {
	// No Flush call: the first rune of the next scan, after a gap,
	// completes the previous one.
	a := New(Options{})
	_, end := typeText(a, "ABCDEF", t0, 5*ms)
	got, end := typeText(a, "GHIJKL", end.Add(500*ms), 5*ms)
	check(t, "next burst", got, "ABCDEF")
	check(t, "key after gap", a.Key("Shift_L", end.Add(time.Second)), "GHIJKL")
}

func TestFastTyping(t *testing.T) {
	// A fast scanner: every rune at the same instant.
	a := New(Options{})
	got, end := typeText(a, code, t0, 0)
	check(t, "same instant", got)
	check(t, "enter", a.Key(KeyReturn, end), code)
}

func TestSlowHuman(t *testing.T) {
	a := New(Options{})
	var got []string
	at := t0
	for _, r := range "13800138000" {
		got = append(got, a.Rune(r, at)...)
		got = append(got, a.Flush(at.Add(DefaultGap))...)
		at = at.Add(300 * ms)
	}
	got = append(got, a.Key(KeyReturn, at)...)
	got = append(got, a.Flush(at.Add(time.Hour))...)
	check(t, "slow typing", got)
}

func TestShortBurst(t *testing.T) {
	a := New(Options{})
	_, end := typeText(a, "12", t0, 10*ms)
	check(t, "short + enter", a.Key(KeyReturn, end))
	_, end = typeText(a, "  ab  ", end.Add(time.Second), 0)
	check(t, "short after trimming", a.Key(KeyReturn, end))
	_, end = typeText(a, "abcd", end.Add(time.Second), 0)
	check(t, "MinLen", a.Key(KeyReturn, end), "abcd")
	check(t, "lone enter", a.Key(KeyReturn, end.Add(time.Second)))

	a = New(Options{MinLen: 1})
	_, end = typeText(a, "x", t0, 0)
	check(t, "MinLen 1", a.Key(KeyTab, end), "x")
}

func TestDedupe(t *testing.T) {
	a := New(Options{})
	var got []string
	read := func(text string, at time.Time) {
		_, end := typeText(a, text, at, 2*ms)
		got = append(got, a.Key(KeyReturn, end)...)
	}
	read(code, t0)
	read(code, t0.Add(400*ms)) // double read
	check(t, "double read", got, code)

	got = nil
	read(code, t0.Add(3*time.Second))
	check(t, "same code after 2 s", got, code)

	// A code held under the scanner: each read within 1 s of the previous.
	got = nil
	for i := 1; i <= 5; i++ {
		read(code, t0.Add(3*time.Second+time.Duration(i)*800*ms))
	}
	check(t, "held under the scanner", got)

	// Case and surrounding space do not matter; the text is returned raw.
	got = nil
	b := New(Options{})
	for i, s := range []string{"abc-123", " ABC-123", "abc-123 "} {
		_, end := typeText(b, s, t0.Add(time.Duration(i)*300*ms), 0)
		got = append(got, b.Key(KeyReturn, end)...)
	}
	check(t, "fold and trim", got, "abc-123")

	// Dedupe disabled.
	c := New(Options{Dedupe: -1})
	got = nil
	for i := range 3 {
		_, end := typeText(c, "ABCD", t0.Add(time.Duration(i)*200*ms), 0)
		got = append(got, c.Key(KeyReturn, end)...)
	}
	check(t, "dedupe off", got, "ABCD", "ABCD", "ABCD")
}

func TestDedupeByFlush(t *testing.T) {
	// Without terminators: two reads 300 ms apart, flushed by the timer.
	a := New(Options{})
	var got []string
	_, end := typeText(a, code, t0, 2*ms)
	got = append(got, a.Flush(end.Add(DefaultGap))...)
	_, end = typeText(a, code, end.Add(300*ms), 2*ms)
	got = append(got, a.Flush(end.Add(DefaultGap))...)
	check(t, "flushed double read", got, code)
}

func TestDifferentCodes(t *testing.T) {
	a := New(Options{})
	var got []string
	_, end := typeText(a, "CODE-ONE", t0, ms)
	got = append(got, a.Key(KeyReturn, end)...)
	_, end = typeText(a, "CODE-TWO", end.Add(ms), ms)
	got = append(got, a.Key(KeyReturn, end)...)
	_, end = typeText(a, "CODE-ONE", end.Add(ms), ms)
	got = append(got, a.Key(KeyReturn, end)...)
	check(t, "back to back", got, "CODE-ONE", "CODE-TWO", "CODE-ONE")
}

func TestGarbageAndControls(t *testing.T) {
	a := New(Options{})
	_, end := typeText(a, "hello, 世界 ]Q1 ???", t0, ms)
	check(t, "garbage", a.Key(KeyReturn, end), "hello, 世界 ]Q1 ???")

	_, end = typeText(a, "\x1b[A\x00AB\x7fCD\u0085\x04", end.Add(time.Second), 0)
	check(t, "controls", a.Key(KeyReturn, end), "[AABCD")

	// Only control characters: nothing pending.
	_, end = typeText(a, "\x00\x01\x02\x03\x04", end.Add(time.Second), 0)
	if a.Pending() {
		t.Error("control characters left a scan pending")
	}
	check(t, "only controls", a.Flush(end.Add(time.Second)))
}

func TestOtherKeysIgnored(t *testing.T) {
	a := New(Options{})
	_, end := typeText(a, "AB", t0, ms)
	check(t, "shift", a.Key("LeftShift", end.Add(ms)))
	check(t, "escape", a.Key("Escape", end.Add(2*ms)))
	check(t, "backspace", a.Key("BackSpace", end.Add(3*ms)))
	_, end = typeText(a, "CD", end.Add(4*ms), ms)
	check(t, "after other keys", a.Key(KeyReturn, end), "ABCD")
}

func TestMaxLen(t *testing.T) {
	a := New(Options{MaxLen: 10})
	_, end := typeText(a, strings.Repeat("x", 25), t0, 0)
	check(t, "truncated", a.Key(KeyReturn, end), strings.Repeat("x", 10))
	a = New(Options{})
	_, end = typeText(a, strings.Repeat("y", 2*DefaultMaxLen), t0, 0)
	got := a.Key(KeyReturn, end)
	if len(got) != 1 || len(got[0]) != DefaultMaxLen {
		t.Errorf("default MaxLen: %d scans", len(got))
	}
}

func TestBackwardsClock(t *testing.T) {
	a := New(Options{})
	a.Rune('A', t0)
	back := t0.Add(-time.Second)
	a.Rune('B', back) // the clock stepped back: no gap
	a.Rune('C', back)
	a.Rune('D', back.Add(ms))
	check(t, "backwards", a.Key(KeyReturn, back.Add(2*ms)), "ABCD")
}

func TestOptions(t *testing.T) {
	got := New(Options{}).Options()
	want := Options{Gap: DefaultGap, Dedupe: DefaultDedupe, MinLen: DefaultMinLen, MaxLen: DefaultMaxLen}
	if got != want {
		t.Errorf("defaults %+v, want %+v", got, want)
	}
	o := Options{Gap: 50 * ms, Dedupe: -1, MinLen: 8, MaxLen: 200}
	if got := New(o).Options(); got != o {
		t.Errorf("options %+v, want %+v", got, o)
	}
	a := New(Options{Gap: 30 * ms})
	_, end := typeText(a, "ABCD", t0, 10*ms)
	check(t, "custom gap, early", a.Flush(end.Add(29*ms)))
	check(t, "custom gap", a.Flush(end.Add(30*ms)), "ABCD")
}

func TestConcurrent(t *testing.T) {
	a := New(Options{Dedupe: -1})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var got []string
	wg.Add(2)
	go func() {
		defer wg.Done()
		at := t0
		for range 200 {
			for _, r := range "ABCDEFGH" {
				s := a.Rune(r, at)
				mu.Lock()
				got = append(got, s...)
				mu.Unlock()
			}
			s := a.Key(KeyReturn, at)
			mu.Lock()
			got = append(got, s...)
			mu.Unlock()
			at = at.Add(time.Second)
		}
	}()
	go func() {
		defer wg.Done()
		for range 2000 {
			s := a.Flush(t0)
			_ = a.Pending()
			_ = a.Deadline()
			mu.Lock()
			got = append(got, s...)
			mu.Unlock()
		}
	}()
	wg.Wait()
	if len(got) != 200 {
		t.Errorf("%d scans, want 200", len(got))
	}
	for _, s := range got {
		if s != "ABCDEFGH" {
			t.Fatalf("scan %q", s)
		}
	}
}

// FuzzAssembler feeds random runes, keys and time steps: it must never
// panic, never return an empty string, a string with control characters or
// one shorter than MinLen, and must keep Pending and Deadline consistent.
func FuzzAssembler(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 1, 5, 0, 0, 0, 0, 2}, "CK12345678")
	f.Add([]byte{0, 7, 0, 7, 0, 7, 0, 7, 6}, "abcd")
	f.Add([]byte{0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 5, 200}, "\r\n\t\x00日本語x")
	f.Fuzz(func(t *testing.T, ops []byte, text string) {
		a := New(Options{})
		runes := []rune(text)
		at := t0
		var out []string
		for i := 0; i < len(ops); i++ {
			op := ops[i]
			var got []string
			switch op % 8 {
			case 0, 1:
				if len(runes) > 0 {
					got = a.Rune(runes[0], at)
					runes = runes[1:]
				}
			case 2:
				got = a.Key(KeyReturn, at)
			case 3:
				got = a.Key(KeyTab, at)
			case 4:
				got = a.Key(Key(text), at)
			case 5:
				got = a.Flush(at)
			case 6:
				if a.Pending() {
					got = a.Flush(a.Deadline())
					if a.Pending() {
						t.Fatal("pending after Flush at Deadline")
					}
				} else if !a.Deadline().IsZero() {
					t.Fatal("Deadline set with nothing pending")
				}
			case 7:
				// Step the clock by 0–255 ms (rarely backwards).
				step := time.Duration(op>>3) * 8 * ms
				if i+1 < len(ops) {
					i++
					step = time.Duration(ops[i]) * ms
					if ops[i] == 255 {
						step = -time.Second
					}
				}
				at = at.Add(step)
			}
			out = append(out, got...)
		}
		out = append(out, a.Flush(at.Add(time.Hour))...)
		if a.Pending() {
			t.Fatal("pending after the final flush")
		}
		for _, s := range out {
			if s == "" || len([]rune(strings.TrimSpace(s))) < DefaultMinLen {
				t.Fatalf("short scan %q", s)
			}
			if strings.ContainsFunc(s, unicode.IsControl) {
				t.Fatalf("scan %q holds control characters", s)
			}
		}
	})
}
