package ui

import (
	"context"
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data/checkin"
)

// attendScreen is 签到 / 签退: it tells the visitor to hold their pass to the
// scanner, lists the sessions open for check-in, and offers the phone
// number for a forgotten pass. Scans work on every screen; this one
// explains them.
type attendScreen struct {
	shell  *Shell
	list   *pager
	minute int64 // the minute the sessions shown are for
}

func newAttendScreen(s *Shell) *attendScreen {
	return &attendScreen{shell: s}
}

// Build lays out the instructions beside the open sessions.
func (a *attendScreen) Build() fyne.CanvasObject {
	s := a.shell
	icon := canvas.NewImageFromImage(codeGlyph(theme.Color(theme.ColorNamePrimary)))
	icon.FillMode = canvas.ImageFillContain
	icon.ScaleMode = canvas.ImageScalePixels
	phone := s.button(lang.L("attend.phone"), theme.AccountIcon(), widget.HighImportance,
		func() { s.Show(newPhoneScreen(s)) })
	how := container.NewBorder(nil, phone, nil, nil, container.New(iconAboveLayout{most: 6, least: 1.5}, icon,
		container.NewVBox(
			text(lang.L("attend.hold"), widget.RichTextStyle{Alignment: fyne.TextAlignCenter, ColorName: theme.ColorNamePrimary,
				SizeName: sizeNameTitle, TextStyle: fyne.TextStyle{Bold: true}}),
			text(lang.L("attend.explain"), widget.RichTextStyle{Alignment: fyne.TextAlignCenter,
				ColorName: theme.ColorNameForeground, SizeName: theme.SizeNameSubHeadingText}),
		)))
	a.list = s.pager(0, lang.L("attend.none"))
	a.minute = -1
	a.Tick(s.Now())
	open := container.NewBorder(text(lang.L("attend.open"), styleHeading), nil, nil, nil, a.list.box)
	return s.frame(lang.L("attend.title"), false, container.New(&splitLayout{ratio: 0.45}, how, open))
}

// Tick lists the open sessions again each minute.
func (a *attendScreen) Tick(now time.Time) {
	minute := now.Unix() / 60
	if minute == a.minute {
		return
	}
	a.minute = minute
	s := a.shell
	ctx, cancel := s.query()
	defer cancel()
	open, err := s.svc.OpenSessions(ctx)
	var sites map[string]string
	if err == nil {
		sites, err = s.sites(ctx)
	}
	if err != nil {
		a.list.setItems([]fyne.CanvasObject{s.failed(err)})
		return
	}
	lead := &leadColumn{}
	items := make([]fyne.CanvasObject, len(open))
	for i, ses := range open {
		items[i] = s.sessionCard(ses, sites, now, false, lead)
	}
	a.list.setItems(items)
}

// phoneScreen checks a visitor in by the phone number they registered with,
// typed on the keypad.
type phoneScreen struct {
	shell *Shell
}

func newPhoneScreen(s *Shell) *phoneScreen {
	return &phoneScreen{shell: s}
}

func (p *phoneScreen) transient() {}

// Build lays out the explanation beside the keypad.
func (p *phoneScreen) Build() fyne.CanvasObject {
	s := p.shell
	pad := s.keypad(func(phone string) {
		s.checkIn(func(ctx context.Context, to checkin.Target) (checkin.Result, error) {
			return s.svc.Phone(ctx, phone, to)
		}, "")
	})
	intro := container.NewVBox(text(lang.L("phone.prompt"), styleHeading), text(lang.L("phone.explain"), styleReading))
	return s.frame(lang.L("phone.title"), true, container.New(&splitLayout{ratio: 0.4}, intro, pad.box))
}

// Tick goes home when the kiosk is left with a number typed.
func (p *phoneScreen) Tick(now time.Time) { p.shell.homeWhenIdle(now) }

// glyphModules is the side of codeGlyph in modules.
const glyphModules = 21

// codeGlyph draws a picture of a QR code in colour c: the three finder
// squares and a fixed scatter of modules. It is not a readable code.
func codeGlyph(c color.Color) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, glyphModules, glyphModules))
	finder := func(x, y int) bool {
		for _, o := range [][2]int{{0, 0}, {glyphModules - 7, 0}, {0, glyphModules - 7}} {
			dx, dy := x-o[0], y-o[1]
			if dx >= 0 && dx < 7 && dy >= 0 && dy < 7 {
				ring := max(abs(dx-3), abs(dy-3))
				return ring != 2
			}
		}
		return false
	}
	near := func(x, y int) bool {
		return (x < 8 && y < 8) || (x >= glyphModules-8 && y < 8) || (x < 8 && y >= glyphModules-8)
	}
	for y := range glyphModules {
		for x := range glyphModules {
			on := finder(x, y)
			if !near(x, y) {
				on = (x*7+y*13+x*y)%5 < 2
			}
			if on {
				img.Set(x, y, c)
			}
		}
	}
	return img
}

// abs returns the absolute value of n.
func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
