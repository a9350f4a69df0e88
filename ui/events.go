package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

// The views of the events screen.
const (
	viewToday = iota
	viewWeek
	viewUpcoming
)

// upcomingDays is how far ahead the upcoming view looks.
const upcomingDays = 60

// eventsScreen lists the sessions of today, of the rest of this week
// (Monday to Sunday) or of the next 60 days, the kiosk's own site first.
// The 60 days show each weekly class once, at its next session.
type eventsScreen struct {
	shell *Shell
	view  int
	sites map[string]string
	list  *pager
}

func newEventsScreen(s *Shell) *eventsScreen {
	return &eventsScreen{shell: s, view: viewToday}
}

// Build reads the sites and shows the current view.
func (e *eventsScreen) Build() fyne.CanvasObject {
	s := e.shell
	title := lang.L("events.title")
	ctx, cancel := s.query()
	defer cancel()
	var err error
	e.list = s.pager(0, lang.L("events.none"))
	if e.sites, err = s.sites(ctx); err == nil {
		err = e.show(ctx)
	}
	if err != nil {
		return s.frame(title, false, s.failed(err))
	}
	views := s.choice([]string{lang.L("events.today"), lang.L("events.week"), lang.L("events.upcoming")},
		e.view, func(v int) {
			e.view = v
			ctx, cancel := s.query()
			defer cancel()
			if err := e.show(ctx); err != nil {
				e.list.setItems([]fyne.CanvasObject{s.failed(err)})
			}
		})
	return s.frame(title, false, container.NewBorder(views, nil, nil, nil, e.list.box))
}

// span returns the time span of the current view: from now to the end of
// today, of Sunday, or of the 60th day.
func (e *eventsScreen) span(now time.Time) (from, to time.Time) {
	days := 1
	switch e.view {
	case viewWeek:
		days = 7 - (int(now.Weekday())+6)%7 // to next Monday
	case viewUpcoming:
		days = upcomingDays
	}
	return now, startOfDay(now).AddDate(0, 0, days)
}

// show reads the events of the current view's span and lists their
// sessions.
func (e *eventsScreen) show(ctx context.Context) error {
	s := e.shell
	now := s.Now()
	from, to := e.span(now)
	events, err := s.catalog.EventsBetween(ctx, from.UnixMilli(), to.UnixMilli(), "")
	if err != nil {
		return err
	}
	lead := &leadColumn{}
	var items []fyne.CanvasObject
	listed := map[string]bool{} // weekly events already listed
	for _, ses := range data.SessionsBetween(events, from.UnixMilli(), to.UnixMilli(), s.siteID, s.loc) {
		weekly := e.view == viewUpcoming && ses.Event.Weekly
		if weekly && listed[ses.Event.ID] {
			continue
		}
		listed[ses.Event.ID] = true
		items = append(items, s.sessionCard(ses, e.sites, now, weekly, lead))
	}
	e.list.setItems(items)
	return nil
}

// sessionCard is a session's row in a list: its day and time, title,
// category and place, and its site when that is not the kiosk's; with
// weekly, also the class's weekday (每周三). Tapping it opens the event's
// details.
func (s *Shell) sessionCard(ses data.Session, sites map[string]string, now time.Time, weekly bool, lead *leadColumn) fyne.CanvasObject {
	start, end := time.UnixMilli(ses.StartMS).In(s.loc), time.UnixMilli(ses.EndMS).In(s.loc)
	when := widget.NewRichText(
		&widget.TextSegment{Text: dayLabel(start, now), Style: styleAccent},
		&widget.TextSegment{Text: timeRange(start, end), Style: styleStrong})

	ev := ses.Event
	var meta []widget.RichTextSegment
	if ses.StartMS <= now.UnixMilli() && now.UnixMilli() < ses.EndMS {
		meta = append(meta, &widget.TextSegment{Text: lang.L("events.now") + "  ", Style: inline(styleAccent)})
	}
	if weekly {
		meta = append(meta, &widget.TextSegment{Text: weeklyLabel(start) + "  ", Style: inline(styleAccent)})
	}
	site := ""
	if ev.SiteID != s.siteID {
		site = sites[ev.SiteID]
	}
	meta = append(meta, &widget.TextSegment{Text: joinNonEmpty(" · ", ev.Category, ev.Place, site), Style: styleSoft})
	what := widget.NewRichText(append([]widget.RichTextSegment{
		&widget.TextSegment{Text: ev.Title, Style: styleItem}}, meta...)...)
	what.Wrapping = fyne.TextWrapWord
	return s.card(lead.row(when, what), func() { s.Show(newEventDetailScreen(s, ses)) })
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}
