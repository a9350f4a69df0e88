package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/civickiosk/kiosk/assets"
)

// Palette of the kiosk: 中国红 accents on warm white, dark text. Every text
// colour keeps a contrast of at least 4.5:1 against the backgrounds it is
// drawn on (see theme_test.go).
var (
	colorRed       = color.NRGBA{R: 0xC8, G: 0x10, B: 0x2E, A: 0xFF} // 中国红
	colorRedDark   = color.NRGBA{R: 0x9E, G: 0x0B, B: 0x23, A: 0xFF}
	colorCream     = color.NRGBA{R: 0xFF, G: 0xF9, B: 0xF0, A: 0xFF}
	colorWhite     = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xFF}
	colorSand      = color.NRGBA{R: 0xF3, G: 0xE6, B: 0xD3, A: 0xFF}
	colorSandPale  = color.NRGBA{R: 0xF1, G: 0xEC, B: 0xE4, A: 0xFF}
	colorLine      = color.NRGBA{R: 0xE2, G: 0xD2, B: 0xBC, A: 0xFF}
	colorText      = color.NRGBA{R: 0x23, G: 0x1F, B: 0x1C, A: 0xFF}
	colorTextSoft  = color.NRGBA{R: 0x5C, G: 0x55, B: 0x4E, A: 0xFF}
	colorGreen     = color.NRGBA{R: 0x2E, G: 0x6B, B: 0x30, A: 0xFF}
	colorAmber     = color.NRGBA{R: 0x9A, G: 0x4A, B: 0x00, A: 0xFF}
	colorHover     = color.NRGBA{R: 0xC8, G: 0x10, B: 0x2E, A: 0x14}
	colorPressed   = color.NRGBA{R: 0xC8, G: 0x10, B: 0x2E, A: 0x33}
	colorSelection = color.NRGBA{R: 0xC8, G: 0x10, B: 0x2E, A: 0x40}
	colorShadow    = color.NRGBA{R: 0x5C, G: 0x3A, B: 0x1A, A: 0x33}
)

// Theme names of the kiosk's own sizes and colours.
const (
	// sizeNameTapTarget is the least height of anything a finger taps.
	sizeNameTapTarget fyne.ThemeSizeName = "civic.tapTarget"
	// sizeNameTitle is the text size of a screen's title and the tiles.
	sizeNameTitle fyne.ThemeSizeName = "civic.title"
	// sizeNameCardRadius is the corner radius of cards and tiles.
	sizeNameCardRadius fyne.ThemeSizeName = "civic.cardRadius"
	// sizeNameDisplay is the text size of the attract loop's headlines.
	sizeNameDisplay fyne.ThemeSizeName = "civic.display"
	// colorNameCard is the background of cards.
	colorNameCard fyne.ThemeColorName = "civic.card"
	// colorNameTextSoft is the colour of secondary text (times, places).
	colorNameTextSoft fyne.ThemeColorName = "civic.textSoft"
)

// baseSizes are the theme sizes at scale 1, chosen for a 1024×600 screen.
var baseSizes = map[fyne.ThemeSizeName]float32{
	theme.SizeNameText:               22,
	theme.SizeNameHeadingText:        30,
	theme.SizeNameSubHeadingText:     25,
	theme.SizeNameCaptionText:        18,
	theme.SizeNamePadding:            6,
	theme.SizeNameInnerPadding:       8,
	theme.SizeNameLineSpacing:        6,
	theme.SizeNameInlineIcon:         28,
	theme.SizeNameScrollBar:          16,
	theme.SizeNameScrollBarSmall:     6,
	theme.SizeNameSeparatorThickness: 2,
	theme.SizeNameInputBorder:        2,
	theme.SizeNameInputRadius:        10,
	theme.SizeNameSelectionRadius:    8,
	theme.SizeNameScrollBarRadius:    8,
	sizeNameTapTarget:                64,
	sizeNameTitle:                    34,
	sizeNameCardRadius:               14,
	sizeNameDisplay:                  44,
}

// kioskTheme is the kiosk's theme: light variant only, bundled CJK fonts,
// and sizes multiplied by scale; with large, text sizes are largeTextScale
// times larger again.
type kioskTheme struct {
	scale         float32
	large         bool
	regular, bold fyne.Resource
}

