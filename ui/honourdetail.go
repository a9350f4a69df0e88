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
	s := d.shell
	list := s.pager(0, "")
	list.setItems(s.honourStory(d.entry))
	return s.frame(lang.L("honour.detail"), true, list.box)
}

// honourStory is the items of a pager telling e's whole story: the
// portrait beside the name, title and community, then the story.
func (s *Shell) honourStory(e data.HonourEntry) []fyne.CanvasObject {
	who := widget.NewRichText(
		&widget.TextSegment{Text: e.Name, Style: styleHeading},
		&widget.TextSegment{Text: e.Title, Style: styleAccent},
		&widget.TextSegment{Text: e.Community, Style: styleSoft})
	who.Wrapping = fyne.TextWrapWord
	head := container.NewBorder(nil, nil, container.NewVBox(newAvatar(e.Name, e.Photo, 5)), nil, who)
	return []fyne.CanvasObject{head, s.card(text(e.Story, styleReading), nil)}
}
