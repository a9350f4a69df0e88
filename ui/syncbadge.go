package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
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
// that follows it.
type hubState struct {
	src   SyncSource
	badge *widget.RichText
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

// syncBadge puts the sync badge under top in the home screen's title band:
// 在线 or 离线, the records waiting to go up and the last sync's time, in
// small type. It shows only when the kiosk is enrolled at a hub.
func (s *Shell) syncBadge(top fyne.CanvasObject) fyne.CanvasObject {
	s.hub.badge = widget.NewRichText(&widget.TextSegment{Style: widget.RichTextStyle{
		Alignment: fyne.TextAlignTrailing, ColorName: theme.ColorNameForegroundOnPrimary, SizeName: theme.SizeNameCaptionText}})
	s.hub.badge.Hide()
	if s.hub.src != nil {
		s.setBadge(s.hub.src.Status())
	}
	return container.NewVBox(top, s.hub.badge)
}

// setBadge shows st on the badge, and lays the window out again when the
// badge comes or goes.
func (s *Shell) setBadge(st hubsync.Status) {
	b := s.hub.badge
	if st.Enrolled {
		setText(b, syncSummary(st, s.Now()))
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

// syncSummary says in one line whether the hub is reachable, how many
// records wait and when the last round ended.
func syncSummary(st hubsync.Status, now time.Time) string {
	parts := []string{lang.L("sync.offline")}
	if st.Online {
		parts[0] = lang.L("sync.online")
	}
	if st.Pending > 0 {
		parts = append(parts, lang.L("sync.pending", map[string]any{"N": st.Pending}))
	}
	if st.LastSyncMS > 0 {
		parts = append(parts, lang.L("sync.last", map[string]any{"Time": when(st.LastSyncMS, now)}))
	}
	return joinNonEmpty(" · ", parts...)
}

// when formats a UTC ms time as its clock time today, else with its date.
func when(ms int64, now time.Time) string {
	t := time.UnixMilli(ms).In(now.Location())
	if daysBetween(now, t) == 0 {
		return t.Format("15:04")
	}
	return shortDate(t) + " " + t.Format("15:04")
}
