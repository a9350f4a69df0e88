package ui

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

// eventAdmin is staff mode's 活动管理: the events in the order of
// eventOrder, a page at a time, beside the one selected with 复制为新活动, 修改, 取消活动 (or
// 恢复活动) and 从U盘导入内容. Turning away from the page of the selected
// event clears the selection, so the buttons never act on an event out of
// sight; 取消活动 asks first. An event of a site this kiosk may not edit
// (sqlite.Store.EditableSites) is shown read-only, with why; a copy of it
// goes to the kiosk's enrolled site.
type eventAdmin struct {
	staffPage
	shell  *Shell
	events []data.Event
	sel    int // index in events; -1 when none is selected
	// may tells the sites whose events this kiosk may edit; own is the
	// site it is enrolled for ("" when not enrolled).
	may func(siteID string) bool
	own string

	list    *pager
	detail  *widget.RichText
	msg     *widget.RichText
	copyBtn *tapButton
	editBtn *tapButton
	cancel  *tapButton
}

func newEventAdmin(s *Shell) *eventAdmin { return &eventAdmin{shell: s} }

// Build lays out the list of events beside the selected one and its
// actions.
func (e *eventAdmin) Build() fyne.CanvasObject {
	s := e.shell
	e.list = s.pager(0, lang.L("manage.none"))
	e.detail = text("", styleReading)
	e.msg = text("", styleAccent)
	e.list.onTurn = e.turned
	e.copyBtn = s.button(lang.L("manage.copy"), theme.ContentCopyIcon(), widget.HighImportance, func() {
		if ev, ok := e.selected(); ok {
			if !e.may(ev.SiteID) {
				ev.SiteID = e.own
			}
			s.Show(newEventForm(s, ev, true, e.saved))
		}
	})
	e.editBtn = s.button(lang.L("manage.edit"), theme.DocumentCreateIcon(), widget.MediumImportance, func() {
		if ev, ok := e.selected(); ok {
			s.Show(newEventForm(s, ev, false, e.saved))
		}
	})
	e.cancel = s.button(lang.L("manage.cancel"), theme.CancelIcon(), widget.DangerImportance, e.toggleCancelled)
	load := s.button(lang.L("manage.import"), theme.UploadIcon(), widget.MediumImportance, func() {
		s.Show(newImportScreen(s, func() { e.reload("", "") }))
	})
	if err := e.read(); err != nil {
		return s.staffFrame(lang.L("staff.events"), true, s.failed(err))
	}
	e.showList()
	actions := container.NewGridWithColumns(2, e.copyBtn, e.editBtn, e.cancel, load)
	right := container.NewBorder(nil, actions, nil, nil, container.NewVBox(e.detail, e.msg))
	return s.staffFrame(lang.L("staff.events"), true, container.New(&splitLayout{ratio: 0.55}, e.list.box, right))
}

// read reads the events in eventOrder and which sites' this kiosk may edit.
func (e *eventAdmin) read() error {
	ctx, cancel := e.shell.query()
	defer cancel()
	events, err := e.shell.staff.opts.Store.Events(ctx)
	if err != nil {
		return err
	}
	if e.may, e.own, err = e.shell.staff.opts.Store.EditableSites(ctx); err != nil {
		return err
	}
	e.shell.eventOrder(events)
	e.events = events
	return nil
}

