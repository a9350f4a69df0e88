package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

// excerptLength is how many characters of a story a card shows.
const excerptLength = 30

// honourScreen is the honour wall (光荣榜): a card for each person, with a
// short excerpt of their story.
type honourScreen struct {
	shell *Shell
}

func newHonourScreen(s *Shell) *honourScreen {
	return &honourScreen{shell: s}
}

// Build reads the honour wall and lays out its cards.
func (h *honourScreen) Build() fyne.CanvasObject {
	s := h.shell
	title := lang.L("honour.title")
	ctx, cancel := s.query()
	defer cancel()
	entries, err := s.catalog.HonourEntries(ctx)
	if err != nil {
		return s.frame(title, false, s.failed(err))
	}
	items := make([]fyne.CanvasObject, len(entries))
	for i, e := range entries {
		items[i] = s.honourCard(e)
	}
	list := s.pager(18, lang.L("honour.none"))
	list.setItems(items)
	return s.frame(title, false, list.box)
}

// honourCard shows a person's avatar, name, title, community and the start
// of their story; tapping it opens the whole story.
func (s *Shell) honourCard(e data.HonourEntry) fyne.CanvasObject {
	words := widget.NewRichText(
		&widget.TextSegment{Text: e.Name + "  ", Style: inline(styleItem)},
		&widget.TextSegment{Text: e.Title + "  ", Style: inline(styleAccent)},
		&widget.TextSegment{Text: e.Community, Style: styleSoft},
		&widget.TextSegment{Text: excerpt(e.Story, excerptLength), Style: styleBody})
	words.Wrapping = fyne.TextWrapWord
	face := container.NewVBox(newAvatar(e.Name, e.Photo, 3.2))
	return s.card(container.NewBorder(nil, nil, face, nil, words), func() { s.Show(newHonourDetailScreen(s, e)) })
}
