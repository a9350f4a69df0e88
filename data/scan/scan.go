// Package scan assembles the output of keyboard-wedge barcode scanners.
//
// A USB barcode scanner acts as a keyboard: it types the code it read, fast,
// usually followed by Enter (or Tab, or CR LF). The kiosk's window receives
// those as typed runes and keys with no text field focused. An Assembler
// collects them into scanned strings: a scan ends at a terminator key or
// when no key arrives for Options.Gap. Bursts shorter than Options.MinLen
// (someone tapping a key) are ignored, and a scanner's double read of the
// same code within Options.Dedupe is dropped. A scan is returned as typed,
// minus control characters; recognising a pass code in it (prefixes, case)
// is the job of package pass.
//
// The package does not import Fyne; a Fyne window feeds it with
//
//	canvas.SetOnTypedRune(func(r rune) { handle(asm.Rune(r, time.Now())) })
//	canvas.SetOnTypedKey(func(e *fyne.KeyEvent) { handle(asm.Key(scan.Key(e.Name), time.Now())) })
//
// and calls Flush from a timer set to Deadline.
package scan

import (
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Key names a non-character key. The values equal Fyne's fyne.KeyName
// strings, so scan.Key(event.Name) converts a Fyne key event.
type Key string

// The keys that end a scan. Any other Key is ignored.
const (
	KeyReturn Key = "Return"   // main keyboard Enter (fyne.KeyReturn)
	KeyEnter  Key = "KP_Enter" // keypad Enter (fyne.KeyEnter)
	KeyTab    Key = "Tab"      // fyne.KeyTab
)

// keyEnter2 is the name some other toolkits give Enter; it also ends a scan.
const keyEnter2 Key = "Enter"

// Defaults for zero Options fields.
const (
	DefaultGap    = 100 * time.Millisecond
	DefaultDedupe = time.Second
	DefaultMinLen = 4
	DefaultMaxLen = 4096
)

// Options tune an Assembler. Zero fields take the defaults.
type Options struct {
	// Gap ends a scan when no character arrives for this long (default
	// DefaultGap, 100 ms); keys other than terminators do not count.
	// Scanners type a character every few milliseconds.
	Gap time.Duration
	// Dedupe drops a scan equal to the previous read (case-insensitively,
	// after trimming white space) if it comes less than Dedupe after that
	// read, dropped or not; so a code held under the scanner yields one
	// scan. Default DefaultDedupe (1 s); negative disables it.
	Dedupe time.Duration
	// MinLen: scans shorter than this many runes (after trimming white
	// space) are ignored (default DefaultMinLen, 4).
	MinLen int
	// MaxLen: runes beyond this many in one scan are dropped, bounding
	// memory if a key sticks (default DefaultMaxLen, 4096).
	MaxLen int
}

// Assembler turns typed runes and keys into scanned strings. Its methods
// are safe for concurrent use (a UI goroutine may feed it while a timer
// goroutine calls Flush). Times passed in should come from one clock,
// normally time.Now; they need not be strictly increasing (a time before
// the previous one counts as no time passing).
type Assembler struct {
	mu  sync.Mutex
	opt Options

	buf   []byte    // the scan in progress, UTF-8, control characters removed
	runes int       // runes in buf
	last  time.Time // time of the last rune added to buf

	prev   string    // previous read, trimmed, for Dedupe
	prevAt time.Time // time of the previous read
	read   bool      // prev and prevAt are set
}

// New returns an Assembler with opts, zero fields replaced by the defaults.
func New(opts Options) *Assembler {
	if opts.Gap <= 0 {
		opts.Gap = DefaultGap
	}
	if opts.Dedupe == 0 {
		opts.Dedupe = DefaultDedupe
	}
	if opts.MinLen <= 0 {
		opts.MinLen = DefaultMinLen
	}
	if opts.MaxLen <= 0 {
		opts.MaxLen = DefaultMaxLen
	}
	return &Assembler{opt: opts}
}

// Options returns the options in effect, defaults filled in.
func (a *Assembler) Options() Options {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.opt
}

// Rune feeds a typed character at time at and returns the scans it
// completes, in order (usually none): the previous scan if at least Gap
// passed since its last rune, and the current one if r is CR, LF or Tab.
// Other control characters are dropped; everything else is kept as typed.
func (a *Assembler) Rune(r rune, at time.Time) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.expire(at)
	switch {
	case r == '\r' || r == '\n' || r == '\t':
		return appendScan(out, a.finish(at))
	case unicode.IsControl(r):
		return out
	}
	if a.runes < a.opt.MaxLen {
		a.buf = utf8.AppendRune(a.buf, r)
		a.runes++
	}
	a.last = at
	return out
}

// Key feeds a named key at time at and returns the scans it completes, in
// order (usually none): the previous scan if at least Gap passed since its
// last rune, and the current one if k is KeyReturn, KeyEnter, "Enter" or
// KeyTab. A terminator with nothing pending does nothing, so CR LF ends one
// scan, not two. Other keys are ignored.
func (a *Assembler) Key(k Key, at time.Time) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.expire(at)
	switch k {
	case KeyReturn, KeyEnter, keyEnter2, KeyTab:
		out = appendScan(out, a.finish(at))
	}
	return out
}

// Flush ends a scan that had no terminator: if a scan is pending and at
// least Gap has passed between its last rune and now, it returns that scan
// (or nothing, if it is too short or a double read). Otherwise it returns
// nil and the scan stays pending. Call it from a timer set to Deadline.
func (a *Assembler) Flush(now time.Time) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.expire(now)
}

// Pending reports whether a scan is in progress, to be completed by a
// terminator or by Flush at Deadline.
func (a *Assembler) Pending() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.buf) > 0
}

// Deadline returns the time from which Flush completes the pending scan
// (its last rune's time plus Gap), or the zero time if nothing is pending.
func (a *Assembler) Deadline() time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.buf) == 0 {
		return time.Time{}
	}
	return a.last.Add(a.opt.Gap)
}

// expire completes the pending scan if Gap has passed since its last rune.
func (a *Assembler) expire(now time.Time) []string {
	if len(a.buf) == 0 || now.Sub(a.last) < a.opt.Gap {
		return nil
	}
	return appendScan(nil, a.finish(a.last))
}

// finish ends the pending scan, read at time at, and returns it, or "" if
// it is empty, too short or a double read.
func (a *Assembler) finish(at time.Time) string {
	text := string(a.buf)
	a.buf, a.runes = a.buf[:0], 0
	if cap(a.buf) > 1024 {
		a.buf = nil
	}
	key := strings.TrimSpace(text)
	if utf8.RuneCountInString(key) < a.opt.MinLen {
		return ""
	}
	if a.read && a.opt.Dedupe > 0 && at.Sub(a.prevAt) < a.opt.Dedupe && strings.EqualFold(key, a.prev) {
		a.prevAt = at
		return ""
	}
	a.prev, a.prevAt, a.read = key, at, true
	return text
}

func appendScan(out []string, s string) []string {
	if s == "" {
		return out
	}
	return append(out, s)
}
