package ui

import (
	"time"

	"fyne.io/fyne/v2"

	"github.com/civickiosk/kiosk/data/scan"
)

// scanner receives a keyboard-wedge barcode scanner on any screen: the
// window's typed runes and keys feed a scan.Assembler, and each scan it
// completes goes to Shell.scanned: to the screen shown when it takes scans
// itself (scanTaker), else to staff mode's PIN prompt for a staff card or
// to a check-in (or out) of its holder.
type scanner struct {
	shell *Shell
	asm   *scan.Assembler
	timer *time.Timer // completes a scan that has no terminator
}

// newScanner starts listening to the keys of the shell's window.
func newScanner(s *Shell) *scanner {
	sc := &scanner{shell: s, asm: scan.New(scan.Options{})}
	s.canvas.SetOnTypedRune(sc.typedRune)
	s.canvas.SetOnTypedKey(sc.typedKey)
	return sc
}

// typedRune feeds a typed character.
func (sc *scanner) typedRune(r rune) {
	sc.complete(sc.asm.Rune(r, sc.shell.now()))
}

// typedKey feeds a key such as Return or Tab.
func (sc *scanner) typedKey(e *fyne.KeyEvent) {
	sc.complete(sc.asm.Key(scan.Key(e.Name), sc.shell.now()))
}

// flush completes a scan whose keys stopped without a terminator.
func (sc *scanner) flush() {
	sc.complete(sc.asm.Flush(sc.shell.now()))
}

// complete passes on the completed scans, then sets the timer for the scan
// still pending, if any.
func (sc *scanner) complete(scans []string) {
	for _, text := range scans {
		sc.shell.activity()
		sc.shell.scanned(text)
	}
	deadline := sc.asm.Deadline()
	if deadline.IsZero() {
		if sc.timer != nil {
			sc.timer.Stop()
		}
		return
	}
	wait := deadline.Sub(sc.shell.now()) + time.Millisecond
	if sc.timer == nil {
		sc.timer = time.AfterFunc(wait, func() { fyne.Do(sc.flush) })
	} else {
		sc.timer.Reset(wait)
	}
}

// TypedRune passes a character to the scanner: the Tab key a scanner may
// send moves the focus to a button, which must not keep the next scan.
func (b *tapButton) TypedRune(r rune) { b.keys.typedRune(r) }

// TypedKey passes a key to the scanner, as TypedRune does.
func (b *tapButton) TypedKey(e *fyne.KeyEvent) { b.keys.typedKey(e) }

// AcceptsTab keeps a scanner's Tab for the scanner.
func (b *tapButton) AcceptsTab() bool { return true }

// FocusGained shows nothing: on a touchscreen the focus means nothing.
func (b *tapButton) FocusGained() {}

// FocusLost shows nothing, as FocusGained.
func (b *tapButton) FocusLost() {}
