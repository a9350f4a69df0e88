// Package ui is the kiosk's touchscreen interface: a Fyne theme, the app
// shell that shows one screen at a time, and the screens.
package ui

import (
	"context"
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
)

// queryTimeout bounds each read of the catalog by a screen.
const queryTimeout = 5 * time.Second

// Config is what the shell needs from its surroundings.
type Config struct {
	// Catalog is where the screens read the centre's content.
	Catalog data.Catalog
	// SiteID is the site the kiosk stands at; its sessions are listed first.
	SiteID string
	// Location is the centre's time zone; nil means data.DefaultZone.
	Location *time.Location
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// CheckIn is the check-in path behind the scanner, registration and
	// the check-in screens. It must not be nil.
	CheckIn *checkin.Service
	// SlipsDir is the folder where printable pass slips are saved.
	SlipsDir string
	// Staff is what staff mode needs; staff mode stays closed without a
	// store.
	Staff StaffOptions
	// Sync is the background sync with the district hub, shown by a badge
	// on the home screen and in staff mode; nil when the kiosk has none.
	Sync SyncSource
	// Idle is how long the kiosk waits for a tap or a scan before the
	// attract loop; 0 means DefaultIdle.
	Idle time.Duration
}

// Screen is one full-window page of the kiosk.
type Screen interface {
	// Build makes the screen's content. The shell calls it each time the
	// screen is shown with Show.
	Build() fyne.CanvasObject
}

// Ticker is a Screen that changes with the time: while it is the current
// screen, the shell calls Tick once a second on Fyne's goroutine.
type Ticker interface {
	Tick(now time.Time)
}

// shown is a screen in the shell's history with the content built for it.
type shown struct {
	screen  Screen
	content fyne.CanvasObject
}

// Shell is the kiosk's window: it shows one screen at a time, keeps the
// screens it came through for the back button, and notes every tap.
type Shell struct {
	catalog data.Catalog
	siteID  string
	loc     *time.Location
	now     func() time.Time

	svc    *checkin.Service
	slips  string
	canvas fyne.Canvas
	// lockedDown: LockDown holds the window; the public cannot set a PIN.
	lockedDown bool
	scanner    *scanner
	work       sync.WaitGroup // check-ins and registrations in progress
	staff      staffMode
	hub        hubState

	root         *fyne.Container
	history      []shown
	lastActivity time.Time
	idle         time.Duration
}

// NewShell makes the kiosk's shell in win, sets the window's content,
// listens to the window's keys for a barcode scanner and shows the home
// screen.
func NewShell(win fyne.Window, cfg Config) *Shell {
	s := &Shell{catalog: cfg.Catalog, siteID: cfg.SiteID, loc: cfg.Location, now: cfg.Now,
		svc: cfg.CheckIn, slips: cfg.SlipsDir, canvas: win.Canvas(), idle: cfg.Idle}
	if s.loc == nil {
		loc, err := time.LoadLocation(data.DefaultZone) // zone data is embedded by package data
		if err != nil {
			panic(err)
		}
		s.loc = loc
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.lastActivity = s.Now()
	fyne.CurrentApp().Settings().SetTheme(newTheme(1))
	bd := &backdrop{onTap: s.activity}
	bd.ExtendBaseWidget(bd)
	s.root = container.New(&scaleLayout{scale: 1}, bd)
	win.SetPadded(false)
	win.SetContent(s.root)
	s.staff.opts, s.hub.src = cfg.Staff, cfg.Sync
	s.scanner = newScanner(s)
	s.restoreTextSize()
	s.Home()
	return s
}

// Wait waits for the check-ins and registrations in progress, so that the
// store can be closed after them.
func (s *Shell) Wait() { s.work.Wait() }

// background runs f off Fyne's goroutine; Wait waits for it.
func (s *Shell) background(f func()) { s.work.Go(f) }

// Now returns the current time in the centre's zone.
func (s *Shell) Now() time.Time { return s.now().In(s.loc) }

// Show builds sc and makes it the current screen; Back returns to the
// screen shown before.
func (s *Shell) Show(sc Screen) {
	s.history = append(s.history, shown{screen: sc, content: sc.Build()})
	s.display()
}

// Back returns to the previous screen as it was left (same tab, same
// page), or to the home screen when there is none.
func (s *Shell) Back() {
	if len(s.history) < 2 {
		s.Home()
		return
	}
	s.history = s.history[:len(s.history)-1]
	s.display()
}

// Home forgets the history and shows a freshly built home screen.
func (s *Shell) Home() {
	s.history = nil
	s.Show(newHomeScreen(s))
}

// LastActivity returns the time of the last tap on any screen.
func (s *Shell) LastActivity() time.Time { return s.lastActivity }

// StartClock starts calling the current screen's Tick once a second. Call
// the returned function to stop it; it waits for nothing and may be called
// more than once.
func (s *Shell) StartClock() (stop func()) {
	t := time.NewTicker(time.Second)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-t.C:
				fyne.Do(s.tick)
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			t.Stop()
			close(done)
		})
	}
}

