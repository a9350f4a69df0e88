package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Text styles used across the screens.
var (
	styleBody    = widget.RichTextStyle{ColorName: theme.ColorNameForeground}
	styleReading = widget.RichTextStyle{ColorName: theme.ColorNameForeground, SizeName: theme.SizeNameSubHeadingText}
	styleSoft    = widget.RichTextStyle{ColorName: colorNameTextSoft}
	styleStrong  = widget.RichTextStyle{ColorName: theme.ColorNameForeground, TextStyle: fyne.TextStyle{Bold: true}}
	styleAccent  = widget.RichTextStyle{ColorName: theme.ColorNamePrimary, TextStyle: fyne.TextStyle{Bold: true}}
	styleItem    = widget.RichTextStyle{ColorName: theme.ColorNameForeground, SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}}
	styleHeading = widget.RichTextStyle{ColorName: theme.ColorNameForeground, SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Bold: true}}
	styleTitle   = widget.RichTextStyle{ColorName: theme.ColorNameForegroundOnPrimary, SizeName: sizeNameTitle, TextStyle: fyne.TextStyle{Bold: true}}
	styleOnRed   = widget.RichTextStyle{ColorName: theme.ColorNameForegroundOnPrimary, TextStyle: fyne.TextStyle{Bold: true}}
)

// text is a block of text that wraps at word (or, in Chinese, character)
// boundaries instead of being clipped.
func text(s string, style widget.RichTextStyle) *widget.RichText {
	t := widget.NewRichText(&widget.TextSegment{Text: s, Style: style})
	t.Wrapping = fyne.TextWrapWord
	return t
}

// titleText is a screen's title on the red band: one line, shortened with an
// ellipsis if the band is too narrow.
func titleText(s string) *widget.RichText {
	t := widget.NewRichText(&widget.TextSegment{Text: s, Style: styleTitle})
	t.Truncation = fyne.TextTruncateEllipsis
	return t
}

// band puts content on the red title band.
func band(content fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	return container.NewStack(bg, container.NewPadded(content))
}

// tapButton is a widget.Button at least one tap target high and wide. It
// passes typed keys on to the scanner.
type tapButton struct {
	widget.Button
	keys *scanner
}

// button makes a tapButton whose taps count as activity.
func (s *Shell) button(label string, icon fyne.Resource, importance widget.Importance, onTap func()) *tapButton {
	b := &tapButton{keys: s.scanner}
	b.Text = label
	b.Icon = icon
	b.Importance = importance
	b.OnTapped = s.tap(onTap)
	b.ExtendBaseWidget(b)
	return b
}

// MinSize is the button's natural size, grown to the tap target size.
func (b *tapButton) MinSize() fyne.Size {
	target := theme.SizeForWidget(sizeNameTapTarget, b)
	return b.Button.MinSize().Max(fyne.NewSquareSize(target))
}

// choice makes a row of equal buttons of which the one at selected is
// highlighted; tapping another highlights it and calls onSelect with its
// index.
func (s *Shell) choice(labels []string, selected int, onSelect func(int)) *fyne.Container {
	buttons := make([]*tapButton, len(labels))
	row := container.NewGridWithColumns(len(labels))
	for i, l := range labels {
		buttons[i] = s.button(l, nil, widget.MediumImportance, func() {
			for j, b := range buttons {
				b.Importance = widget.MediumImportance
				if j == i {
					b.Importance = widget.HighImportance
				}
				b.Refresh()
			}
			onSelect(i)
		})
		if i == selected {
			buttons[i].Importance = widget.HighImportance
		}
		row.Add(buttons[i])
	}
	return row
}

// card is a rounded panel around content. Tapping anywhere on it calls
// onTap.
type card struct {
	widget.BaseWidget
	content fyne.CanvasObject
	fill    fyne.ThemeColorName
	onTap   func()
}

// card makes a white card whose taps count as activity and then call onTap
// (which may be nil).
func (s *Shell) card(content fyne.CanvasObject, onTap func()) *card {
	if onTap == nil {
		onTap = func() {}
	}
	return newCard(content, colorNameCard, s.tap(onTap))
}

func newCard(content fyne.CanvasObject, fill fyne.ThemeColorName, onTap func()) *card {
	c := &card{content: content, fill: fill, onTap: onTap}
	c.ExtendBaseWidget(c)
	return c
}

// Tapped calls the card's onTap.
func (c *card) Tapped(*fyne.PointEvent) { c.onTap() }