// eventOrder sorts events in the order staff look for them: first today's
// (from midnight in the centre's zone; those under way before those
// later), then the upcoming ones by their next session (a weekly class by
// its next week's, not its first), then those over or cancelled, the
// latest first. Ties go by title.
func (s *Shell) eventOrder(events []data.Event) {
	today := startOfDay(s.Now())
	fromMS, tomorrowMS := today.UnixMilli(), today.AddDate(0, 0, 1).UnixMilli()
	type rank struct {
		group int // 0 today, 1 upcoming, 2 over or cancelled
		at    int64
	}
	ranks := make(map[string]rank, len(events))
	for _, ev := range events {
		ses, ok := nextSession(ev, fromMS, s.loc)
		switch {
		case !ok:
			ranks[ev.ID] = rank{2, -ev.StartMS}
		case ses.StartMS < tomorrowMS:
			ranks[ev.ID] = rank{0, ses.StartMS}
		default:
			ranks[ev.ID] = rank{1, ses.StartMS}
		}
	}
	slices.SortStableFunc(events, func(a, b data.Event) int {
		ra, rb := ranks[a.ID], ranks[b.ID]
		return cmp.Or(cmp.Compare(ra.group, rb.group), cmp.Compare(ra.at, rb.at), cmp.Compare(a.Title, b.Title))
	})
}

// selected returns the selected event, and false when none is.
func (e *eventAdmin) selected() (data.Event, bool) {
	if e.sel < 0 || e.sel >= len(e.events) {
		return data.Event{}, false
	}
	return e.events[e.sel], true
}

// reload reads the events again, selects the one with id (or, when id is
// "", keeps the selection), turns to its page and says msg.
func (e *eventAdmin) reload(id, msg string) {
	if ev, ok := e.selected(); ok && id == "" {
		id = ev.ID
	}
	if err := e.read(); err != nil {
		fyne.LogError("reading the events", err)
		say(e.msg, lang.L("reason.storage"), false)
		return
	}
	e.sel = slices.IndexFunc(e.events, func(ev data.Event) bool { return ev.ID == id })
	e.showList()
	say(e.msg, msg, true)
}

// turned clears the selection when the page turned to does not show the
// selected event.
func (e *eventAdmin) turned() {
	if _, ok := e.selected(); !ok || e.list.items[e.sel].Visible() {
		return
	}
	if c, ok := e.list.items[e.sel].(*card); ok {
		c.fill = colorNameCard
		c.Refresh()
	}
	e.sel = -1
	setText(e.msg, "")
	e.showSelected()
}

// saved is called by the event form with the id of the event it saved.
func (e *eventAdmin) saved(id string) { e.reload(id, lang.L("manage.saved")) }

// showList fills the list and shows the selected event.
func (e *eventAdmin) showList() {
	s := e.shell
	e.list.setItems(s.choiceCards(len(e.events), e.sel, func(i int) fyne.CanvasObject {
		return s.eventLine(e.events[i])
	}, func(i int) {
		e.sel = i
		setText(e.msg, "")
		e.showSelected()
	}))
	if e.sel >= 0 {
		e.list.showItem(e.sel)
	}
	e.showSelected()
}

// showSelected describes the selected event and names the cancel button;
// an event of a site this kiosk may not edit it says is read-only here.
func (e *eventAdmin) showSelected() {
	ev, has := e.selected()
	editable := has && e.may(ev.SiteID)
	setEnabled(e.copyBtn, has)
	setEnabled(e.editBtn, editable)
	setEnabled(e.cancel, editable)
	if !has {
		setText(e.detail, lang.L("manage.pick"))
		return
	}
	if editable {
		setText(e.detail, e.shell.eventSummary(ev))
	} else {
		setText(e.detail, e.shell.eventSummary(ev)+"\n"+lang.L("manage.otherSite"))
	}
	if ev.Cancelled {
		e.cancel.SetText(lang.L("manage.uncancel"))
		e.cancel.Importance = widget.MediumImportance
	} else {
		e.cancel.SetText(lang.L("manage.cancel"))
		e.cancel.Importance = widget.DangerImportance
	}
	e.cancel.Refresh()
}

