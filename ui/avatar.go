package ui

import (
	"hash/fnv"
	"image/color"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// avatarColors are the circles of generated avatars; white text on each
// has a contrast of at least 4.5:1.
var avatarColors = []color.NRGBA{
	colorRed,
	{R: 0x1F, G: 0x5F, B: 0xA8, A: 0xFF}, // blue
	{R: 0x00, G: 0x6B, B: 0x5E, A: 0xFF}, // teal
	{R: 0x6A, G: 0x2C, B: 0x91, A: 0xFF}, // purple
	{R: 0x8A, G: 0x4B, B: 0x08, A: 0xFF}, // brown
	colorGreen,
}

// avatar is a person's round portrait: their photo, or a coloured circle
// holding their surname (the first character of the name). Its side is
// side text sizes.
type avatar struct {
	widget.BaseWidget
	name  string
	photo []byte
	side  float32
}

func newAvatar(name string, photo []byte, side float32) *avatar {
	a := &avatar{name: name, photo: photo, side: side}
	a.ExtendBaseWidget(a)
	return a
}

// avatarColor picks the circle colour for a name, the same every time.
func avatarColor(name string) color.NRGBA {
	h := fnv.New32a()
	h.Write([]byte(name))
	return avatarColors[h.Sum32()%uint32(len(avatarColors))]
}

// surname returns the character shown on a generated avatar.
func surname(name string) string {
	r, _ := utf8.DecodeRuneInString(name)
	if r == utf8.RuneError {
		return ""
	}
	return string(r)
}

// CreateRenderer draws the photo, or the circle and the surname.
func (a *avatar) CreateRenderer() fyne.WidgetRenderer {
	r := &avatarRenderer{a: a}
	if len(a.photo) > 0 {
		r.photo = canvas.NewImageFromResource(fyne.NewStaticResource(a.name, a.photo))
		r.photo.FillMode = canvas.ImageFillCover
		r.objects = []fyne.CanvasObject{r.photo}
	} else {
		r.circle = canvas.NewCircle(avatarColor(a.name))
		r.letter = canvas.NewText(surname(a.name), color.White)
		r.letter.TextStyle = fyne.TextStyle{Bold: true}
		r.letter.Alignment = fyne.TextAlignCenter
		r.objects = []fyne.CanvasObject{r.circle, r.letter}
	}
	return r
}

type avatarRenderer struct {
	a       *avatar
	photo   *canvas.Image
	circle  *canvas.Circle
	letter  *canvas.Text
	objects []fyne.CanvasObject
}

func (r *avatarRenderer) Layout(size fyne.Size) {
	d := fyne.Min(size.Width, size.Height)
	pos := fyne.NewPos((size.Width-d)/2, (size.Height-d)/2)
	if r.photo != nil {
		r.photo.CornerRadius = d / 2
		r.photo.Move(pos)
		r.photo.Resize(fyne.NewSquareSize(d))
		return
	}
	r.circle.Move(pos)
	r.circle.Resize(fyne.NewSquareSize(d))
	r.letter.TextSize = d * 0.5
	r.letter.Refresh()
	h := r.letter.MinSize().Height
	r.letter.Move(fyne.NewPos(pos.X, pos.Y+(d-h)/2))
	r.letter.Resize(fyne.NewSize(d, h))
}

func (r *avatarRenderer) MinSize() fyne.Size {
	return fyne.NewSquareSize(r.a.side * theme.SizeForWidget(theme.SizeNameText, r.a))
}

func (r *avatarRenderer) Refresh() {
	for _, o := range r.objects {
		o.Refresh()
	}
}

func (r *avatarRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *avatarRenderer) Destroy() {}
