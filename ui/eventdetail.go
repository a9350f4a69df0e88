package ui

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

// eventDetailScreen shows everything about one session of an event.
type eventDetailScreen struct {
	shell   *Shell
	session data.Session
	signIn  *EventSignIn // the phone sign-in code while the session is open; nil without a hub
}

func newEventDetailScreen(s *Shell, ses data.Session) *eventDetailScreen {
	return &eventDetailScreen{shell: s, session: ses}
}

// Build lays out the event's title, facts and description.
func (d *eventDetailScreen) Build() fyne.CanvasObject {
	s := d.shell
	title := lang.L("event.title")
	ctx, cancel := s.query()
	defer cancel()
	sites, err := s.sites(ctx)
	if err != nil {
		return s.frame(title, true, s.failed(err))
	}

	ev := d.session.Event
	start, end := time.UnixMilli(d.session.StartMS).In(s.loc), time.UnixMilli(d.session.EndMS).In(s.loc)
	when := shortDate(start) + "  " + timeRange(start, end)
	if ev.Weekly {
		when += " · " + weeklyLabel(start)
		if ev.UntilMS != 0 {
			when += lang.L("event.until", map[string]any{"Date": shortDate(time.UnixMilli(ev.UntilMS).In(s.loc))})
		}
	}
	capacity := lang.L("event.noLimit")
	if ev.Capacity > 0 {
		capacity = lang.L("event.places", map[string]any{"N": strconv.Itoa(ev.Capacity)})
	}
	facts := []fact{
		{lang.L("event.time"), when},
		{lang.L("event.category"), ev.Category},
		{lang.L("event.place"), joinNonEmpty(" · ", ev.Place, sites[ev.SiteID])},
		{lang.L("event.organiser"), ev.Organiser},
		{lang.L("event.partners"), ev.Partners},
		{lang.L("event.capacity"), capacity},
	}

	items := []fyne.CanvasObject{text(ev.Title, styleHeading)}
	items = append(items, factRows(facts)...)
	if ev.Description != "" {
		items = append(items, s.card(text(ev.Description, styleReading), nil))
	}
	list := s.pager(0, "")
	list.setItems(items)
	d.signIn = s.EventSignIn(d.session, s.Now())
	return s.frame(title, true, withSignIn(list.box, d.signIn))
}

// Tick renews the sign-in code.
func (d *eventDetailScreen) Tick(now time.Time) {
	if d.signIn != nil {
		d.signIn.Tick(now)
	}
}

// EventID names the event shown, so that a scan made on this page checks
// into it.
func (d *eventDetailScreen) EventID() string { return d.session.Event.ID }

// fact is a named value on a detail page.
type fact struct {
	name, value string
}

// factRows lays out facts as rows of name and value, names in one column;
// facts without a value are left out.
func factRows(facts []fact) []fyne.CanvasObject {
	lead := &leadColumn{}
	var rows []fyne.CanvasObject
	for _, f := range facts {
		if f.value == "" {
			continue
		}
		name := widget.NewRichText(&widget.TextSegment{Text: f.name, Style: styleAccent})
		rows = append(rows, lead.row(name, text(f.value, styleBody)))
	}
	return rows
}
