package ui

import (
	"errors"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data/sqlite"
)

// ShowStartupError fills win with why the kiosk cannot start: the database
// at path could not be opened (err). It asks visitors to call the staff and
// tells the staff, in plain words, what is wrong with the file, that it was
// left as it was and how to restore it from a backup. err itself is not
// shown: the caller logs it, and a small line points to kiosk.log beside
// the database, where the kiosk writes its log. The window stays as it is
// until it is closed.
func ShowStartupError(win fyne.Window, err error, path string) {
	fyne.CurrentApp().Settings().SetTheme(newTheme(1))
	why := lang.L("startup.other")
	switch {
	case errors.Is(err, sqlite.ErrCorrupt):
		why = lang.L("startup.corrupt")
	case errors.Is(err, sqlite.ErrNewerSchema):
		why = lang.L("startup.newer")
	case errors.Is(err, sqlite.ErrReadOnly):
		why = lang.L("startup.readOnly")
	}
	danger := widget.RichTextStyle{ColorName: theme.ColorNameError, SizeName: theme.SizeNameHeadingText,
		TextStyle: fyne.TextStyle{Bold: true}}
	detail := text(lang.L("startup.log", map[string]any{"Log": filepath.Join(filepath.Dir(path), "kiosk.log")}),
		widget.RichTextStyle{ColorName: colorNameTextSoft, SizeName: theme.SizeNameCaptionText})
	body := container.NewVBox(
		text(lang.L("startup.call"), danger),
		text(lang.L("startup.file", map[string]any{"Path": path}), styleReading),
		text(why, styleReading),
		text(lang.L("startup.unchanged"), styleReading),
		text(lang.L("startup.restore", map[string]any{"Backups": filepath.Join(filepath.Dir(path), "backups")}), styleReading),
	)
	page := container.NewBorder(band(titleText(lang.L("startup.title"))), nil, nil, nil,
		container.NewPadded(container.NewPadded(container.NewBorder(body, detail, nil, nil))))
	root := container.New(&scaleLayout{scale: 1}, page)
	win.SetPadded(false)
	win.SetContent(root)
	root.Refresh() // wraps the texts at the window's width
}
