package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

// honourDetailScreen tells the whole story of one person on the honour
// wall.
type honourDetailScreen struct {
	shell *Shell
	entry data.HonourEntry
}

func newHonourDetailScreen(s *Shell, e data.HonourEntry) *honourDetailScreen {
	return &honourDetailScreen{shell: s, entry: e}
}

// Build lays out the person's portrait, name, title and story.
func (d *honourDetailScreen) Build() fyne.CanvasObject {
	s, e := d.shell, d.entry
	who := widget.NewRichText(
		&widget.TextSegment{Text: e.Name, Style: styleHeading},
		&widget.TextSegment{Text: e.Title, Style: styleAccent},
		&widget.TextSegment{Text: e.Community, Style: styleSoft})
	who.Wrapping = fyne.TextWrapWord
	head := container.NewBorder(nil, nil, container.NewVBox(newAvatar(e.Name, e.Photo, 5)), nil, who)
	list := s.pager(0, "")
	list.setItems([]fyne.CanvasObject{head, s.card(text(e.Story, styleReading), nil)})
	return s.frame(lang.L("honour.detail"), true, list.box)
}