// toggleCancelled cancels the selected event once staff confirm it, or
// takes its cancellation back at once.
func (e *eventAdmin) toggleCancelled() {
	ev, ok := e.selected()
	if !ok {
		return
	}
	if ev.Cancelled {
		ev.Cancelled = false
		if err := e.put(ev); err != nil {
			say(e.msg, lang.L("reason.storage"), false)
			return
		}
		e.reload(ev.ID, lang.L("manage.uncancelled"))
		return
	}
	s := e.shell
	s.Show(&confirmScreen{shell: s, title: lang.L("manage.cancel"),
		question: lang.L("manage.cancelQuestion", map[string]any{"Title": ev.Title}),
		explain:  e.cancelDetail(ev) + "\n" + lang.L("manage.cancelExplain"),
		yes:      lang.L("manage.cancelConfirm"), icon: theme.CancelIcon(),
		act: func(c *confirmScreen) {
			ev.Cancelled = true
			if err := e.put(ev); err != nil {
				c.fail(lang.L("reason.storage"))
				return
			}
			c.done()
			e.reload(ev.ID, lang.L("manage.cancelled"))
		}})
}

// put stores ev, logging a failure.
func (e *eventAdmin) put(ev data.Event) error {
	ctx, cancel := e.shell.query()
	defer cancel()
	err := e.shell.staff.opts.Store.PutEvent(ctx, ev)
	if err != nil {
		fyne.LogError("saving an event's cancellation", err)
	}
	return err
}

// cancelDetail says when and where ev is held and, for its next session
// from today on, when that is and how many have checked in to it.
func (e *eventAdmin) cancelDetail(ev data.Event) string {
	s := e.shell
	out := joinNonEmpty(" · ", s.eventWhen(ev), ev.Place, eventCapacity(ev))
	ses, ok := nextSession(ev, startOfDay(s.Now()).UnixMilli(), s.loc)
	if !ok {
		return out
	}
	ctx, cancel := s.query()
	defer cancel()
	r, err := s.staff.opts.Store.Roster(ctx, ev.ID, ses.StartMS)
	if err != nil {
		fyne.LogError("reading a roster", err)
		return out
	}
	start, end := time.UnixMilli(ses.StartMS).In(s.loc), time.UnixMilli(ses.EndMS).In(s.loc)
	return out + "\n" + lang.L("manage.cancelCount", map[string]any{
		"When": lang.L("manage.date", dateData(start)) + " " + timeRange(start, end), "N": r.CheckedIn})
}

// nextSession returns ev's first session ending after fromMS (UTC ms), and
// false when it has none: ev is cancelled or over. A weekly event's next
// session lies within a week (and an hour's change of clocks) of fromMS or
// of its first session.
func nextSession(ev data.Event, fromMS int64, loc *time.Location) (data.Session, bool) {
	from := max(fromMS, ev.StartMS)
	ss := ev.Sessions(from, from+(8*24*time.Hour).Milliseconds(), loc)
	if len(ss) == 0 {
		return data.Session{}, false
	}
	return ss[0], true
}

// eventWhen says when ev takes place: its first day, time and weekly
// repetition.
func (s *Shell) eventWhen(ev data.Event) string {
	start, end := time.UnixMilli(ev.StartMS).In(s.loc), time.UnixMilli(ev.EndMS).In(s.loc)
	out := lang.L("manage.date", dateData(start)) + " " + timeRange(start, end)
	if ev.Weekly {
		out += " · " + weeklyLabel(start)
		if ev.UntilMS != 0 {
			out += " " + lang.L("manage.until", dateData(time.UnixMilli(ev.UntilMS).In(s.loc)))
		}
	}
	return out
}

// eventCapacity says how many may come to ev.
func eventCapacity(ev data.Event) string {
	if ev.Capacity <= 0 {
		return lang.L("manage.noLimit")
	}
	return lang.L("manage.capacity", map[string]any{"N": ev.Capacity})
}

