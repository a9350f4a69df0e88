package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

// The sections of the about screen.
const (
	aboutOverview = iota
	aboutMottoes
	aboutFacts
	aboutServices
)

// aboutScreen describes the centre: its working model, summary and rooms,
// its principles, highlights and regular services, one section at a time.
type aboutScreen struct {
	shell   *Shell
	section int
	centre  data.Centre
	list    *pager
}

func newAboutScreen(s *Shell) *aboutScreen {
	return &aboutScreen{shell: s}
}

// Build reads the centre's description and shows the first section.
func (a *aboutScreen) Build() fyne.CanvasObject {
	s := a.shell
	title := lang.L("about.title")
	ctx, cancel := s.query()
	defer cancel()
	var err error
	if a.centre, err = s.catalog.Centre(ctx); err != nil {
		return s.frame(title, false, s.failed(err))
	}
	sections := s.choice([]string{lang.L("about.overview"), lang.L("about.mottoes"),
		lang.L("about.facts"), lang.L("about.services")}, a.section, func(i int) {
		a.section = i
		a.show()
	})
	a.list = s.pager(0, lang.L("about.none"))
	a.show()
	return s.frame(title, false, container.NewBorder(sections, nil, nil, nil, a.list.box))
}

// show lists the current section.
func (a *aboutScreen) show() {
	c := a.centre
	var items []fyne.CanvasObject
	switch a.section {
	case aboutOverview:
		if c.Name != "" {
			items = append(items, text(c.Name, styleHeading))
		}
		if c.Model != "" {
			model := widget.NewRichText(
				&widget.TextSegment{Text: lang.L("about.model") + "  ", Style: inline(styleStrong)},
				&widget.TextSegment{Text: c.Model, Style: widget.RichTextStyle{ColorName: styleAccent.ColorName,
					SizeName: styleHeading.SizeName, TextStyle: styleAccent.TextStyle}})
			items = append(items, model)
		}
		if c.Summary != "" {
			items = append(items, text(c.Summary, styleBody))
		}
		items = append(items, factRows([]fact{{lang.L("about.rooms"), strings.Join(c.Rooms, " · ")}})...)
	case aboutMottoes:
		items = a.cards(c.Mottoes)
	case aboutFacts:
		items = a.cards(c.Facts)
	case aboutServices:
		items = a.cards(c.Services)
	}
	a.list.setItems(items)
}

// cards makes a card for each paragraph.
func (a *aboutScreen) cards(paragraphs []string) []fyne.CanvasObject {
	items := make([]fyne.CanvasObject, len(paragraphs))
	for i, p := range paragraphs {
		items[i] = a.shell.card(text(p, styleBody), nil)
	}
	return items
}