// tick lets the current screen follow the time.
func (s *Shell) tick() {
	if len(s.history) == 0 {
		return
	}
	s.staffTick(s.Now())
	s.attractWhenIdle(s.Now())
	if t, ok := s.history[len(s.history)-1].screen.(Ticker); ok {
		t.Tick(s.Now())
	}
}

// display puts the last screen of the history in the window, over the
// backdrop. Nothing keeps the keyboard focus across screens, so the
// scanner's keys reach the window.
func (s *Shell) display() {
	s.canvas.Unfocus()
	s.root.Objects = append(s.root.Objects[:1], s.history[len(s.history)-1].content)
	s.root.Refresh()
}

// current returns the screen on display.
func (s *Shell) current() Screen {
	return s.history[len(s.history)-1].screen
}

// transient is a screen that only passes on to a check-in's answer: a
// result, the choice of event, the phone keypad. A new answer replaces it
// instead of piling up over it.
type transient interface {
	Screen
	transient()
}

// present shows an answer screen in place of the transient screens on top
// of the history, so that Back from it returns to where the visitor was.
func (s *Shell) present(sc Screen) {
	for len(s.history) > 1 {
		if _, ok := s.current().(transient); !ok {
			break
		}
		s.history = s.history[:len(s.history)-1]
	}
	s.Show(sc)
}

// activity notes that someone used the kiosk. Every tap goes through it.
func (s *Shell) activity() {
	s.lastActivity = s.Now()
	s.staffTouch()
}

// backdrop is the window's background: a tap where there is nothing to tap
// still counts as activity.
type backdrop struct {
	widget.BaseWidget
	onTap func()
}

// Tapped notes the activity.
func (b *backdrop) Tapped(*fyne.PointEvent) { b.onTap() }

// CreateRenderer draws nothing; the theme's background shows through.
func (b *backdrop) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// tap returns f preceded by activity, for a tap handler.
func (s *Shell) tap(f func()) func() {
	return func() {
		s.activity()
		f()
	}
}

// query returns a context for one read of the catalog.
func (s *Shell) query() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), queryTimeout)
}

// frame puts body under a red title band holding title, a back button when
// back is true, and the home button.
func (s *Shell) frame(title string, back bool, body fyne.CanvasObject) fyne.CanvasObject {
	buttons := container.NewHBox()
	if back {
		buttons.Add(s.button(lang.L("nav.back"), theme.NavigateBackIcon(), widget.MediumImportance, s.Back))
	}
	buttons.Add(s.button(lang.L("nav.home"), theme.HomeIcon(), widget.MediumImportance, s.Home))
	head := container.NewBorder(nil, nil, nil, buttons, titleText(title))
	return container.NewBorder(band(head), nil, nil, nil, container.NewPadded(body))
}

// failed is shown in place of a screen's content when the catalog cannot be
// read.
func (s *Shell) failed(err error) fyne.CanvasObject {
	fyne.LogError("reading the centre's content", err)
	msg := widget.NewLabel(lang.L("error.content"))
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.DangerImportance
	detail := widget.NewLabel(err.Error())
	detail.Wrapping = fyne.TextWrapWord
	detail.SizeName = theme.SizeNameCaptionText
	return container.NewVBox(msg, detail)
}

// sites returns the names of all sites by id.
func (s *Shell) sites(ctx context.Context) (map[string]string, error) {
	sites, err := s.catalog.Sites(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(sites))
	for _, site := range sites {
		names[site.ID] = site.Name
	}
	return names, nil
}