// eventLine describes an event in a card of the list: title, then when,
// where and whether it is cancelled.
func (s *Shell) eventLine(ev data.Event) fyne.CanvasObject {
	segs := []widget.RichTextSegment{
		&widget.TextSegment{Text: ev.Title, Style: styleStrong},
		&widget.TextSegment{Text: joinNonEmpty(" · ", s.eventWhen(ev), ev.Place), Style: styleSoft},
	}
	if ev.Cancelled {
		segs = append(segs, &widget.TextSegment{Text: lang.L("manage.isCancelled"),
			Style: widget.RichTextStyle{ColorName: theme.ColorNameError, TextStyle: fyne.TextStyle{Bold: true}}})
	}
	t := widget.NewRichText(segs...)
	t.Wrapping = fyne.TextWrapWord
	return t
}

// eventSummary describes ev in full for the side of the list.
func (s *Shell) eventSummary(ev data.Event) string {
	status := lang.L("manage.active")
	if ev.Cancelled {
		status = lang.L("manage.isCancelled")
	}
	return ev.Title + "\n" + s.eventWhen(ev) + "\n" + joinNonEmpty(" · ", ev.Place, eventCapacity(ev)) + "\n" + status
}

// eventStep is one of the event form's +/− buttons: a label and what it
// does to the event.
type eventStep struct {
	label string
	do    func(*eventForm)
}

// eventForm edits the date, time, repetition and capacity of an event, or
// of a new event copied from one, with buttons and the keypad; its title
// and place are picked from those of the existing events.
type eventForm struct {
	staffPage
	shell   *Shell
	ev      data.Event
	isNew   bool
	titles  []string
	places  []string
	onSaved func(id string)

	what     *widget.RichText
	date     *widget.RichText
	clock    *widget.RichText
	weekly   *fyne.Container
	week     *fyne.Container // the weekday buttons, shown for a weekly event
	days     []*tapButton
	capacity *tapButton
	msg      *widget.RichText
}

// newEventForm edits ev, or with copy a new event copied from ev on today's
// date; onSaved is called with the id of the event saved.
func newEventForm(s *Shell, ev data.Event, copy bool, onSaved func(id string)) *eventForm {
	f := &eventForm{shell: s, ev: ev, isNew: copy, onSaved: onSaved}
	if copy {
		start := time.UnixMilli(ev.StartMS).In(s.loc)
		today := s.Now()
		moved := time.Date(today.Year(), today.Month(), today.Day(), start.Hour(), start.Minute(), 0, 0, s.loc)
		f.ev.ID, f.ev.Cancelled, f.ev.UntilMS = "", false, 0
		f.ev.EndMS = moved.UnixMilli() + ev.EndMS - ev.StartMS
		f.ev.StartMS = moved.UnixMilli()
	}
	return f
}

