package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// Today screen's refresh and chart.
const (
	// rosterEvery is how often the Today screen reads the rosters again.
	rosterEvery = 5 * time.Second
	// chartDays is how many days the attendance chart shows, today last.
	chartDays = 28
)

// todaySessions returns today's sessions: those on now, then those to
// come, then those that have ended, each the kiosk's site first.
func (s *Shell) todaySessions(ctx context.Context) ([]data.Session, error) {
	now := s.Now()
	day, ms := startOfDay(now), now.UnixMilli()
	events, err := s.catalog.EventsBetween(ctx, day.UnixMilli(), day.AddDate(0, 0, 1).UnixMilli(), "")
	if err != nil {
		return nil, err
	}
	sessions := data.SessionsBetween(events, day.UnixMilli(), day.AddDate(0, 0, 1).UnixMilli(), s.siteID, s.loc)
	group := func(ses data.Session) int {
		switch {
		case ses.StartMS > ms:
			return 1
		case ses.EndMS <= ms:
			return 2
		}
		return 0
	}
	slices.SortStableFunc(sessions, func(a, b data.Session) int { return group(a) - group(b) })
	return sessions, nil
}

// sessionLine describes a session in a line or two: its time and title,
// then note.
func (s *Shell) sessionLine(ses data.Session, note string) fyne.CanvasObject {
	start, end := time.UnixMilli(ses.StartMS).In(s.loc), time.UnixMilli(ses.EndMS).In(s.loc)
	t := widget.NewRichText(
		&widget.TextSegment{Text: timeRange(start, end) + "  ", Style: inline(styleAccent)},
		&widget.TextSegment{Text: ses.Event.Title, Style: styleStrong},
		&widget.TextSegment{Text: note, Style: styleSoft})
	t.Wrapping = fyne.TextWrapWord
	return t
}

// choiceCards makes n cards showing body(i), of which the one at sel is
// highlighted; tapping another highlights it and calls onSelect with its
// index.
func (s *Shell) choiceCards(n, sel int, body func(i int) fyne.CanvasObject, onSelect func(i int)) []fyne.CanvasObject {
	cards := make([]*card, n)
	items := make([]fyne.CanvasObject, n)
	for i := range n {
		cards[i] = s.card(body(i), func() {
			for j, c := range cards {
				c.fill = colorNameCard
				if j == i {
					c.fill = theme.ColorNameSelection
				}
				c.Refresh()
			}
			onSelect(i)
		})
		if i == sel {
			cards[i].fill = theme.ColorNameSelection
		}
		items[i] = cards[i]
	}
	return items
}

// todayScreen is staff mode's Today: today's sessions with their counts,
// the roster of the one selected, and a chart of attendance per day over
// the last four weeks.
type todayScreen struct {
	staffPage
	shell    *Shell
	sessions []data.Session
	rosters  []sqlite.Roster
	sel      int
	read     time.Time // when the rosters were read

	list   *pager
	stats  *fyne.Container
	roster *pager
}

func newTodayScreen(s *Shell) *todayScreen { return &todayScreen{shell: s} }

// Build reads today's sessions and rosters and the chart's counts.
func (t *todayScreen) Build() fyne.CanvasObject {
	s := t.shell
	title := lang.L("staff.today")
	ctx, cancel := s.query()
	defer cancel()
	var err error
	if t.sessions, err = s.todaySessions(ctx); err != nil {
		return s.staffFrame(title, true, s.failed(err))
	}
	if err := t.readRosters(ctx); err != nil {
		return s.staffFrame(title, true, s.failed(err))
	}
	now := s.Now()
	t.sel = busiest(t.sessions, t.rosters, now.UnixMilli())
	from := startOfDay(now).AddDate(0, 0, 1-chartDays)
	days, err := s.staff.opts.Store.AttendancePerDay(ctx, from.UnixMilli(), startOfDay(now).AddDate(0, 0, 1).UnixMilli(), s.loc)
	if err != nil {
		return s.staffFrame(title, true, s.failed(err))
	}
	t.stats = container.NewGridWithColumns(4)
	t.roster = s.pager(0, lang.L("today.nobody"))
	t.list = s.pager(0, lang.L("staff.noSessions"))
	t.show()
	left := container.NewBorder(nil, s.chart(days), nil, nil, t.list.box)
	right := container.NewBorder(t.stats, nil, nil, nil, t.roster.box)
	return s.staffFrame(title, true, container.New(&splitLayout{ratio: 0.42}, left, right))
}

