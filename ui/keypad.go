package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

// phoneDigits is the length of a mainland mobile number.
const phoneDigits = 11

// keypad is an on-screen digit keypad: the digits as typed, shown as its
// padSpec says, over keys 0–9, 清空 and 删除, and 确定, which is enabled
// only for valid digits.
type keypad struct {
	spec    padSpec
	digits  string
	display *canvas.Text
	reason  *canvas.Text // why a full entry is refused
	ok      *padKey
	onOK    func(digits string)
	// box holds the whole keypad.
	box *fyne.Container
}

// padSpec is what a keypad takes: at most max digits, shown by show, with
// placeholder while empty, and accepted by 确定 when valid. When it has a
// refusal, that is shown under the digits once all max are typed and they
// are not valid.
type padSpec struct {
	max         int
	placeholder string
	show        func(digits string) string
	valid       func(digits string) bool
	refusal     string
}

// phoneSpec is the keypad of a mainland mobile number, grouped like
// 138 0013 8000.
func phoneSpec() padSpec {
	return padSpec{max: phoneDigits, placeholder: lang.L("keypad.placeholder"), show: groupPhone, valid: validPhone,
		refusal: lang.L("reason.bad_phone")}
}

// keypad makes a keypad for a mobile number whose taps count as activity;
// 确定 calls onOK with the 11 digits.
func (s *Shell) keypad(onOK func(phone string)) *keypad {
	return s.digitPad(phoneSpec(), onOK)
}

// digitPad makes a keypad for spec whose taps count as activity; 确定 calls
// onOK with the digits.
func (s *Shell) digitPad(spec padSpec, onOK func(digits string)) *keypad {
	k := &keypad{spec: spec, onOK: onOK}
	k.display = canvas.NewText("", nil)
	k.display.Alignment = fyne.TextAlignCenter
	k.display.TextStyle.Bold = true
	keys := container.NewGridWithColumns(3)
	for _, d := range "123456789" {
		keys.Add(s.padKey(string(d), 2, theme.ColorNameButton, func() { k.press(d) }))
	}
	keys.Add(s.padKey(lang.L("keypad.clear"), 1.2, theme.ColorNameButton, func() { k.set("") }))
	keys.Add(s.padKey("0", 2, theme.ColorNameButton, func() { k.press('0') }))
	keys.Add(s.padKey(lang.L("keypad.delete"), 1.2, theme.ColorNameButton, func() {
		if k.digits != "" {
			k.set(k.digits[:len(k.digits)-1])
		}
	}))
	for _, key := range keys.Objects {
		key.(*padKey).compact = true // the grid's keys share the height left by the display
	}
	k.ok = s.padKey(lang.L("keypad.ok"), 1.4, theme.ColorNamePrimary, func() {
		if k.valid() {
			k.onOK(k.digits)
		}
	})
	shown := container.New(lineLayout{size: sizeNameDisplay}, k.display)
	if spec.refusal != "" {
		k.reason = canvas.NewText("", theme.Color(theme.ColorNameError))
		k.reason.Alignment = fyne.TextAlignCenter
		k.reason.TextStyle.Bold = true
		k.reason.TextSize = theme.TextSize()
		shown = container.NewVBox(shown, container.New(lineLayout{size: theme.SizeNameText}, k.reason))
	}
	screen := s.card(shown, nil)
	k.box = container.NewBorder(screen, k.ok, nil, nil, keys)
	k.set("")
	return k
}

// placeholderScale is the text size of the keypad's placeholder in theme
// text sizes; the digits are display sized.
const placeholderScale = 1.3

// lineLayout centres a line of the keypad's display in a box as high as a
// line of text of its size, whatever it shows or when it shows nothing, so
// that the keys below never move.
type lineLayout struct {
	size fyne.ThemeSizeName
}

// Layout centres the text.
func (lineLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		m := o.MinSize()
		o.Move(fyne.NewPos((size.Width-m.Width)/2, (size.Height-m.Height)/2))
		o.Resize(m)
	}
}

// MinSize is the widest text shown, one line high.
func (l lineLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	line := fyne.MeasureText("0", theme.Size(l.size), fyne.TextStyle{Bold: true})
	for _, o := range objects {
		line = line.Max(o.MinSize())
	}
	return line
}

// press adds a digit, up to the spec's max.
func (k *keypad) press(d rune) {
	if len(k.digits) < k.spec.max {
		k.set(k.digits + string(d))
	}
}

// set replaces the digits typed and updates the display and 确定.
func (k *keypad) set(digits string) {
	k.digits = digits
	if digits == "" {
		k.display.Text = k.spec.placeholder
		k.display.Color = theme.Color(colorNameTextSoft)
		k.display.TextSize = theme.TextSize() * placeholderScale
	} else {
		k.display.Text = k.spec.show(digits)
		k.display.Color = theme.Color(theme.ColorNameForeground)
		k.display.TextSize = theme.Size(sizeNameDisplay)
	}
	if k.reason != nil {
		k.reason.Text = ""
		if len(digits) == k.spec.max && !k.valid() {
			k.reason.Text = k.spec.refusal
		}
	}
	k.box.Refresh() // lays the display out again for its new text
	k.ok.setDisabled(!k.valid())
}

