package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// syncScreen is staff mode's 同步: whether the hub is reachable, what waits
// to go up and when the last round ended, 立即同步 with a progress bar while a
// backlog drains (disabled, with the way to join, while the kiosk is not
// enrolled), how the kiosk is enrolled at a hub, and 加入中心平台 to enrol
// it (again) by scanning the hub's invite.
type syncScreen struct {
	staffPage
	shell *Shell
	state *widget.RichText
	facts *widget.RichText
	// problem says in plain words why the last round failed; detail is the
	// error itself, in small type.
	problem *widget.RichText
	detail  *widget.RichText
	bar     *widget.ProgressBar
	// edits says which content edits the hub refused; editsAt is the last
	// round's end when it was read (-1: not yet).
	edits   *widget.RichText
	editsAt int64
	now     *tapButton
	// hub says where the kiosk is enrolled, or how to enrol it with
	// command.
	hub     *widget.RichText
	command *widget.RichText
	box     *fyne.Container // the state's card
}

func newSyncScreen(s *Shell) *syncScreen { return &syncScreen{shell: s} }

// Build lays out the state beside the enrolment.
func (y *syncScreen) Build() fyne.CanvasObject {
	s := y.shell
	y.state = text("", styleHeading)
	y.facts = text("", styleReading)
	y.problem = text("", widget.RichTextStyle{ColorName: theme.ColorNameError, TextStyle: fyne.TextStyle{Bold: true}})
	y.detail = text("", widget.RichTextStyle{ColorName: colorNameTextSoft, SizeName: theme.SizeNameCaptionText})
	y.detail.Wrapping = fyne.TextWrapBreak
	y.bar = newQuietBar()
	y.edits = text("", widget.RichTextStyle{ColorName: theme.ColorNameWarning, SizeName: theme.SizeNameCaptionText})
	y.edits.Wrapping = fyne.TextWrapBreak
	y.editsAt = -1
	y.now = s.button(lang.L("sync.now"), theme.ViewRefreshIcon(), widget.HighImportance, func() {
		if s.hub.src != nil {
			s.hub.src.SyncNow()
		}
	})
	y.hub = text("", styleReading)
	y.command = text("", widget.RichTextStyle{ColorName: theme.ColorNameForeground, TextStyle: fyne.TextStyle{Monospace: true}})
	y.command.Wrapping = fyne.TextWrapBreak
	y.showHub()
	y.box = container.NewVBox(y.state, y.facts, y.bar, y.problem, y.detail)
	// The refused edits may be many: they scroll between the state and 立即同步.
	left := container.NewBorder(s.card(y.box, nil), y.now, nil, nil, container.NewVScroll(y.edits))
	join := s.button(lang.L("sync.join"), theme.LoginIcon(), widget.MediumImportance, func() { s.Show(newEnrolScreen(s, y)) })
	right := container.NewVBox(text(lang.L("sync.enrolment"), styleHeading), s.card(container.NewVBox(y.hub, y.command), nil), join)
	if s.hub.src == nil {
		setText(y.state, lang.L("sync.disabled"))
		for _, t := range []*widget.RichText{y.facts, y.problem, y.detail, y.edits} {
			t.Hide()
		}
		y.now.Disable()
	} else {
		y.syncChanged(s.hub.src.Status())
	}
	return s.staffFrame(lang.L("staff.sync"), true, container.New(&splitLayout{ratio: 0.5}, left, right))
}

// showHub says which hub the kiosk is enrolled at, or how to enrol it: the
// enrolment code has letters, which the keypad cannot type, so staff scan
// it (加入中心平台, enrolScreen) or run kioskctl.
func (y *syncScreen) showHub() {
	st := y.shell.staff.opts.Store
	ctx, cancel := y.shell.query()
	defer cancel()
	e, ok, err := st.HubEnrolment(ctx)
	if err != nil {
		setText(y.hub, lang.L("reason.storage"))
		return
	}
	if ok {
		site := e.SiteID
		if names, err := y.shell.sites(ctx); err == nil && names[site] != "" {
			site = names[site]
		}
		setText(y.hub, lang.L("sync.enrolled", map[string]any{"Hub": e.HubURL, "Site": site}))
		y.command.Hide()
		return
	}
	hub := e.HubURL
	if hub == "" {
		hub, _ = st.Setting(ctx, sqlite.SettingHubURL, "")
	}
	if hub == "" {
		hub = "https://HUB"
	}
	setText(y.hub, lang.L("sync.howToEnrol"))
	setText(y.command, fmt.Sprintf("kioskctl enrol --db %s --hub %s --code CODE", st.Path(), hub))
}

