package ui

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data/staff"
)

// Window is what lock-down needs of the kiosk's window; a fyne.Window is
// one.
type Window interface {
	SetFullScreen(bool)
	SetCloseIntercept(func())
}

// LockDown keeps the kiosk on screen: the window fills the screen without
// decorations, and a request to close it (a window manager's close button
// or Alt+F4) or the Escape key of a keyboard opens a staff PIN prompt.
// quit is called only after a staff member's PIN.
func (s *Shell) LockDown(win Window, quit func()) {
	s.lockedDown = true
	win.SetFullScreen(true)
	ask := func() {
		s.activity()
		if _, ok := s.current().(*leaveScreen); !ok {
			s.Show(newLeaveScreen(s, quit))
		}
	}
	win.SetCloseIntercept(ask)
	keys := s.canvas.OnTypedKey()
	s.canvas.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyEscape {
			ask()
			return
		}
		keys(e)
	})
}

// leaveScreen asks for a staff PIN before the kiosk closes.
type leaveScreen struct {
	shell  *Shell
	quit   func()
	pad    *keypad
	status *widget.RichText
}

func newLeaveScreen(s *Shell, quit func()) *leaveScreen {
	return &leaveScreen{shell: s, quit: quit}
}

func (l *leaveScreen) leavesByItself() {}

// Build lays out the explanation beside a PIN keypad.
func (l *leaveScreen) Build() fyne.CanvasObject {
	s := l.shell
	l.pad = s.digitPad(pinSpec(), l.submit)
	l.status = text("", widget.RichTextStyle{ColorName: theme.ColorNameError, SizeName: theme.SizeNameSubHeadingText,
		TextStyle: fyne.TextStyle{Bold: true}})
	intro := container.NewVBox(text(lang.L("pin.prompt"), styleHeading), text(lang.L("leave.explain"), styleReading), l.status)
	return s.frame(lang.L("leave.title"), true, container.New(&splitLayout{ratio: 0.4}, intro, l.pad.box))
}

// submit checks the PIN; a staff member's closes the kiosk.
func (l *leaveScreen) submit(pin string) {
	s := l.shell
	l.pad.set("")
	s.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), checkInTimeout)
		defer cancel()
		sess, err := s.svc.StaffLogin(ctx, "", pin)
		fyne.Do(func() {
			if err != nil {
				l.refused(err)
				return
			}
			slog.Info("kiosk mode left by staff", "staff", sess.Name)
			l.quit()
		})
	})
}

// refused says why the PIN did not close the kiosk.
func (l *leaveScreen) refused(err error) {
	var wrong *staff.WrongPINError
	var locked *staff.LockedError
	msg := lang.L("reason.storage")
	switch {
	case errors.As(err, &wrong):
		msg = lang.L("pin.wrong", map[string]any{"N": wrong.TriesLeft})
	case errors.As(err, &locked):
		msg = lang.L("pin.locked", map[string]any{"Time": time.UnixMilli(locked.UntilMS).In(l.shell.loc).Format("15:04")})
	case errors.Is(err, staff.ErrNoStaff):
		msg = lang.L("leave.noStaff")
	default:
		slog.Error("checking a staff PIN", "err", err)
	}
	l.status.Segments[0].(*widget.TextSegment).Text = msg
	l.status.Refresh()
}

// Tick goes home when the prompt is left alone.
func (l *leaveScreen) Tick(now time.Time) { l.shell.homeWhenIdle(now) }
