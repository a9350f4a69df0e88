package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

// chooseIdle is how long the choice of event waits for a tap before it
// goes back and forgets the scan.
const chooseIdle = 30 * time.Second

// chooseScreen asks which event a scan is for when several are open: one
// big button per session. The scan waits in memory for the tap only.
type chooseScreen struct {
	shell    *Shell
	sessions []data.Session
	try      attempt
}

func newChooseScreen(s *Shell, sessions []data.Session, try attempt) *chooseScreen {
	return &chooseScreen{shell: s, sessions: sessions, try: try}
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
	return s.frame(lang.L("choose.title"), true, container.NewBorder(text(lang.L("choose.prompt"), styleReading), nil, nil, nil, list.box))
}

// choose runs the waiting scan for the event.
func (c *chooseScreen) choose(eventID string) {
	try := c.try
	if try == nil {
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