// syncChanged shows st.
func (y *syncScreen) syncChanged(st hubsync.Status) {
	now := y.shell.Now()
	total := st.Progress.Sent + st.Progress.Pending
	draining := st.Syncing && st.Progress.Sent > 0 // the hub is answering
	state, ok := lang.L("sync.notEnrolled"), false
	switch {
	case !st.Enrolled:
	case draining:
		state, ok = lang.L("sync.syncing"), true
	case st.Online:
		state, ok = lang.L("sync.online"), true
	default:
		state = lang.L("sync.offline")
	}
	say(y.state, state, ok)
	last := lang.L("sync.never")
	if st.LastSyncMS > 0 {
		last = when(st.LastSyncMS, now)
	}
	facts := lang.L("sync.facts", map[string]any{"N": st.Pending, "Last": last})
	if draining {
		facts += "\n" + lang.L("sync.progress", map[string]any{"Sent": st.Progress.Sent, "Total": total})
	}
	setText(y.facts, facts)
	problem, detail := "", ""
	switch {
	case !st.Enrolled:
		problem = lang.L("sync.joinFirst")
	case draining:
	case st.NeedsStaff:
		problem, detail = lang.L("sync.needsStaff"), st.LastError
	case st.LastError != "":
		problem, detail = lang.L("sync.failed"), st.LastError
	}
	showText(y.problem, problem)
	showText(y.detail, detail)
	setEnabled(y.now, st.Enrolled)
	if st.LastSyncMS != y.editsAt {
		showText(y.edits, y.rejectedEdits())
		y.editsAt = st.LastSyncMS
	}
	if draining && total > 0 {
		y.bar.SetValue(float64(st.Progress.Sent) / float64(total))
		y.bar.Show()
	} else {
		y.bar.Hide()
	}
	y.box.Refresh()
}

// rejectedEdits names the events and honour-wall entries edited here that
// the hub refused (sqlite.RejectedEdits), each with why in plain words; ""
// when none. They stay on this kiosk as edited; nothing here undoes them.
func (y *syncScreen) rejectedEdits() string {
	ctx, cancel := y.shell.query()
	defer cancel()
	st := y.shell.staff.opts.Store
	rej, err := st.RejectedEdits(ctx)
	if err != nil {
		return lang.L("reason.storage")
	}
	if len(rej) == 0 {
		return ""
	}
	names := map[string]string{}
	entries, err := st.AllHonourEntries(ctx)
	if err != nil {
		return lang.L("reason.storage")
	}
	for _, e := range entries {
		names[hubsync.KindHonour+":"+e.ID] = e.Name
	}
	events, err := st.Events(ctx)
	if err != nil {
		return lang.L("reason.storage")
	}
	for _, e := range events {
		names[hubsync.KindEvent+":"+e.ID] = e.Title
	}
	out := []string{lang.L("sync.editsRefused", map[string]any{"N": len(rej)})}
	for _, r := range rej {
		name := names[r.Kind+":"+r.ID]
		if name == "" {
			name = r.ID
		}
		item := lang.L("sync.editEvent", map[string]any{"Name": name})
		if r.Kind == hubsync.KindHonour {
			item = lang.L("sync.editHonour", map[string]any{"Name": name})
		}
		why := lang.L("sync.editsInvalid")
		if strings.HasPrefix(r.Reason, hubsync.RejectForbidden) {
			why = lang.L("sync.editsForbidden")
		}
		out = append(out, lang.L("sync.editRefused", map[string]any{"Item": item, "Why": why}))
	}
	return strings.Join(out, "\n")
}

// newQuietBar is a hidden progress bar without the percentage, which the
// theme's colours would draw white on pale red; the words beside it say
// how far it is.
func newQuietBar() *widget.ProgressBar {
	b := widget.NewProgressBar()
	b.TextFormatter = func() string { return "" }
	b.Hide()
	return b
}

// showText shows s in t, or hides t when s is empty.
func showText(t *widget.RichText, s string) {
	setText(t, s)
	if s == "" {
		t.Hide()
	} else {
		t.Show()
	}
}

// Tick follows the sync state between its changes (the clock of the last
// round, the pending count).
func (y *syncScreen) Tick(time.Time) {
	if y.shell.hub.src != nil {
		y.syncChanged(y.shell.hub.src.Status())
	}
}