// valid reports whether 确定 accepts the digits.
func (k *keypad) valid() bool { return k.spec.valid(k.digits) }

// validPhone reports whether digits are a mainland mobile number.
func validPhone(digits string) bool {
	_, ok := data.NormalisePhone(digits)
	return ok && len(digits) == phoneDigits
}

// groupPhone groups digits as a mobile number is read aloud: 138 0013 8000.
func groupPhone(digits string) string {
	var b strings.Builder
	for i, d := range digits {
		if i == 3 || i == 7 {
			b.WriteByte(' ')
		}
		b.WriteRune(d)
	}
	return b.String()
}

// padKey is a keypad key: a big label on a rounded key that darkens while
// pressed.
type padKey struct {
	widget.BaseWidget
	label    string
	size     float32 // text size in theme text sizes
	fill     fyne.ThemeColorName
	onTap    func()
	disabled bool
	pressed  bool
	// compact keys need one tap target of height and their label's size,
	// not its line's, so that a keypad with a line of explanation fits.
	compact bool
}

// padKey makes a key whose taps count as activity.
func (s *Shell) padKey(label string, size float32, fill fyne.ThemeColorName, onTap func()) *padKey {
	k := &padKey{label: label, size: size, fill: fill, onTap: s.tap(onTap)}
	k.ExtendBaseWidget(k)
	return k
}

// setDisabled greys the key out and ignores taps on it, or enables it.
func (k *padKey) setDisabled(disabled bool) {
	k.disabled = disabled
	k.Refresh()
}

// Disabled reports whether the key ignores taps.
func (k *padKey) Disabled() bool { return k.disabled }

// Tapped calls the key's action unless it is disabled.
func (k *padKey) Tapped(*fyne.PointEvent) {
	if !k.disabled {
		k.onTap()
	}
}

// MouseDown shows the key pressed.
func (k *padKey) MouseDown(*desktop.MouseEvent) {
	k.pressed = true
	k.Refresh()
}

// MouseUp shows the key released.
func (k *padKey) MouseUp(*desktop.MouseEvent) {
	k.pressed = false
	k.Refresh()
}

// CreateRenderer draws the key.
func (k *padKey) CreateRenderer() fyne.WidgetRenderer {
	r := &padKeyRenderer{key: k, bg: canvas.NewRectangle(nil), shade: canvas.NewRectangle(nil),
		text: canvas.NewText(k.label, nil)}
	r.text.Alignment = fyne.TextAlignCenter
	r.text.TextStyle.Bold = true
	r.Refresh()
	return r
}

type padKeyRenderer struct {
	key       *padKey
	bg, shade *canvas.Rectangle
	text      *canvas.Text
}

func (r *padKeyRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.shade.Resize(size)
	h := r.text.MinSize().Height
	r.text.Move(fyne.NewPos(0, (size.Height-h)/2))
	r.text.Resize(fyne.NewSize(size.Width, h))
}

func (r *padKeyRenderer) MinSize() fyne.Size {
	target := theme.SizeForWidget(sizeNameTapTarget, r.key)
	t := r.text.MinSize()
	if r.key.compact {
		return fyne.NewSize(fyne.Max(t.Width+2*theme.Padding(), target*1.5), fyne.Max(r.text.TextSize, target))
	}
	return fyne.NewSize(fyne.Max(t.Width+2*theme.Padding(), target*1.5), fyne.Max(t.Height, target*1.2))
}

func (r *padKeyRenderer) Refresh() {
	k := r.key
	fill, ink := k.fill, theme.ColorNameForeground
	if k.fill == theme.ColorNamePrimary {
		ink = theme.ColorNameForegroundOnPrimary
	}
	if k.disabled {
		fill, ink = theme.ColorNameDisabledButton, theme.ColorNameDisabled
	}
	radius := theme.SizeForWidget(sizeNameCardRadius, k)
	r.bg.FillColor = theme.ColorForWidget(fill, k)
	r.bg.CornerRadius = radius
	r.shade.FillColor = theme.ColorForWidget(theme.ColorNamePressed, k)
	r.shade.CornerRadius = radius
	r.shade.Hidden = !k.pressed || k.disabled
	r.text.Text = k.label
	r.text.Color = theme.ColorForWidget(ink, k)
	r.text.TextSize = theme.TextSize() * k.size
	r.bg.Refresh()
	r.shade.Refresh()
	r.text.Refresh()
}

func (r *padKeyRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.shade, r.text}
}

func (r *padKeyRenderer) Destroy() {}