// Build lays out the title and place, the date and time with their
// buttons, then the repetition, the capacity and 保存.
func (f *eventForm) Build() fyne.CanvasObject {
	s := f.shell
	title := lang.L("manage.editTitle")
	if f.isNew {
		title = lang.L("manage.newTitle")
	}
	ctx, cancel := s.query()
	defer cancel()
	events, err := s.staff.opts.Store.Events(ctx)
	if err != nil {
		return s.staffFrame(title, true, s.failed(err))
	}
	for _, ev := range events {
		f.titles = appendNew(f.titles, ev.Title)
		f.places = appendNew(f.places, ev.Place)
	}
	f.what = text("", styleItem)
	f.date = text("", styleHeading)
	f.clock = text("", styleHeading)
	f.msg = text("", styleAccent)
	row := func(steps ...eventStep) *fyne.Container {
		r := container.NewGridWithColumns(len(steps))
		for _, st := range steps {
			r.Add(s.button(st.label, nil, widget.MediumImportance, func() {
				st.do(f)
				f.show()
			}))
		}
		return r
	}
	pick := row(eventStep{lang.L("manage.nextTitle"), func(f *eventForm) { f.ev.Title = nextOf(f.titles, f.ev.Title) }},
		eventStep{lang.L("manage.nextPlace"), func(f *eventForm) { f.ev.Place = nextOf(f.places, f.ev.Place) }})
	days := row(eventStep{lang.L("manage.minusWeek"), func(f *eventForm) { f.shiftDays(-7) }},
		eventStep{lang.L("manage.minusDay"), func(f *eventForm) { f.shiftDays(-1) }},
		eventStep{lang.L("manage.plusDay"), func(f *eventForm) { f.shiftDays(1) }},
		eventStep{lang.L("manage.plusWeek"), func(f *eventForm) { f.shiftDays(7) }})
	clock := row(eventStep{lang.L("manage.earlier"), func(f *eventForm) { f.shift(-30 * time.Minute) }},
		eventStep{lang.L("manage.later"), func(f *eventForm) { f.shift(30 * time.Minute) }},
		eventStep{lang.L("manage.shorter"), func(f *eventForm) { f.lengthen(-30 * time.Minute) }},
		eventStep{lang.L("manage.longer"), func(f *eventForm) { f.lengthen(30 * time.Minute) }})
	typeStart := s.button(lang.L("manage.typeStart"), nil, widget.MediumImportance, func() {
		s.Show(newDigitsScreen(s, lang.L("manage.typeStart"), lang.L("manage.typeStartPrompt"), clockSpec(), func(d string) {
			f.setClock(d)
			f.show()
		}))
	})
	left := container.NewVBox(f.what, pick, f.date, days,
		container.NewBorder(nil, nil, nil, typeStart, f.clock), clock)

	weekly := 0
	if f.ev.Weekly {
		weekly = 1
	}
	f.weekly = s.choice([]string{lang.L("manage.once"), lang.L("manage.weekly")}, weekly, func(i int) {
		f.ev.Weekly = i == 1
		f.show()
	})
	f.week = container.NewGridWithColumns(4)
	f.days = nil
	for _, wd := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday,
		time.Saturday, time.Sunday} {
		b := s.button(lang.L("weekday.short."+strconv.Itoa(int(wd))), nil, widget.MediumImportance, func() {
			f.toWeekday(wd)
			f.show()
		})
		f.days = append(f.days, b)
		f.week.Add(b)
	}
	f.capacity = s.button("", nil, widget.MediumImportance, func() {
		s.Show(newDigitsScreen(s, lang.L("manage.setCapacity"), lang.L("manage.capacityPrompt"), capacitySpec(), func(d string) {
			f.ev.Capacity, _ = strconv.Atoi(d)
			f.show()
		}))
	})
	save := s.button(lang.L("manage.save"), theme.DocumentSaveIcon(), widget.HighImportance, f.save)
	right := container.NewBorder(container.NewVBox(f.weekly, f.week, f.capacity), save, nil, nil, f.msg)
	f.show()
	return s.staffFrame(title, true, container.New(&splitLayout{ratio: 0.58}, left, right))
}

