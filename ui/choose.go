package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
)

// chooseIdle is how long the choice of event waits for a tap before it
// goes back and forgets the scan.
const chooseIdle = 30 * time.Second

// chooseScreen asks which event a scan is for when several are open: one
// big button per session, under whose scan it is. The scan waits in memory
// for the tap only.
type chooseScreen struct {
	shell    *Shell
	sessions []data.Session
	try      attempt
	visitor  data.Visitor
	// replaced is set when this choice took the place of another visitor's.
	replaced bool
}

func newChooseScreen(s *Shell, res checkin.Result, try attempt) *chooseScreen {
	return &chooseScreen{shell: s, sessions: res.Choices, try: try, visitor: res.Visitor}
}

func (c *chooseScreen) transient() {}

// Build lists the open sessions.
func (c *chooseScreen) Build() fyne.CanvasObject {
	s := c.shell
	now := s.Now()
	items := make([]fyne.CanvasObject, len(c.sessions))
	for i, ses := range c.sessions {
		start, end := time.UnixMilli(ses.StartMS).In(s.loc), time.UnixMilli(ses.EndMS).In(s.loc)
		words := widget.NewRichText(
			&widget.TextSegment{Text: ses.Event.Title, Style: styleHeading},
			&widget.TextSegment{Text: joinNonEmpty(" · ", dayLabel(start, now)+" "+timeRange(start, end), ses.Event.Place), Style: styleSoft})
		words.Wrapping = fyne.TextWrapWord
		id := ses.Event.ID
		items[i] = s.card(words, func() { c.choose(id) })
	}
	list := s.pager(0, "")
	list.setItems(items)
	head := container.NewVBox()
	if who := visitorLabel(c.visitor); who != "" {
		head.Add(text(lang.L("choose.who", map[string]any{"Who": who}), widget.RichTextStyle{
			ColorName: theme.ColorNamePrimary, SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Bold: true}}))
	}
	if c.replaced {
		head.Add(text(lang.L("choose.replaced"), widget.RichTextStyle{
			ColorName: theme.ColorNameError, SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}}))
	}
	head.Add(text(lang.L("choose.prompt"), styleReading))
	return s.frame(lang.L("choose.title"), true, container.NewBorder(head, nil, nil, nil, list.box))
}

// forget drops the waiting scan: a tap on this screen checks in no one.
func (c *chooseScreen) forget() { c.try = nil }

// choose runs the waiting scan for the event, if this screen is still the
// one on display.
func (c *chooseScreen) choose(eventID string) {
	try := c.try
	if try == nil || c.shell.current() != Screen(c) {
		return
	}
	c.try = nil
	c.shell.checkIn(try, eventID)
}

// Tick gives up on the choice after chooseIdle without a tap.
func (c *chooseScreen) Tick(now time.Time) {
	if now.Sub(c.shell.LastActivity()) >= chooseIdle {
		c.try = nil
		c.shell.Back()
	}
}
