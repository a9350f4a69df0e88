package ui

import (
	"context"
	"errors"
	"net"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// enrolTimeout bounds an enrolment from the staff screen: long enough for
// a slow network, short enough that staff are not left waiting.
const enrolTimeout = 30 * time.Second

// enrolScreen is staff mode's 加入中心平台: the enrolment code has letters,
// which the keypad cannot type, so staff scan the invite that `hub enrol
// --url` prints as a QR code. The scan comes here (scanTaker) instead of
// checking anyone in; the screen shows the hub and the site the invite is
// for, and 确认加入 enrols the kiosk there as `kioskctl enrol` does
// (hubsync.Enrol). A kiosk enrolled already is told so first, and when the
// hub refuses it as enrolled (hubsync.ErrDeviceEnrolled) it is told how to
// move: the administrator revokes it at the hub first.
type enrolScreen struct {
	staffPage
	shell *Shell
	from  *syncScreen // shown again after the enrolment, with its news
	// invite is the last invite scanned, zero before one.
	invite  hubsync.Invite
	running bool             // an enrolment is in progress
	current *widget.RichText // the hub and site this kiosk is enrolled at, if any
	status  *widget.RichText
	target  *widget.RichText // the invite's hub and site
	detail  *widget.RichText // the error, in small type
	join    *tapButton
	box     *fyne.Container // the card's content
	body    *fyne.Container // the card and join
}

func newEnrolScreen(s *Shell, from *syncScreen) *enrolScreen {
	return &enrolScreen{shell: s, from: from}
}

// Build asks for the invite.
func (e *enrolScreen) Build() fyne.CanvasObject {
	s := e.shell
	e.current = text("", widget.RichTextStyle{ColorName: colorNameTextSoft, SizeName: theme.SizeNameCaptionText})
	e.showCurrent()
	e.status = text(lang.L("sync.joinScan"), styleHeading)
	e.target = text("", styleReading)
	e.target.Hide()
	e.detail = text("", widget.RichTextStyle{ColorName: colorNameTextSoft, SizeName: theme.SizeNameCaptionText})
	e.detail.Wrapping = fyne.TextWrapBreak
	e.detail.Hide()
	e.join = s.button(lang.L("sync.joinConfirm"), theme.ConfirmIcon(), widget.HighImportance, e.enrol)
	e.join.Hide()
	e.box = container.NewVBox(e.current, e.status, e.target, e.detail)
	e.body = container.NewVBox(s.card(e.box, nil), e.join)
	return s.staffFrame(lang.L("sync.join"), true, e.body)
}

// showCurrent says which hub and site this kiosk is enrolled at, and
// hides the line when it is not enrolled.
func (e *enrolScreen) showCurrent() {
	ctx, cancel := e.shell.query()
	defer cancel()
	cur, ok, err := e.shell.staff.opts.Store.HubEnrolment(ctx)
	switch {
	case err != nil:
		showText(e.current, lang.L("reason.storage"))
	case !ok:
		showText(e.current, "")
	default:
		site := cur.SiteID
		if names, err := e.shell.sites(ctx); err == nil && names[site] != "" {
			site = lang.L("sync.joinSite", map[string]any{"Name": names[site], "ID": site})
		}
		showText(e.current, lang.L("sync.joinAlready", map[string]any{"Hub": cur.HubURL, "Site": site}))
	}
}

// relayout lays the screen out again after texts were shown or hidden.
func (e *enrolScreen) relayout() {
	e.box.Refresh()
	e.body.Refresh()
}

// takeScan reads a scanned invite and shows where it leads; anything else
// is explained.
func (e *enrolScreen) takeScan(text string) {
	if e.running {
		return
	}
	in, err := hubsync.ParseInvite(text)
	if err != nil {
		e.invite = hubsync.Invite{}
		e.target.Hide()
		e.join.Hide()
		msg := lang.L("sync.joinNotInvite")
		if errors.Is(err, hubsync.ErrBadInvite) {
			msg = lang.L("sync.joinBadInvite")
		}
		e.fail(msg, err)
		e.relayout()
		return
	}
	e.invite = in
	site := in.SiteID
	if in.SiteName != "" {
		site = lang.L("sync.joinSite", map[string]any{"Name": in.SiteName, "ID": in.SiteID})
	}
	setText(e.target, lang.L("sync.joinTarget", map[string]any{"Hub": in.HubURL, "Site": site}))
	e.target.Show()
	showText(e.detail, "")
	e.status.Segments[0].(*widget.TextSegment).Style = styleHeading // no longer an error's red
	setText(e.status, lang.L("sync.joinCheck"))
	e.join.Enable()
	e.join.Show()
	e.relayout()
}

// enrol enrols the kiosk with the invite shown, off Fyne's goroutine.
func (e *enrolScreen) enrol() {
	s := e.shell
	in := e.invite
	e.running = true
	e.join.Disable()
	showText(e.detail, "")
	setText(e.status, lang.L("sync.joinRunning"))
	e.relayout()
	st := s.staff.opts.Store
	s.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), enrolTimeout)
		defer cancel()
		_, err := hubsync.Enrol(ctx, st, in.HubURL, in.Code, nil)
		msg := ""
		if err != nil {
			msg = enrolError(err)
			// Refused as enrolled while enrolled: this kiosk moving, not a
			// copy of another.
			if _, enrolled, serr := st.HubEnrolment(ctx); serr == nil && enrolled && errors.Is(err, hubsync.ErrDeviceEnrolled) {
				dev, derr := st.DeviceID(ctx)
				if derr == nil {
					msg = lang.L("sync.joinMove", map[string]any{"Device": dev})
				}
			}
		}
		fyne.Do(func() {
			e.running = false
			defer e.relayout()
			if err != nil {
				e.join.Enable()
				e.fail(msg, err)
				return
			}
			e.showCurrent()
			e.join.Hide()
			say(e.status, lang.L("sync.joinDone"), true)
			if e.from != nil {
				e.from.showHub()
			}
			if s.hub.src != nil {
				s.hub.src.SyncNow()
			}
		})
	})
}

// fail shows msg in red, and err in small type below.
func (e *enrolScreen) fail(msg string, err error) {
	say(e.status, msg, false)
	showText(e.detail, err.Error())
}

// enrolError says in plain words why an enrolment failed.
func enrolError(err error) string {
	var op *net.OpError
	var dns *net.DNSError
	var ne net.Error
	var he *hubsync.HTTPError
	switch {
	case errors.Is(err, hubsync.ErrBadCode):
		return lang.L("sync.joinBadCode")
	case errors.Is(err, hubsync.ErrDeviceEnrolled):
		return lang.L("sync.joinCopy")
	case errors.Is(err, hubsync.ErrNotHub):
		return lang.L("sync.joinNotHub")
	case errors.As(err, &op), errors.As(err, &dns), errors.As(err, &ne) && ne.Timeout(),
		errors.Is(err, context.DeadlineExceeded):
		return lang.L("sync.joinOffline")
	case errors.As(err, &he) && he.Status >= 500:
		return lang.L("sync.joinHubTrouble")
	}
	return lang.L("sync.joinFailed")
}