// readRosters reads the roster of each session.
func (t *todayScreen) readRosters(ctx context.Context) error {
	st := t.shell.staff.opts.Store
	rosters := make([]sqlite.Roster, len(t.sessions))
	for i, ses := range t.sessions {
		r, err := st.Roster(ctx, ses.Event.ID, ses.StartMS)
		if err != nil {
			return err
		}
		rosters[i] = r
	}
	t.rosters, t.read = rosters, t.shell.Now()
	return nil
}

// show lays out the sessions with their counts and the selected roster,
// on the pages shown before.
func (t *todayScreen) show() {
	s := t.shell
	page, rosterPage := t.list.page, t.roster.page
	defer func() { t.list.turn(page); t.roster.turn(rosterPage) }()
	t.list.setItems(s.choiceCards(len(t.sessions), t.sel, func(i int) fyne.CanvasObject {
		return s.sessionLine(t.sessions[i],
			lang.L("today.cardCounts", map[string]any{"In": t.rosters[i].CheckedIn, "Inside": t.rosters[i].Inside}))
	}, func(i int) {
		t.sel = i
		t.showRoster()
	}))
	t.showRoster()
}

// showRoster shows the counts and roster of the selected session.
func (t *todayScreen) showRoster() {
	s := t.shell
	t.stats.Objects = nil
	if t.sel >= len(t.rosters) {
		t.roster.setItems(nil)
		t.stats.Refresh()
		return
	}
	r := t.rosters[t.sel]
	capacity, capLabel := lang.L("event.noLimit"), lang.L("event.capacity")
	if r.Capacity > 0 {
		capacity, capLabel = fmt.Sprintf("%d/%d", r.Inside, r.Capacity), lang.L("today.capacity")
	}
	for _, st := range [][2]string{
		{strconv.Itoa(r.CheckedIn), lang.L("today.in")},
		{strconv.Itoa(r.CheckedOut), lang.L("today.out")},
		{strconv.Itoa(r.Inside), lang.L("today.inside")},
		{capacity, capLabel},
	} {
		t.stats.Add(s.stat(st[0], st[1]))
	}
	t.stats.Refresh()
	lead := &leadColumn{}
	items := make([]fyne.CanvasObject, len(r.Entries))
	for i, e := range r.Entries {
		items[i] = s.rosterRow(e, lead)
	}
	t.roster.setItems(items)
}

// busiest returns the index of the session on at nowMS with the most
// people inside, else of the first session on, else 0.
func busiest(sessions []data.Session, rosters []sqlite.Roster, nowMS int64) int {
	best := -1
	for i, ses := range sessions {
		if ses.StartMS > nowMS || nowMS >= ses.EndMS {
			continue
		}
		if best < 0 || rosters[i].Inside > rosters[best].Inside {
			best = i
		}
	}
	return max(best, 0)
}

// stat is a count with its label under it.
func (s *Shell) stat(value, label string) fyne.CanvasObject {
	v := canvas.NewText(value, theme.Color(theme.ColorNamePrimary))
	v.TextSize = theme.TextSize() * 1.6
	v.TextStyle.Bold = true
	v.Alignment = fyne.TextAlignCenter
	l := text(label, widget.RichTextStyle{Alignment: fyne.TextAlignCenter, ColorName: colorNameTextSoft})
	return s.card(container.NewVBox(v, l), nil)
}

