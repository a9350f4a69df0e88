package ui

import (
	"context"
	"log/slog"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// largeTextScale is how much larger the large-text mode (大字) makes text
// and the icons beside it; buttons, cards and tiles grow with their text.
const largeTextScale = 1.25

// settingLargeText is the setting that keeps the text size across
// restarts: "1" for large text.
const settingLargeText = "large_text"

// Settings is where the shell keeps its settings. When the Config's
// Catalog is also a Settings, as the kiosk's store is, the text size chosen
// on the home screen is kept there.
type Settings interface {
	Setting(ctx context.Context, key, def string) (string, error)
	SetSetting(ctx context.Context, key, value string) error
}

// scaler returns the layout that sizes the theme to the window.
func (s *Shell) scaler() *scaleLayout { return s.root.Layout.(*scaleLayout) }

// restoreTextSize applies the text size kept in the settings.
func (s *Shell) restoreTextSize() {
	st, ok := s.catalog.(Settings)
	if !ok {
		return
	}
	ctx, cancel := s.query()
	defer cancel()
	v, err := st.Setting(ctx, settingLargeText, "0")
	if err != nil {
		slog.Error("reading the text size", "err", err)
	}
	s.applyTextSize(v == "1")
}

// largeText reports whether the large-text mode is on.
func (s *Shell) largeText() bool { return s.scaler().large }

// applyTextSize sets the theme for the text size.
func (s *Shell) applyTextSize(large bool) {
	l := s.scaler()
	l.large = large
	fyne.CurrentApp().Settings().SetTheme(l.theme())
}

// setLargeText switches large text on or off, rebuilds the home screen at
// the new size and keeps the choice.
func (s *Shell) setLargeText(large bool) {
	if large == s.largeText() {
		return
	}
	s.applyTextSize(large)
	s.Home()
	st, ok := s.catalog.(Settings)
	if !ok {
		return
	}
	v := "0"
	if large {
		v = "1"
	}
	s.background(func() {
		ctx, cancel := s.query()
		defer cancel()
		if err := st.SetSetting(ctx, settingLargeText, v); err != nil {
			slog.Error("keeping the text size", "err", err)
		}
	})
}

// textSizeChoice is the home screen's choice of 标准 or 大字.
func (s *Shell) textSizeChoice() fyne.CanvasObject {
	selected := 0
	if s.largeText() {
		selected = 1
	}
	return s.choice([]string{lang.L("text.standard"), lang.L("text.large")}, selected,
		func(i int) { s.setLargeText(i == 1) })
}
