package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// manualScreen checks a visitor in or out by hand: one of today's
// sessions, 签到 or 签退, now or at an earlier time set with buttons (a
// back-filled record, 补录). 活动开始时 and 活动结束时 are enabled only once
// that time of the selected session has come, with a word on when it will.
type manualScreen struct {
	staffPage
	shell    *Shell
	visitor  sqlite.VisitorMatch
	sessions []data.Session
	sel      int
	dir      data.Direction
	at       time.Time // the time chosen; zero means now
	when     *widget.RichText
	msg      *widget.RichText
	ok       *tapButton
	atStart  *tapButton
	atEnd    *tapButton
	later    *widget.RichText // why a preset is disabled
}

func newManualScreen(s *Shell, m sqlite.VisitorMatch) *manualScreen {
	return &manualScreen{shell: s, visitor: m, dir: data.In}
}

// Build lays out the sessions beside the direction, the time and 确定.
func (m *manualScreen) Build() fyne.CanvasObject {
	s := m.shell
	title := lang.L("staff.manual")
	ctx, cancel := s.query()
	defer cancel()
	var err error
	if m.sessions, err = s.todaySessions(ctx); err != nil {
		return s.staffFrame(title, true, s.failed(err))
	}
	list := s.pager(0, lang.L("staff.noSessions"))
	list.setItems(s.choiceCards(len(m.sessions), m.sel, func(i int) fyne.CanvasObject {
		return s.sessionLine(m.sessions[i], m.sessions[i].Event.Place)
	}, func(i int) {
		m.sel = i
		m.showPresets()
	}))
	m.later = text("", styleSoft)
	left := container.NewBorder(container.NewVBox(s.visitorLine(m.visitor), text(lang.L("manual.session"), styleHeading)),
		m.later, nil, nil, list.box)

	dirs := s.choice([]string{lang.L("manual.in"), lang.L("manual.out")}, 0, func(i int) {
		m.dir = data.In
		if i == 1 {
			m.dir = data.Out
		}
		m.showTime()
	})
	m.when = text("", styleHeading)
	step := func(label string, d time.Duration) fyne.CanvasObject {
		return s.button(label, nil, widget.MediumImportance, func() { m.move(d) })
	}
	steps := container.NewGridWithColumns(3,
		step(lang.L("manual.minusHour"), -time.Hour), step(lang.L("manual.minus10"), -10*time.Minute),
		step(lang.L("manual.minus1"), -time.Minute),
		step(lang.L("manual.plus1"), time.Minute), step(lang.L("manual.plus10"), 10*time.Minute),
		step(lang.L("manual.plusHour"), time.Hour))
	m.atStart = s.button(lang.L("manual.atStart"), nil, widget.MediumImportance, func() { m.preset(true) })
	m.atEnd = s.button(lang.L("manual.atEnd"), nil, widget.MediumImportance, func() { m.preset(false) })
	presets := container.NewGridWithColumns(3, m.atStart, m.atEnd,
		s.button(lang.L("manual.now"), nil, widget.MediumImportance, func() { m.setAt(time.Time{}) }))
	m.msg = text("", styleAccent)
	m.ok = s.button("", theme.ConfirmIcon(), widget.HighImportance, m.confirm)
	m.showTime()
	m.showPresets()
	right := container.NewBorder(container.NewVBox(dirs, m.when, steps, presets), m.ok, nil, nil, m.msg)
	return s.staffFrame(title, true, container.New(&splitLayout{ratio: 0.5}, left, right))
}

// now is the current time to the minute.
func (m *manualScreen) now() time.Time { return m.shell.Now().Truncate(time.Minute) }

// move moves the time chosen by d, never past now.
func (m *manualScreen) move(d time.Duration) {
	base := m.at
	if base.IsZero() {
		base = m.now()
	}
	m.setAt(base.Add(d))
}

// preset sets the time to the selected session's start or end.
func (m *manualScreen) preset(start bool) {
	if m.sel >= len(m.sessions) {
		return
	}
	ms := m.sessions[m.sel].EndMS
	if start {
		ms = m.sessions[m.sel].StartMS
	}
	m.setAt(time.UnixMilli(ms).In(m.shell.loc))
}

// showPresets enables 活动开始时 and 活动结束时 when that time of the selected
// session has come (a record is never dated in the future) and says when a
// disabled one will be.
func (m *manualScreen) showPresets() {
	if m.sel >= len(m.sessions) {
		setEnabled(m.atStart, false)
		setEnabled(m.atEnd, false)
		showText(m.later, "")
		return
	}
	ses, nowMS := m.sessions[m.sel], m.shell.Now().UnixMilli()
	setEnabled(m.atStart, ses.StartMS <= nowMS)
	setEnabled(m.atEnd, ses.EndMS <= nowMS)
	later := ""
	switch {
	case ses.StartMS > nowMS:
		later = lang.L("manual.startsLater", map[string]any{"Time": clock(ses.StartMS, m.shell)})
	case ses.EndMS > nowMS:
		later = lang.L("manual.endsLater", map[string]any{"Time": clock(ses.EndMS, m.shell)})
	}
	showText(m.later, later)
}

// setAt chooses t, or now when t is zero or not before now.
func (m *manualScreen) setAt(t time.Time) {
	if !t.Before(m.now()) {
		t = time.Time{}
	}
	m.at = t
	m.showTime()
}

// showTime shows the time chosen and names 确定 after the direction.
func (m *manualScreen) showTime() {
	now := m.shell.Now()
	var msg string
	switch {
	case m.at.IsZero():
		msg = lang.L("manual.whenNow", map[string]any{"Time": now.Format("15:04")})
	case now.Sub(m.at) > checkin.BackfillGrace:
		msg = lang.L("manual.whenBackfill", map[string]any{"Time": when(m.at.UnixMilli(), now)})
	default:
		msg = lang.L("manual.when", map[string]any{"Time": when(m.at.UnixMilli(), now)})
	}
	setText(m.when, msg)
	label := lang.L("manual.confirmIn")
	if m.dir == data.Out {
		label = lang.L("manual.confirmOut")
	}
	m.ok.SetText(label)
}

// confirm records the check-in or check-out.
func (m *manualScreen) confirm() {
	s := m.shell
	if m.sel >= len(m.sessions) {
		say(m.msg, lang.L("staff.noSessions"), false)
		return
	}
	ses, dir, at, name := m.sessions[m.sel], m.dir, m.at, s.staffName()
	var atMS int64
	if !at.IsZero() {
		atMS = at.UnixMilli()
	}
	s.background(func() {
		ctx, cancel := context.WithTimeout(context.Background(), checkInTimeout)
		defer cancel()
		rec, err := s.svc.StaffCheckIn(ctx, m.visitor.ID, ses.Event.ID, ses.StartMS, dir, atMS, name)
		fyne.Do(func() {
			if err != nil {
				say(m.msg, staffError(err), false)
				return
			}
			done := map[string]any{"Event": ses.Event.Title, "Time": when(rec.WallMS, s.Now())}
			msg := lang.L("manual.doneIn", done)
			if rec.Direction == data.Out {
				msg = lang.L("manual.doneOut", done)
			}
			if rec.Backfilled {
				msg = joinNonEmpty(" · ", msg, lang.L("today.backfilled"))
			}
			say(m.msg, msg, true)
			m.setAt(time.Time{})
		})
	})
}

// Tick keeps the time shown as now current, and the presets enabled as
// the session's start and end come.
func (m *manualScreen) Tick(time.Time) {
	if m.at.IsZero() {
		m.showTime()
	}
	m.showPresets()
}
