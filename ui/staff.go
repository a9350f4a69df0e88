package ui

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/civickiosk/kiosk/data/staff"
)

// StaffOptions is what staff mode needs from its surroundings.
type StaffOptions struct {
	// Store is the kiosk's store: staff PINs, rosters, visitors, exports.
	// Staff mode stays closed when it is nil.
	Store *sqlite.Store
	// ExportsDir is the kiosk's own folder for exports, offered beside the
	// USB sticks found under MediaRoots.
	ExportsDir string
	// MediaRoots are the patterns of the folders where USB sticks are
	// mounted, e.g. /media/*/*; nil means mediaRoots.
	MediaRoots []string
}

// mediaRoots are where desktop Linux mounts USB sticks (udisks2).
var mediaRoots = []string{"/media/*/*", "/run/media/*/*"}

// staffMode is the state of staff mode: the staff member's session, zero
// while nobody is signed in, and the policy that ends it.
type staffMode struct {
	opts    StaffOptions
	session staff.Session
	policy  staff.Policy
}

// staffScreen is a screen only staff may see: it is closed when the staff
// session ends.
type staffScreen interface {
	Screen
	staffOnly()
}

// staffPage makes a screen a staffScreen. Staff screens leave by themselves
// when staff mode ends, so the attract loop does not replace them.
type staffPage struct{}

func (staffPage) staffOnly()      {}
func (staffPage) leavesByItself() {}

// inStaffMode reports whether a staff member is signed in.
func (s *Shell) inStaffMode() bool { return s.staff.session.StaffID != "" }

// staffName is the signed-in staff member's name as noted on records.
func (s *Shell) staffName() string { return s.staff.session.Name }

// enterStaff starts staff mode for sess and shows the staff home screen.
func (s *Shell) enterStaff(sess staff.Session) {
	ctx, cancel := s.query()
	defer cancel()
	p, err := s.staff.opts.Store.StaffPolicy(ctx)
	if err != nil {
		fyne.LogError("reading the staff policy", err)
		p = staff.DefaultPolicy
	}
	s.staff.session, s.staff.policy = sess, p
	slog.Info("staff mode entered", "staff", sess.Name)
	s.history = nil
	s.Show(newStaffHome(s))
}

// leaveStaff ends staff mode and goes home.
func (s *Shell) leaveStaff() {
	s.endStaff("exit")
	s.Home()
}

// endStaff ends the staff session, noting why in the log.
func (s *Shell) endStaff(why string) {
	slog.Info("staff mode left", "staff", s.staff.session.Name, "why", why)
	s.staff.session = staff.Session{}
}

// staffTouch notes a tap in staff mode.
func (s *Shell) staffTouch() {
	if s.inStaffMode() {
		s.staff.session = s.staff.session.Touch(s.Now().UnixMilli())
	}
}

// staffTick ends staff mode once it has been idle for the policy's time,
// going home if a staff screen is open, or once no staff screen is open.
func (s *Shell) staffTick(now time.Time) {
	if !s.inStaffMode() {
		return
	}
	open := slices.ContainsFunc(s.history, func(h shown) bool {
		_, ok := h.screen.(staffScreen)
		return ok
	})
	if open && !s.staff.session.Expired(now.UnixMilli(), s.staff.policy.Idle) {
		return
	}
	if open {
		s.endStaff("idle")
		s.Home()
	} else {
		s.endStaff("left its screens")
	}
}

// askPIN shows the PIN prompt: for member when a staff card was scanned,
// else for any staff member, or the first-run prompt when no staff PIN is
// set yet.
func (s *Shell) askPIN(member staff.Member) {
	if s.staff.opts.Store == nil {
		return
	}
	ctx, cancel := s.query()
	defer cancel()
	has, err := s.staff.opts.Store.HasStaff(ctx)
	if err != nil {
		s.storageFailed("reading the staff", err)
		return
	}
	// A locked-down kiosk is in the public's hands: its first PIN is set with
	// kioskctl set-pin, never at the screen.
	p := newPINScreen(s, member, !has && !s.lockedDown)
	p.noStaff = !has && s.lockedDown
	s.present(p)
}

// scanTaker is a screen that takes the scanner's text itself: staff mode's
// 加入中心平台 reads an enrolment invite with it.
type scanTaker interface {
	takeScan(text string)
}

// scanned handles a completed scan: the screen shown takes it when it is a
// scanTaker; else a staff card opens the PIN prompt for its holder (or is
// ignored in staff mode), and anything else checks its holder in or out.
func (s *Shell) scanned(text string) {
	if t, ok := s.current().(scanTaker); ok {
		t.takeScan(text)
		return
	}
	scan := func() {
		s.checkIn(func(ctx context.Context, to checkin.Target) (checkin.Result, error) {
			return s.svc.Scan(ctx, text, to)
		}, "")
	}
	if s.staff.opts.Store == nil {
		scan()
		return
	}
	s.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), checkInTimeout)
		defer cancel()
		m, found, err := s.svc.StaffCard(ctx, text)
		if err != nil {
			fyne.LogError("reading a staff card", err)
		}
		fyne.Do(func() {
			switch {
			case !found:
				scan()
			case !s.inStaffMode():
				s.askPIN(m)
			}
		})
	})
}

