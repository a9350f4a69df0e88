package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// SyncSource is the kiosk's background sync with the district hub, as
// hubsync.Syncer runs it.
type SyncSource interface {
	// Status returns the current sync state without blocking.
	Status() hubsync.Status
	// SyncNow asks for a round as soon as possible.
	SyncNow()
}

// hubState is the sync loop the shell shows, and the home screen's badge
// that follows it: two lines of small type, the state and the last sync.
type hubState struct {
	src         SyncSource
	badge       *fyne.Container
	state, last *smallText
}

// syncFollower is a screen that shows the sync state as it changes.
type syncFollower interface {
	syncChanged(st hubsync.Status)
}

// SyncChanged tells the shell that the sync state has changed; it may be
// called from any goroutine, e.g. hubsync.LoopOptions.OnChange.
func (s *Shell) SyncChanged() { fyne.Do(s.showSync) }

// showSync updates the badge and the current screen with the sync state.
func (s *Shell) showSync() {
	if s.hub.src == nil {
		return
	}
	st := s.hub.src.Status()
	if s.hub.badge != nil {
		s.setBadge(st)
	}
	if len(s.history) == 0 {
		return
	}
	if f, ok := s.current().(syncFollower); ok {
		f.syncChanged(st)
	}
}

// syncBadge puts the sync badge beside right (the clock) in the home
// screen's title band: 在线 or 离线 and the records waiting to go up, over
// the last sync's time, in small type. It shows only when the kiosk is
// enrolled at a hub.
func (s *Shell) syncBadge(right fyne.CanvasObject) fyne.CanvasObject {
	s.hub.state, s.hub.last = newSmallText(), newSmallText()
	pill := canvas.NewRectangle(colorRedDark)
	pill.CornerRadius = theme.Padding() * 2
	lines := container.New(layout.NewCustomPaddedLayout(2, 2, theme.Padding(), theme.Padding()),
		container.NewVBox(s.hub.state, s.hub.last))
	s.hub.badge = container.NewVBox(layout.NewSpacer(), container.NewStack(pill, lines), layout.NewSpacer())
	s.hub.badge.Hide()
	if s.hub.src != nil {
		s.setBadge(s.hub.src.Status())
	}
	return container.NewHBox(s.hub.badge, right)
}

// setBadge shows st on the badge, and lays the window out again when the
// badge comes or goes.
func (s *Shell) setBadge(st hubsync.Status) {
	b := s.hub.badge
	if st.Enrolled {
		state, last := syncSummary(st, s.Now())
		s.hub.state.set(state)
		s.hub.last.set(last)
		if s.hub.last.Visible() != (last != "") {
			s.hub.last.Hidden = last == ""
			b.Refresh()
		}
	}
	if st.Enrolled == b.Visible() {
		return
	}
	if st.Enrolled {
		b.Show()
	} else {
		b.Hide()
	}
	s.root.Refresh()
}

// syncSummary says whether the hub is reachable and how many records wait,
// and when the last round ended ("" when never).
func syncSummary(st hubsync.Status, now time.Time) (state, last string) {
	state = lang.L("sync.offline")
	if st.Online {
		state = lang.L("sync.online")
	}
	if st.Pending > 0 {
		state += " · " + lang.L("sync.pending", map[string]any{"N": st.Pending})
	}
	if st.LastSyncMS > 0 {
		last = lang.L("sync.last", map[string]any{"Time": when(st.LastSyncMS, now)})
	}
	return state, last
}

// when formats a UTC ms time as its clock time today, else with its date.
func when(ms int64, now time.Time) string {
	t := time.UnixMilli(ms).In(now.Location())
	if daysBetween(now, t) == 0 {
		return t.Format("15:04")
	}
	return shortDate(t) + " " + t.Format("15:04")
}

// smallText is a line of small white type for the title band, without the
// padding of a RichText, a little smaller than the theme's caption size.
type smallText struct {
	widget.BaseWidget
	text string
}

func newSmallText() *smallText {
	t := &smallText{}
	t.ExtendBaseWidget(t)
	return t
}

// set shows s.
func (t *smallText) set(s string) {
	t.text = s
	t.Refresh()
}

// CreateRenderer draws the text right-aligned.
func (t *smallText) CreateRenderer() fyne.WidgetRenderer {
	c := canvas.NewText("", nil)
	c.Alignment = fyne.TextAlignTrailing
	r := &smallTextRenderer{t: t, text: c}
	r.Refresh()
	return r
}

type smallTextRenderer struct {
	t    *smallText
	text *canvas.Text
}

func (r *smallTextRenderer) Layout(size fyne.Size) { r.text.Resize(size) }

func (r *smallTextRenderer) MinSize() fyne.Size { return r.text.MinSize() }

func (r *smallTextRenderer) Refresh() {
	r.text.Text = r.t.text
	r.text.TextSize = theme.SizeForWidget(theme.SizeNameCaptionText, r.t) * 0.85
	r.text.Color = theme.ColorForWidget(theme.ColorNameForegroundOnPrimary, r.t)
	r.text.Refresh()
}

func (r *smallTextRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.text} }

func (r *smallTextRenderer) Destroy() {}
