package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/sqlite"
	"github.com/civickiosk/kiosk/data/token"
)

// EventCodeSource makes the signed sign-in codes of open sessions (see
// package token): the kiosk's store is one, once it is enrolled at a hub.
type EventCodeSource interface {
	EventCode(ctx context.Context, eventID string, sessionStartMS int64, now time.Time) (sqlite.EventCode, error)
}

// eventCodes returns where the shell gets event sign-in codes: the catalog
// when it makes them (the kiosk's store does), else nil.
func (s *Shell) eventCodes() EventCodeSource {
	if src, ok := s.catalog.(EventCodeSource); ok {
		return src
	}
	return nil
}

// EventSignIn is the phone sign-in panel of an open session: a large QR code
// of the hub's sign-in page for a token signed by this kiosk, renewed every
// token.SlotSeconds, beside the other ways in (the visitor's own pass, the
// phone number on the keypad). Screens that show it call Tick every second;
// the attract loop may show one for a session open now.
type EventSignIn struct {
	shell   *Shell
	session data.Session
	src     EventCodeSource
	qr      *qrView
	slot    uint32
	// URL is the sign-in URL shown now.
	URL string
	// Box is the panel to lay out.
	Box fyne.CanvasObject
	// Phone is the panel's button to sign in with a phone number instead.
	Phone fyne.CanvasObject
}

// EventSignIn returns the sign-in panel of ses at now, or nil when the kiosk
// has no hub, or ses is not open for check-in now.
func (s *Shell) EventSignIn(ses data.Session, now time.Time) *EventSignIn {
	src := s.eventCodes()
	if src == nil || s.svc == nil || !s.svc.Rules().Open(ses, now.UnixMilli()) {
		return nil
	}
	e := &EventSignIn{shell: s, session: ses, src: src}
	if !e.renew(now) {
		return nil
	}
	e.qr = newQRView(e.URL)
	head := text(lang.L("eventcode.title"), widget.RichTextStyle{Alignment: fyne.TextAlignCenter,
		ColorName: theme.ColorNamePrimary, SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Bold: true}})
	explain := text(lang.L("eventcode.explain"), widget.RichTextStyle{Alignment: fyne.TextAlignCenter,
		ColorName: theme.ColorNameForeground, SizeName: theme.SizeNameText})
	pass := text(lang.L("eventcode.pass"), widget.RichTextStyle{Alignment: fyne.TextAlignCenter,
		ColorName: theme.ColorNameForeground, SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}})
	e.Phone = s.button(lang.L("eventcode.phone"), theme.AccountIcon(), widget.MediumImportance,
		func() { s.Show(newPhoneScreen(s)) })
	e.Box = container.NewBorder(head, container.NewVBox(explain, pass, e.Phone), nil, nil,
		container.New(squareLayout{side: 8}, e.qr))
	return e
}

// renew makes the code of now's slot when it is not the one shown; false
// when no code can be made.
func (e *EventSignIn) renew(now time.Time) bool {
	slot := token.SlotOf(now)
	if slot == e.slot && e.URL != "" {
		return true
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	c, err := e.src.EventCode(ctx, e.session.Event.ID, e.session.StartMS, now)
	if err != nil {
		if err != sqlite.ErrNoHub {
			fyne.LogError("making the event sign-in code", err)
		}
		return false
	}
	e.slot, e.URL = slot, c.URL
	if e.qr != nil {
		e.qr.setCode(c.URL)
	}
	return true
}

// Tick shows a new code when a new slot begins, and hides the panel once
// the session closes for check-in.
func (e *EventSignIn) Tick(now time.Time) {
	if !e.shell.svc.Rules().Open(e.session, now.UnixMilli()) {
		e.Box.Hide()
		return
	}
	e.renew(now)
}

// withSignIn lays the sign-in panel, when there is one, beside body.
func withSignIn(body fyne.CanvasObject, e *EventSignIn) fyne.CanvasObject {
	if e == nil {
		return body
	}
	return container.New(&splitLayout{ratio: 0.5}, body, e.Box)
}