// staffFrame puts body under the title band of a staff screen: the title
// after 工作人员, a back button when back is true, and 退出, which leaves
// staff mode.
func (s *Shell) staffFrame(title string, back bool, body fyne.CanvasObject) fyne.CanvasObject {
	buttons := container.NewHBox()
	if back {
		buttons.Add(s.button(lang.L("nav.back"), theme.NavigateBackIcon(), widget.MediumImportance, s.Back))
	}
	buttons.Add(s.button(lang.L("staff.exit"), theme.LogoutIcon(), widget.MediumImportance, s.leaveStaff))
	full := lang.L("staff.title")
	if title != "" {
		full += " · " + title
	}
	head := container.NewBorder(nil, nil, nil, buttons, titleText(full))
	return container.NewBorder(band(head), nil, nil, nil, container.NewPadded(body))
}

// staffHome is staff mode's start screen: big buttons to its screens.
type staffHome struct {
	staffPage
	shell *Shell
}

func newStaffHome(s *Shell) *staffHome { return &staffHome{shell: s} }

// Build lays out the buttons under a greeting.
func (h *staffHome) Build() fyne.CanvasObject {
	s := h.shell
	tiles := container.NewGridWithColumns(5,
		s.tile(lang.L("staff.today"), theme.ListIcon(), func() { s.Show(newTodayScreen(s)) }),
		s.tile(lang.L("staff.manual"), theme.DocumentCreateIcon(), func() { s.Show(newFindScreen(s, findManual)) }),
		s.tile(lang.L("staff.visitors"), theme.AccountIcon(), func() { s.Show(newFindScreen(s, findVisitor)) }),
		s.tile(lang.L("staff.events"), theme.CalendarIcon(), func() { s.Show(newEventAdmin(s)) }),
		s.tile(lang.L("staff.honour"), theme.MediaPhotoIcon(), func() { s.Show(newHonourAdmin(s)) }),
		s.tile(lang.L("staff.export"), theme.DownloadIcon(), func() { s.Show(newExportScreen(s)) }),
		s.tile(lang.L("staff.passes"), theme.DocumentPrintIcon(), func() { s.Show(newPassesScreen(s)) }),
		s.tile(lang.L("staff.sync"), theme.ViewRefreshIcon(), func() { s.Show(newSyncScreen(s)) }),
		s.tile(lang.L("staff.exit"), theme.LogoutIcon(), s.leaveStaff),
	)
	hello := text(lang.L("staff.helloAnon"), styleHeading)
	if sess := s.staff.session; sess.Name != sess.StaffID { // a named member
		hello = text(lang.L("staff.hello", map[string]any{"Name": sess.Name}), styleHeading)
	}
	return s.staffFrame("", false, container.NewBorder(hello, nil, nil, nil, tiles))
}

// pinScreen asks for a staff PIN on the keypad, shown as dots. With first
// set, no PIN exists yet: it asks for a new PIN twice (refusing a weak one,
// staff.ValidateNewPIN, at once) and sets it for the first staff member,
// named 管理员 (pin.firstName).
type pinScreen struct {
	shell  *Shell
	member staff.Member // the holder of a scanned staff card; zero for anyone
	first  bool
	// noStaff: no PIN exists and none may be set here (lock-down).
	noStaff bool
	typed   string // the new PIN typed once, waiting to be typed again
	pad     *keypad
	prompt  *widget.RichText
	msg     *widget.RichText
}

func newPINScreen(s *Shell, member staff.Member, first bool) *pinScreen {
	return &pinScreen{shell: s, member: member, first: first}
}

func (p *pinScreen) transient()      {}
func (p *pinScreen) leavesByItself() {}

// pinSpec is the keypad of a PIN: 4 to 8 digits shown as dots.
func pinSpec() padSpec {
	return padSpec{max: staff.MaxPINLen, placeholder: lang.L("pin.placeholder"),
		show:  func(d string) string { return dots(len(d)) },
		valid: func(d string) bool { return staff.ValidatePIN(d) == nil }}
}

// dots is n PIN dots.
func dots(n int) string {
	out := ""
	for range n {
		out += "● "
	}
	return out
}

// Build lays out the prompt beside the keypad and says at once when staff
// mode is locked.
func (p *pinScreen) Build() fyne.CanvasObject {
	s := p.shell
	p.pad = s.digitPad(pinSpec(), p.entered)
	p.prompt = text("", styleHeading)
	p.msg = text("", widget.RichTextStyle{ColorName: theme.ColorNameError, SizeName: theme.SizeNameSubHeadingText,
		TextStyle: fyne.TextStyle{Bold: true}})
	p.setPrompt()
	switch {
	case p.noStaff:
		setText(p.msg, lang.L("pin.setWithKioskctl"))
	case !p.first:
		p.showLock()
	}
	title := lang.L("pin.title")
	if p.first {
		title = lang.L("pin.firstTitle")
	}
	intro := container.NewVBox(p.prompt, p.msg)
	return s.frame(title, true, container.New(&splitLayout{ratio: 0.45}, intro, p.pad.box))
}