// appendNew appends v to list unless it is empty or already there.
func appendNew(list []string, v string) []string {
	if v == "" || slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// nextOf returns the value after cur in list, going round; cur when list
// is empty.
func nextOf(list []string, cur string) string {
	if len(list) == 0 {
		return cur
	}
	return list[(slices.Index(list, cur)+1)%len(list)]
}

// start returns the event's start in the centre's zone.
func (f *eventForm) start() time.Time { return time.UnixMilli(f.ev.StartMS).In(f.shell.loc) }

// moveStart moves the start to t, keeping the length.
func (f *eventForm) moveStart(t time.Time) {
	length := f.ev.EndMS - f.ev.StartMS
	f.ev.StartMS = t.UnixMilli()
	f.ev.EndMS = f.ev.StartMS + length
}

// shiftDays moves the event by n calendar days, at the same wall-clock
// time.
func (f *eventForm) shiftDays(n int) { f.moveStart(f.start().AddDate(0, 0, n)) }

// shift moves the event by d, within its day.
func (f *eventForm) shift(d time.Duration) {
	t := f.start().Add(d)
	if daysBetween(f.start(), t) == 0 {
		f.moveStart(t)
	}
}

// lengthen makes the event d longer, never shorter than 30 minutes.
func (f *eventForm) lengthen(d time.Duration) {
	f.ev.EndMS = max(f.ev.EndMS+d.Milliseconds(), f.ev.StartMS+(30*time.Minute).Milliseconds())
}

// setClock moves the start to the time of day typed as HHMM.
func (f *eventForm) setClock(digits string) {
	h, _ := strconv.Atoi(digits[:2])
	m, _ := strconv.Atoi(digits[2:])
	st := f.start()
	f.moveStart(time.Date(st.Year(), st.Month(), st.Day(), h, m, 0, 0, f.shell.loc))
}

// toWeekday moves the event to weekday wd of its week (Monday first).
func (f *eventForm) toWeekday(wd time.Weekday) {
	monday := func(d time.Weekday) int { return (int(d) + 6) % 7 }
	f.shiftDays(monday(wd) - monday(f.start().Weekday()))
}

// show shows the event as it now stands.
func (f *eventForm) show() {
	s := f.shell
	setText(f.what, joinNonEmpty(" · ", f.ev.Title, f.ev.Place))
	st := f.start()
	end := time.UnixMilli(f.ev.EndMS).In(s.loc)
	setText(f.date, lang.L("manage.date", dateData(st)))
	setText(f.clock, timeRange(st, end))
	if f.ev.Weekly {
		f.week.Show()
	} else {
		f.week.Hide()
	}
	for i, b := range f.days {
		b.Importance = widget.MediumImportance
		if i == (int(st.Weekday())+6)%7 {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
	f.capacity.SetText(eventCapacity(f.ev))
}

// save stores the event, tells the list and returns to it.
func (f *eventForm) save() {
	s := f.shell
	if f.isNew && f.ev.ID == "" {
		f.ev.ID = data.NewLocalID()
	}
	if f.ev.Weekly && f.ev.UntilMS != 0 && f.ev.UntilMS < f.ev.StartMS {
		f.ev.UntilMS = 0
	}
	ctx, cancel := s.query()
	defer cancel()
	if err := s.staff.opts.Store.PutEvent(ctx, f.ev); err != nil {
		fyne.LogError("saving an event", err)
		say(f.msg, lang.L("reason.storage"), false)
		return
	}
	s.Back()
	f.onSaved(f.ev.ID)
}

// clockSpec is the keypad of a time of day typed as four digits, shown
// like 09:30.
func clockSpec() padSpec {
	return padSpec{max: 4, placeholder: "--:--",
		show: func(d string) string {
			if len(d) <= 2 {
				return d
			}
			return d[:2] + ":" + d[2:]
		},
		valid: func(d string) bool {
			if len(d) != 4 {
				return false
			}
			h, _ := strconv.Atoi(d[:2])
			m, _ := strconv.Atoi(d[2:])
			return h < 24 && m < 60
		}}
}

// capacitySpec is the keypad of an event's capacity: up to four digits, 0
// for no limit.
func capacitySpec() padSpec {
	return padSpec{max: 4, placeholder: "0", show: func(d string) string { return d },
		valid: func(d string) bool { return d != "" }}
}

// digitsScreen asks for digits on the keypad beside a prompt; 确定 passes
// them to onOK and returns to the screen before.
type digitsScreen struct {
	staffPage
	shell  *Shell
	title  string
	prompt string
	spec   padSpec
	onOK   func(digits string)
}

func newDigitsScreen(s *Shell, title, prompt string, spec padSpec, onOK func(string)) *digitsScreen {
	return &digitsScreen{shell: s, title: title, prompt: prompt, spec: spec, onOK: onOK}
}

// Build lays out the prompt beside the keypad.
func (d *digitsScreen) Build() fyne.CanvasObject {
	s := d.shell
	pad := s.digitPad(d.spec, func(digits string) {
		s.Back()
		d.onOK(digits)
	})
	return s.staffFrame(d.title, true, container.New(&splitLayout{ratio: 0.45}, text(d.prompt, styleHeading), pad.box))
}
