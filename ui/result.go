package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
)

// How long a result stays on screen: resultShow after the scan, resultHold
// after a tap on it.
const (
	resultShow = 5 * time.Second
	resultHold = 15 * time.Second
)

// resultScreen fills the window with a check-in's answer: green for a
// check-in or check-out, amber for a repeated scan, red for a refusal. It
// goes back to the previous screen by itself.
type resultScreen struct {
	shell *Shell
	res   checkin.Result
	until time.Time
}

func newResultScreen(s *Shell, res checkin.Result) *resultScreen {
	return &resultScreen{shell: s, res: res, until: s.Now().Add(resultShow)}
}

func (r *resultScreen) transient() {}

// Build lays out the answer over its colour.
func (r *resultScreen) Build() fyne.CanvasObject {
	s := r.shell
	fill, icon, headline, lines := r.words()
	onColour := theme.Color(theme.ColorNameForegroundOnPrimary)

	img := canvas.NewImageFromResource(theme.NewColoredResource(icon, theme.ColorNameForegroundOnPrimary))
	head := canvas.NewText(headline, onColour)
	head.TextSize = theme.TextSize() * 2.6
	head.TextStyle.Bold = true
	head.Alignment = fyne.TextAlignCenter
	words := container.NewVBox(head)
	for _, l := range lines {
		words.Add(text(l, widget.RichTextStyle{Alignment: fyne.TextAlignCenter,
			ColorName: theme.ColorNameForegroundOnPrimary, SizeName: sizeNameTitle, TextStyle: fyne.TextStyle{Bold: true}}))
	}
	back := s.button(lang.L("nav.back"), theme.NavigateBackIcon(), widget.MediumImportance, s.Back)
	buttons := container.NewGridWithColumns(3, layout.NewSpacer(), back)
	if phone := r.res.Visitor.Phone; r.res.Reason == data.ReasonUnknownPhone && phone != "" {
		// A number not registered yet: registration, with the number typed.
		buttons = container.NewGridWithColumns(2, s.button(lang.L("result.register"), theme.ContentAddIcon(),
			widget.HighImportance, func() { s.present(newRegisterScreen(s, phone)) }), back)
	}
	body := container.NewBorder(nil, buttons, nil, nil,
		container.New(iconAboveLayout{most: 5, least: 1.5}, img, words))

	bd := &backdrop{onTap: func() {
		s.activity()
		r.until = s.Now().Add(resultHold)
	}}
	bd.ExtendBaseWidget(bd)
	return container.NewStack(canvas.NewRectangle(fill), bd, container.New(layout.NewCustomPaddedLayout(
		theme.Padding()*4, theme.Padding()*4, theme.Padding()*4, theme.Padding()*4), body))
}

// Tick goes back once the result has been up long enough.
func (r *resultScreen) Tick(now time.Time) {
	if !now.Before(r.until) {
		r.shell.Back()
	}
}

// words returns the colour, icon, headline and lines of the answer.
func (r *resultScreen) words() (fill color.Color, icon fyne.Resource, headline string, lines []string) {
	s, res := r.shell, r.res
	who := visitorLabel(res.Visitor)
	event := res.Session.Event.Title
	switch res.Outcome {
	case data.Accepted:
		at := clock(res.Record.WallMS, s)
		if res.Direction == data.Out {
			lines = []string{who, event, lang.L("result.outAt", map[string]any{"Time": at})}
			if res.ServiceMS > 0 {
				lines = append(lines, serviceTime(res.ServiceMS))
			}
			return theme.Color(theme.ColorNameSuccess), theme.ConfirmIcon(), lang.L("result.out"), nonEmpty(lines)
		}
		lines = []string{who, event, lang.L("result.inAt", map[string]any{"Time": at})}
		return theme.Color(theme.ColorNameSuccess), theme.ConfirmIcon(), lang.L("result.in"), nonEmpty(lines)
	case data.Duplicate:
		headline = lang.L("result.alreadyOut")
		if res.Reason == data.ReasonAlreadyIn && res.Previous != nil {
			headline = lang.L("result.alreadyIn", map[string]any{"Time": clock(res.Previous.WallMS, s)})
		}
		return theme.Color(theme.ColorNameWarning), theme.WarningIcon(), headline, nonEmpty([]string{who, event})
	}
	headline = lang.L("result.refused")
	if res.Reason == data.ReasonStorage { // registrations fail this way too
		headline = lang.L("result.failed")
	}
	lines = []string{lang.L("reason." + string(res.Reason)), who}
	return theme.Color(theme.ColorNameError), theme.ErrorIcon(), headline, nonEmpty(lines)
}

// visitorLabel names a visitor on screen: by name, else by masked phone
// number; "" when neither is known.
func visitorLabel(v data.Visitor) string {
	if v.Name == "" && v.Phone != "" {
		return data.MaskPhone(v.Phone)
	}
	return v.Name
}

// clock formats a UTC ms time as the centre's hour and minute.
func clock(ms int64, s *Shell) string {
	return time.UnixMilli(ms).In(s.loc).Format("15:04")
}

// serviceTime says how long a visit was, e.g. 本次服务 1小时30分.
func serviceTime(ms int64) string {
	m := int((time.Duration(ms) * time.Millisecond).Round(time.Minute).Minutes())
	if m < 60 {
		return lang.L("result.serviceMinutes", map[string]any{"M": m})
	}
	return lang.L("result.serviceHours", map[string]any{"H": m / 60, "M": m % 60})
}

// nonEmpty drops the empty strings.
func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
