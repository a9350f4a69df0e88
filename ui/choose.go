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
// big button per session, under whose scan it is. A scan on an event's page
// by a visitor still in another session asks instead whether to check out
// of that one (签退) or in to this one (签到), each button saying which. The
// scan waits in memory for the tap only.
type chooseScreen struct {
	shell    *Shell
	sessions []data.Session
	inside   []data.Session // the sessions the visitor is still in, when asked to leave or join
	try      attempt
	visitor  data.Visitor
	// replaced is set when this choice took the place of another visitor's.
	replaced bool
}

func newChooseScreen(s *Shell, res checkin.Result, try attempt) *chooseScreen {
	return &chooseScreen{shell: s, sessions: res.Choices, inside: res.Inside, try: try, visitor: res.Visitor}
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
			&widget.TextSegment{Text: c.label(ses), Style: styleHeading},
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
	prompt := lang.L("choose.prompt")
	if len(c.inside) > 0 {
		prompt = lang.L("choose.inside")
	}
	head.Add(text(prompt, styleReading))
	return s.frame(lang.L("choose.title"), true, container.NewBorder(head, nil, nil, nil, list.box))
}

// label names the session on its button: its title, or, when the visitor
// is asked to leave or join, 签退 or 签到 with the title.
func (c *chooseScreen) label(ses data.Session) string {
	if len(c.inside) == 0 {
		return ses.Event.Title
	}
	for _, in := range c.inside {
		if in.Event.ID == ses.Event.ID && in.StartMS == ses.StartMS {
			return lang.L("choose.checkOut", map[string]any{"Event": ses.Event.Title})
		}
	}
	return lang.L("choose.checkIn", map[string]any{"Event": ses.Event.Title})
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