// newTheme returns the kiosk's theme with every size multiplied by scale.
func newTheme(scale float32) *kioskTheme {
	return &kioskTheme{
		scale:   scale,
		regular: fyne.NewStaticResource("NotoSansSC-Regular.otf", assets.FontRegular),
		bold:    fyne.NewStaticResource("NotoSansSC-Bold.otf", assets.FontBold),
	}
}

// Color returns the light palette whatever variant is asked for, so the
// kiosk never follows the system's dark mode.
func (t *kioskTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameBackground:
		return colorCream
	case theme.ColorNameForeground, theme.ColorNameHyperlink:
		return colorText
	case theme.ColorNamePrimary, theme.ColorNameFocus:
		return colorRed
	case theme.ColorNameForegroundOnPrimary, theme.ColorNameForegroundOnError,
		theme.ColorNameForegroundOnSuccess, theme.ColorNameForegroundOnWarning:
		return colorWhite
	case theme.ColorNameButton:
		return colorSand
	case theme.ColorNameDisabledButton:
		return colorSandPale
	case theme.ColorNameDisabled, theme.ColorNamePlaceHolder, colorNameTextSoft:
		return colorTextSoft
	case theme.ColorNameError:
		return colorRedDark
	case theme.ColorNameSuccess:
		return colorGreen
	case theme.ColorNameWarning:
		return colorAmber
	case theme.ColorNameHover:
		return colorHover
	case theme.ColorNamePressed:
		return colorPressed
	case theme.ColorNameSelection:
		return colorSelection
	case theme.ColorNameSeparator, theme.ColorNameInputBorder:
		return colorLine
	case theme.ColorNameShadow:
		return colorShadow
	case theme.ColorNameInputBackground, theme.ColorNameMenuBackground,
		theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground, colorNameCard:
		return colorWhite
	case theme.ColorNameScrollBar:
		return colorTextSoft
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

// Font returns the bundled Noto Sans CJK SC; bold text uses its bold face.
func (t *kioskTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	if s.Bold {
		return t.bold
	}
	return t.regular
}

// Icon returns Fyne's standard icons.
func (t *kioskTheme) Icon(n fyne.ThemeIconName) fyne.Resource {
	return theme.DefaultTheme().Icon(n)
}

// Size returns the kiosk's sizes times the theme's scale, and the text
// sizes times largeTextScale for large text.
func (t *kioskTheme) Size(n fyne.ThemeSizeName) float32 {
	s, ok := baseSizes[n]
	if !ok {
		s = theme.DefaultTheme().Size(n)
	}
	if t.large && largeSizes[n] {
		s *= largeTextScale
	}
	return s * t.scale
}

// largeSizes are the sizes that large text makes larger: the text that is
// read, and the icons beside it. Headings and titles are large already;
// spacing stays as it is, so that the layouts still fit.
var largeSizes = map[fyne.ThemeSizeName]bool{
	theme.SizeNameText:           true,
	theme.SizeNameSubHeadingText: true,
	theme.SizeNameCaptionText:    true,
	theme.SizeNameInlineIcon:     true,
}

// Window sizes at which the theme's scale grows by one step: the sizes are
// made for a 1024×600 screen and hold up to 1280×720; a 1920×1080 screen
// gets them one and a half times as large.
const (
	scaleBaseWidth  = 1280
	scaleBaseHeight = 720
	scaleStep       = 0.25
)

// scaleFor returns the theme scale for a window of the given size: at least
// 1, in steps of scaleStep.
func scaleFor(size fyne.Size) float32 {
	r := math.Min(float64(size.Width)/scaleBaseWidth, float64(size.Height)/scaleBaseHeight)
	return float32(math.Max(1, math.Floor(r/scaleStep)*scaleStep))
}

// scaleLayout fills the window with its objects and, when the window's size
// calls for another scale, applies the theme at that scale.
type scaleLayout struct {
	scale float32
	large bool // large text
}

// theme returns the kiosk's theme at the layout's scale and text size.
func (l *scaleLayout) theme() *kioskTheme {
	t := newTheme(l.scale)
	t.large = l.large
	return t
}

// Layout gives every object the whole size.
func (l *scaleLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	if s := scaleFor(size); s != l.scale {
		l.scale = s
		fyne.Do(func() { fyne.CurrentApp().Settings().SetTheme(l.theme()) })
	}
	for _, o := range objects {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// MinSize is the largest of the objects' minimum sizes.
func (l *scaleLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range objects {
		min = min.Max(o.MinSize())
	}
	return min
}
