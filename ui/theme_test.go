package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is the WCAG relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xFFFF
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the WCAG contrast ratio of two opaque colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func TestTextContrast(t *testing.T) {
	th := newTheme(1)
	c := func(n fyne.ThemeColorName) color.Color { return th.Color(n, theme.VariantLight) }
	pairs := []struct{ text, on fyne.ThemeColorName }{
		{theme.ColorNameForeground, theme.ColorNameBackground},
		{theme.ColorNameForeground, colorNameCard},
		{theme.ColorNameForeground, theme.ColorNameButton},
		{colorNameTextSoft, theme.ColorNameBackground},
		{colorNameTextSoft, colorNameCard},
		{theme.ColorNameDisabled, theme.ColorNameDisabledButton},
		{theme.ColorNamePrimary, theme.ColorNameBackground},
		{theme.ColorNamePrimary, colorNameCard},
		{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
		{theme.ColorNameForegroundOnError, theme.ColorNameError},
		{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
		{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
	}
	for _, p := range pairs {
		if r := contrast(c(p.text), c(p.on)); r < 4.5 {
			t.Errorf("%s on %s: contrast %.2f, want at least 4.5", p.text, p.on, r)
		}
	}
	for _, bg := range avatarColors {
		if r := contrast(color.White, bg); r < 4.5 {
			t.Errorf("white on avatar colour %v: contrast %.2f", bg, r)
		}
	}
}

func TestThemeIgnoresDarkMode(t *testing.T) {
	th := newTheme(1)
	for _, n := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameForeground, theme.ColorNameButton} {
		if th.Color(n, theme.VariantDark) != th.Color(n, theme.VariantLight) {
			t.Errorf("%s differs in dark mode", n)
		}
	}
}

func TestThemeSizes(t *testing.T) {
	th := newTheme(1)
	if s := th.Size(theme.SizeNameText); s < 20 {
		t.Errorf("text size %v is too small for a kiosk", s)
	}
	if th.Size(theme.SizeNameHeadingText) <= th.Size(theme.SizeNameText) {
		t.Error("headings are not larger than text")
	}
	if s := th.Size(sizeNameTapTarget); s < 64 {
		t.Errorf("tap target %v, want at least 64", s)
	}
	if got := newTheme(1.5).Size(theme.SizeNameText); got != 1.5*th.Size(theme.SizeNameText) {
		t.Errorf("scaled text size = %v", got)
	}
}

func TestScaleFor(t *testing.T) {
	for _, c := range []struct {
		w, h float32
		want float32
	}{{1024, 600, 1}, {1280, 720, 1}, {1366, 768, 1}, {1920, 1080, 1.5}, {1080, 1920, 1}, {2560, 1440, 2}, {800, 480, 1}} {
		if got := scaleFor(fyne.NewSize(c.w, c.h)); got != c.want {
			t.Errorf("scaleFor(%v×%v) = %v, want %v", c.w, c.h, got, c.want)
		}
	}
}

func TestThemeFontsAreBundled(t *testing.T) {
	th := newTheme(1)
	if r := th.Font(fyne.TextStyle{}); r.Name() != "NotoSansSC-Regular.otf" || len(r.Content()) == 0 {
		t.Errorf("regular font %q", r.Name())
	}
	if r := th.Font(fyne.TextStyle{Bold: true}); r.Name() != "NotoSansSC-Bold.otf" || len(r.Content()) == 0 {
		t.Errorf("bold font %q", r.Name())
	}
}