// rosterRow is one person of a roster: check-in time, masked phone and
// name, check-out or 在场, and how the records were made.
func (s *Shell) rosterRow(e sqlite.RosterEntry, lead *leadColumn) fyne.CanvasObject {
	in := "—"
	if e.InMS != 0 {
		in = clock(e.InMS, s)
	}
	who := joinNonEmpty(" ", e.MaskedPhone, e.Name)
	if who == "" {
		who = lang.L("today.unknown")
	}
	state := lang.L("today.stillInside")
	if !e.Inside && e.OutMS != 0 {
		state = lang.L("today.outAt", map[string]any{"Time": clock(e.OutMS, s)})
		if e.OutMethod == data.MethodAuto {
			state += lang.L("today.auto")
		}
	}
	notes := []string{state}
	if e.InMethod == data.MethodStaff || e.OutMethod == data.MethodStaff {
		notes = append(notes, lang.L("today.byStaff", map[string]any{"Name": e.Staff}))
	}
	if e.Backfilled {
		notes = append(notes, lang.L("today.backfilled"))
	}
	what := widget.NewRichText(
		&widget.TextSegment{Text: who + "  ", Style: inline(styleStrong)},
		&widget.TextSegment{Text: joinNonEmpty(" · ", notes...), Style: styleSoft})
	what.Wrapping = fyne.TextWrapWord
	return s.card(lead.row(widget.NewRichText(&widget.TextSegment{Text: in, Style: styleAccent}), what), nil)
}

// Tick reads the rosters again every rosterEvery and shows them when they
// changed.
func (t *todayScreen) Tick(now time.Time) {
	if t.list == nil || now.Sub(t.read) < rosterEvery {
		return
	}
	old := t.rosters
	ctx, cancel := t.shell.query()
	defer cancel()
	if err := t.readRosters(ctx); err != nil {
		fyne.LogError("reading the rosters", err)
		return
	}
	if fmt.Sprint(old) != fmt.Sprint(t.rosters) {
		t.show()
	}
}

// chart draws attendance per day as bars, today at the right, with the
// highest count and the first and last days.
func (s *Shell) chart(days []sqlite.DayCount) fyne.CanvasObject {
	most := 0
	for _, d := range days {
		most = max(most, d.People)
	}
	bars := &barsLayout{values: make([]int, len(days)), most: most}
	box := container.New(bars)
	for i, d := range days {
		bars.values[i] = d.People
		r := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
		if d.People == 0 {
			r.FillColor = theme.Color(theme.ColorNameSeparator)
		}
		box.Add(r)
	}
	head := text(lang.L("today.chart", map[string]any{"Days": len(days), "Max": most}), styleStrong)
	var foot fyne.CanvasObject
	if len(days) > 0 {
		first, _ := time.ParseInLocation(time.DateOnly, days[0].Day, s.loc)
		last, _ := time.ParseInLocation(time.DateOnly, days[len(days)-1].Day, s.loc)
		small := widget.RichTextStyle{ColorName: colorNameTextSoft, SizeName: theme.SizeNameCaptionText}
		lastStyle := small
		lastStyle.Alignment = fyne.TextAlignTrailing
		foot = container.NewGridWithColumns(2, text(shortDate(first), small), text(shortDate(last), lastStyle))
	}
	return s.card(container.NewBorder(head, foot, nil, nil, box), nil)
}

// barsLayout places one bar per value along the bottom, as high as the
// value against the most.
type barsLayout struct {
	values []int
	most   int
}

// Layout sizes the bars.
func (l *barsLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	n := float32(len(objects))
	if n == 0 {
		return
	}
	gap := fyne.Min(theme.Padding(), size.Width/n/3)
	w := (size.Width - gap*(n-1)) / n
	for i, o := range objects {
		h := float32(2)
		if l.most > 0 && l.values[i] > 0 {
			h = fyne.Max(h, size.Height*float32(l.values[i])/float32(l.most))
		}
		o.Move(fyne.NewPos(float32(i)*(w+gap), size.Height-h))
		o.Resize(fyne.NewSize(w, h))
	}
}

// MinSize is two text lines high.
func (l *barsLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(float32(len(l.values))*3, theme.TextSize()*2)
}