// CreateRenderer draws the card's background under its content.
func (c *card) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(nil)
	r := &cardRenderer{card: c, bg: bg}
	r.Refresh()
	return r
}

type cardRenderer struct {
	card *card
	bg   *canvas.Rectangle
}

func (r *cardRenderer) pad() float32 { return theme.SizeForWidget(theme.SizeNamePadding, r.card) }

func (r *cardRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	p := r.pad()
	r.card.content.Move(fyne.NewPos(p, p))
	r.card.content.Resize(size.SubtractWidthHeight(2*p, 2*p))
}

func (r *cardRenderer) MinSize() fyne.Size {
	p := r.pad()
	return r.card.content.MinSize().AddWidthHeight(2*p, 2*p)
}

func (r *cardRenderer) Refresh() {
	r.bg.FillColor = theme.ColorForWidget(r.card.fill, r.card)
	r.bg.StrokeColor = theme.ColorForWidget(theme.ColorNameSeparator, r.card)
	r.bg.StrokeWidth = theme.SizeForWidget(theme.SizeNameSeparatorThickness, r.card)
	r.bg.CornerRadius = theme.SizeForWidget(sizeNameCardRadius, r.card)
	r.bg.Refresh()
	r.card.content.Refresh()
}

func (r *cardRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.card.content}
}

func (r *cardRenderer) Destroy() {}

// leadColumn lays out rows of two objects, a lead and the rest, so that
// the lead column of all rows made by the same leadColumn is as wide as the
// widest lead.
type leadColumn struct {
	leads []fyne.CanvasObject
}

// row makes a row of lead and rest.
func (c *leadColumn) row(lead, rest fyne.CanvasObject) *fyne.Container {
	c.leads = append(c.leads, lead)
	return container.New(c, lead, rest)
}

func (c *leadColumn) width() float32 {
	var w float32
	for _, l := range c.leads {
		w = fyne.Max(w, l.MinSize().Width)
	}
	return w
}

// Layout puts the lead at the left and the rest in the remaining width.
func (c *leadColumn) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	w := c.width()
	p := theme.Padding()
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(fyne.NewSize(w, size.Height))
	objects[1].Move(fyne.NewPos(w+p, 0))
	objects[1].Resize(fyne.NewSize(size.Width-w-p, size.Height))
}

// MinSize is the lead column's width beside the rest, as high as the
// higher of the two.
func (c *leadColumn) MinSize(objects []fyne.CanvasObject) fyne.Size {
	lead, rest := objects[0].MinSize(), objects[1].MinSize()
	return fyne.NewSize(c.width()+theme.Padding()+rest.Width, fyne.Max(lead.Height, rest.Height))
}

// squareLayout gives its objects a centred square, at least side text sizes
// wide.
type squareLayout struct {
	side float32
}

// Layout centres the largest square that fits in size.
func (l squareLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	d := fyne.Min(size.Width, size.Height)
	for _, o := range objects {
		o.Move(fyne.NewPos((size.Width-d)/2, (size.Height-d)/2))
		o.Resize(fyne.NewSquareSize(d))
	}
}

// MinSize is the square of side text sizes.
func (l squareLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSquareSize(l.side * theme.TextSize())
}

// iconAboveLayout centres its first object, a square icon, above its second,
// the words, in the height. The words get the height they need and the icon
// what is left, from least up to most text sizes, so that a screen that
// holds more words, or large text on a 600-pixel-high screen, still fits.
type iconAboveLayout struct {
	most, least float32
}

// Layout places the icon and the words.
func (l iconAboveLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	icon, words := objects[0], objects[1]
	wordsHeight, pad := words.MinSize().Height, theme.Padding()
	side := fyne.Max(fyne.Min(l.most*theme.TextSize(), size.Height-wordsHeight-pad), l.least*theme.TextSize())
	top := fyne.Max((size.Height-side-pad-wordsHeight)/2, 0)
	icon.Move(fyne.NewPos((size.Width-side)/2, top))
	icon.Resize(fyne.NewSquareSize(side))
	words.Move(fyne.NewPos(0, top+side+pad))
	words.Resize(fyne.NewSize(size.Width, wordsHeight))
}

// MinSize is the words below the smallest icon.
func (l iconAboveLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	words, side := objects[1].MinSize(), l.least*theme.TextSize()
	return fyne.NewSize(fyne.Max(words.Width, side), side+theme.Padding()+words.Height)
}