// setPrompt says what to type.
func (p *pinScreen) setPrompt() {
	var msg string
	switch {
	case p.first && p.typed == "":
		msg = lang.L("pin.firstPrompt")
	case p.first:
		msg = lang.L("pin.again")
	case p.member.ID != "":
		msg = lang.L("pin.promptFor", map[string]any{"Name": p.member.Label()})
	default:
		msg = lang.L("pin.prompt")
	}
	setText(p.prompt, msg)
}

// showLock shows the lock's end when staff mode is locked.
func (p *pinScreen) showLock() {
	st := p.shell.staff.opts.Store
	ctx, cancel := p.shell.query()
	defer cancel()
	pol, err := st.StaffPolicy(ctx)
	if err != nil {
		return
	}
	a, err := st.StaffLockout(ctx)
	if err != nil {
		return
	}
	if err := pol.Check(a, p.shell.Now().UnixMilli()); err != nil {
		p.failed(err)
	}
}

// entered takes the PIN typed: the first-run PIN twice, else a login.
func (p *pinScreen) entered(pin string) {
	s := p.shell
	p.pad.set("")
	if p.first {
		if p.typed == "" {
			if err := staff.ValidateNewPIN(pin); err != nil {
				p.failed(err)
				return
			}
			p.typed = pin
			setText(p.msg, "")
			p.setPrompt()
			return
		}
		if pin != p.typed {
			p.typed = ""
			p.setPrompt()
			setText(p.msg, lang.L("pin.mismatch"))
			return
		}
	}
	first, staffID := p.first, p.member.ID
	setText(p.msg, "")
	s.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), checkInTimeout)
		defer cancel()
		var sess staff.Session
		var err error
		if first {
			var m staff.Member
			now := s.Now().UnixMilli()
			if m, err = s.staff.opts.Store.SetFirstPIN(ctx, lang.L("pin.firstName"), pin, now); err == nil {
				sess = staff.Start(m, now)
			}
		} else {
			sess, err = s.svc.StaffLogin(ctx, staffID, pin)
		}
		fyne.Do(func() {
			if s.current() != Screen(p) {
				return
			}
			if err != nil {
				p.failed(err)
				return
			}
			s.enterStaff(sess)
		})
	})
}

// failed says why the PIN did not open staff mode.
func (p *pinScreen) failed(err error) {
	var wrong *staff.WrongPINError
	var locked *staff.LockedError
	var msg string
	switch {
	case errors.As(err, &wrong):
		msg = lang.L("pin.wrong", map[string]any{"N": wrong.TriesLeft})
	case errors.As(err, &locked):
		until := time.UnixMilli(locked.UntilMS).In(p.shell.loc)
		msg = lang.L("pin.locked", map[string]any{"Time": until.Format("15:04")})
	case errors.Is(err, staff.ErrStaffExists):
		p.first, p.typed = false, ""
		p.setPrompt()
		msg = lang.L("pin.exists")
	case errors.Is(err, staff.ErrWeakPIN):
		msg = lang.L("pin.weak")
	case errors.Is(err, staff.ErrPINInUse), errors.Is(err, staff.ErrBadPIN):
		msg = lang.L("pin.bad")
	case errors.Is(err, staff.ErrDisabled):
		msg = lang.L("pin.disabled")
	case errors.Is(err, staff.ErrNoStaff), errors.Is(err, data.ErrNotFound):
		msg = lang.L("pin.noStaff")
	default:
		fyne.LogError("staff PIN", err)
		msg = lang.L("reason.storage")
	}
	setText(p.msg, msg)
}

// Tick goes home when the prompt is left alone.
func (p *pinScreen) Tick(now time.Time) { p.shell.homeWhenIdle(now) }

// setText replaces the text of a one-segment RichText.
func setText(t *widget.RichText, s string) {
	t.Segments[0].(*widget.TextSegment).Text = s
	t.Refresh()
}

// say shows msg in a one-segment RichText: in green when ok, else in red.
func say(t *widget.RichText, msg string, ok bool) {
	seg := t.Segments[0].(*widget.TextSegment)
	seg.Style.ColorName = theme.ColorNameError
	if ok {
		seg.Style.ColorName = theme.ColorNameSuccess
	}
	setText(t, msg)
}

// staffGesture wraps the home screen's logo and name: holding them for
// longPress opens the PIN prompt.
func (s *Shell) staffGesture(content fyne.CanvasObject) fyne.CanvasObject {
	return newLongPress(content, s.Now, s.activity, func() {
		s.activity()
		s.askPIN(staff.Member{})
	})
}
