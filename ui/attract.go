package ui

import (
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

// DefaultIdle is how long the kiosk waits for a tap or a scan before it
// goes home and starts the attract loop.
const DefaultIdle = 60 * time.Second

// The attract loop's pace and contents.
const (
	// slideTime is how long each slide stays up.
	slideTime = 8 * time.Second
	// driftX and driftY are the periods of the slides' slow drift across
	// the screen, which keeps any pixel from showing the same thing for
	// long.
	driftX = 97 * time.Second
	driftY = 61 * time.Second
	// driftEvery is how often the slide moves: each move redraws the
	// whole screen, so that the loop costs little CPU.
	driftEvery = 3 * time.Second
	// driftMargin is how far a slide drifts each way, in text sizes.
	driftMargin = 1.5
	// attractSessions is the most sessions of today, and of the days
	// after, shown in one round of the loop.
	attractSessions = 6
	// attractDays is how far ahead the upcoming sessions are taken from.
	attractDays = 14
	// attractPeople and attractFacts are the most honour-wall entries and
	// highlights shown in one round; the next round shows the next ones.
	attractPeople = 6
	attractFacts  = 4
	// attractStory is how many characters of a story a slide shows.
	attractStory = 80
)

// leavesByItself is a screen that goes away by itself after its own time
// limit: a check-in's answer, or a screen that shows a visitor's number or
// pass. The attract loop waits for it to go, so that nobody loses what it
// shows.
type leavesByItself interface {
	leavesByItself()
}

func (r *resultScreen) leavesByItself()    {}
func (c *chooseScreen) leavesByItself()    {}
func (p *phoneScreen) leavesByItself()     {}
func (r *registerScreen) leavesByItself()  {}
func (c *communityScreen) leavesByItself() {}
func (p *passScreen) leavesByItself()      {}

// idleAfter returns how long the kiosk waits before the attract loop.
func (s *Shell) idleAfter() time.Duration {
	if s.idle <= 0 {
		return DefaultIdle
	}
	return s.idle
}

// attractWhenIdle goes home and starts the attract loop once nobody has
// tapped or scanned for the idle period, unless the screen on display
// leaves by itself.
func (s *Shell) attractWhenIdle(now time.Time) {
	if len(s.history) == 0 || now.Sub(s.lastActivity) < s.idleAfter() {
		return
	}
	switch s.current().(type) {
	case *attractScreen, leavesByItself:
		return
	}
	s.Home()
	s.Show(newAttractScreen(s, now))
}

// attractScreen is the attract loop: full-screen slides of the centre,
// today's and the coming sessions, the honour wall and the centre's
// highlights, drifting slowly. A tap anywhere goes home; a scan checks in
// as on any screen, and its answer replaces the loop.
type attractScreen struct {
	shell *Shell
	since time.Time // when the loop started
	start time.Time // when the current slide went up
	moved time.Time // when the slide last moved
	round int       // rounds of the loop completed

	// slides make the slides of one round; a slide that has nothing to
	// show makes a nil object and is passed over.
	slides []func() (fyne.ThemeColorName, fyne.CanvasObject)
	slide  int
	// signIn is the phone sign-in panel of the slide up, if it has one.
	signIn *EventSignIn

	fill  *canvas.Rectangle
	drift *driftLayout
	stage *fyne.Container
}

func newAttractScreen(s *Shell, now time.Time) *attractScreen {
	return &attractScreen{shell: s, since: now}
}

// transient lets a check-in's answer replace the loop: Back from the
// answer then goes home.
func (a *attractScreen) transient() {}

// Build shows the first slide.
func (a *attractScreen) Build() fyne.CanvasObject {
	s := a.shell
	a.fill = canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	a.drift = &driftLayout{}
	a.stage = container.New(a.drift)
	bd := &backdrop{onTap: func() {
		s.activity()
		s.Home()
	}}
	bd.ExtendBaseWidget(bd)
	a.plan()
	a.show(a.since)
	return container.NewStack(a.fill, a.stage, bd)
}

// Tick turns to the next slide when it is time, moves the slide a little,
// and goes home if the kiosk was used meanwhile.
func (a *attractScreen) Tick(now time.Time) {
	if a.shell.LastActivity().After(a.since) {
		a.shell.Home()
		return
	}
	if now.Sub(a.start) >= slideTime {
		a.next()
		a.show(now)
	} else if a.signIn != nil {
		a.signIn.Tick(now)
	}
	if now.Sub(a.moved) >= driftEvery {
		a.move(now)
	}
}

// next turns to the next slide, planning the next round after the last.
func (a *attractScreen) next() {
	a.slide++
	if a.slide >= len(a.slides) {
		a.slide = 0
		a.round++
		a.plan()
	}
}

// show puts up the current slide, or the next one that has something to
// show.
func (a *attractScreen) show(now time.Time) {
	a.start = now
	a.signIn = nil
	fill, content := a.slides[a.slide]()
	for content == nil {
		a.next()
		fill, content = a.slides[a.slide]()
	}
	a.fill.FillColor = theme.Color(fill)
	a.fill.Refresh()
	a.stage.Objects = []fyne.CanvasObject{content}
	a.move(now)
}

// move sets the slide's drift for the time now.
func (a *attractScreen) move(now time.Time) {
	a.moved = now
	t := now.Sub(a.since).Seconds()
	a.drift.x = float32(math.Sin(2 * math.Pi * t / driftX.Seconds()))
	a.drift.y = float32(math.Sin(2 * math.Pi * t / driftY.Seconds()))
	a.stage.Refresh()
}

// plan reads the centre's content and lists the slides of one round: the
// welcome, then the phone sign-in codes of the sessions open for check-in,
// today's sessions, the coming ones, people of the honour wall and
// highlights of the centre. A content that cannot be read leaves its
// slides out.
func (a *attractScreen) plan() {
	s := a.shell
	ctx, cancel := s.query()
	defer cancel()
	centre, _ := s.catalog.Centre(ctx)
	sites, _ := s.sites(ctx)
	a.slides = []func() (fyne.ThemeColorName, fyne.CanvasObject){func() (fyne.ThemeColorName, fyne.CanvasObject) {
		return a.welcome(centre.Name, sites[s.siteID])
	}}
	a.slide = 0

	if s.svc != nil && s.eventCodes() != nil {
		if open, err := s.svc.OpenSessions(ctx); err == nil {
			for _, ses := range open[:min(len(open), attractSessions)] {
				a.slides = append(a.slides, func() (fyne.ThemeColorName, fyne.CanvasObject) {
					return a.signInSlide(ses, sites)
				})
			}
		}
	}
	now := s.Now()
	end := startOfDay(now).AddDate(0, 0, 1)
	if events, err := s.catalog.EventsBetween(ctx, now.UnixMilli(), end.AddDate(0, 0, attractDays).UnixMilli(), ""); err == nil {
		today := data.SessionsBetween(events, now.UnixMilli(), end.UnixMilli(), s.siteID, s.loc)
		for _, ses := range today[:min(len(today), attractSessions)] {
			a.slides = append(a.slides, func() (fyne.ThemeColorName, fyne.CanvasObject) {
				return a.session(lang.L("attract.today"), ses, sites)
			})
		}
		listed := map[string]bool{}
		n := 0
		for _, ses := range data.SessionsBetween(events, end.UnixMilli(), end.AddDate(0, 0, attractDays).UnixMilli(), s.siteID, s.loc) {
			if listed[ses.Event.ID] || n == attractSessions {
				continue
			}
			listed[ses.Event.ID] = true
			n++
			a.slides = append(a.slides, func() (fyne.ThemeColorName, fyne.CanvasObject) {
				return a.session(lang.L("attract.upcoming"), ses, sites)
			})
		}
	}
	if people, err := s.catalog.HonourEntries(ctx); err == nil {
		for _, e := range window(people, a.round, attractPeople) {
			a.slides = append(a.slides, func() (fyne.ThemeColorName, fyne.CanvasObject) { return a.person(e) })
		}
	}
	for _, f := range window(centre.Facts, a.round, attractFacts) {
		a.slides = append(a.slides, func() (fyne.ThemeColorName, fyne.CanvasObject) { return a.fact(f) })
	}
}

// window returns n items of all, starting n×round items in and wrapping
// around, so that each round of the loop shows the next ones.
func window[T any](all []T, round, n int) []T {
	if len(all) <= n {
		return all
	}
	out := make([]T, n)
	for i := range out {
		out[i] = all[(round*n+i)%len(all)]
	}
	return out
}

// Text styles of the slides.
var (
	styleDisplay   = widget.RichTextStyle{ColorName: theme.ColorNameForeground, SizeName: sizeNameDisplay, TextStyle: fyne.TextStyle{Bold: true}}
	styleKicker    = widget.RichTextStyle{ColorName: theme.ColorNamePrimary, SizeName: sizeNameTitle, TextStyle: fyne.TextStyle{Bold: true}}
	styleOnRedBig  = widget.RichTextStyle{ColorName: theme.ColorNameForegroundOnPrimary, SizeName: sizeNameDisplay, TextStyle: fyne.TextStyle{Bold: true}}
	styleOnRedHint = widget.RichTextStyle{ColorName: theme.ColorNameForegroundOnPrimary, SizeName: theme.SizeNameSubHeadingText}
	styleHint      = widget.RichTextStyle{ColorName: colorNameTextSoft, SizeName: theme.SizeNameSubHeadingText}
)

// welcome is the first slide: the centre's logo and name, the date and
// time.
func (a *attractScreen) welcome(name, site string) (fyne.ThemeColorName, fyne.CanvasObject) {
	if name == "" {
		name = site
	}
	if name == "" {
		name = lang.L("app.title")
	}
	now := a.shell.Now()
	logo := canvas.NewImageFromImage(centreLogo())
	logo.FillMode = canvas.ImageFillContain
	return theme.ColorNameBackground, a.page(false,
		container.New(squareLayout{side: 5}, logo),
		text(name, centred(widget.RichTextStyle{ColorName: theme.ColorNamePrimary, SizeName: sizeNameDisplay,
			TextStyle: fyne.TextStyle{Bold: true}})),
		text(clockDate(now)+"  "+now.Format("15:04"), centred(styleHeading)))
}

// session is the slide of one session.
func (a *attractScreen) session(kicker string, ses data.Session, sites map[string]string) (fyne.ThemeColorName, fyne.CanvasObject) {
	ev := ses.Event
	return theme.ColorNameBackground, a.page(false,
		text(kicker, centred(styleKicker)),
		text(ev.Title, centred(styleDisplay)),
		text(a.when(ses), centred(styleHeading)),
		text(joinNonEmpty(" · ", ev.Category, ev.Place, a.otherSite(ses, sites)), centred(styleReading)))
}

// signInSlide is the slide of a session open for check-in: its title and
// time beside its phone sign-in code, which Tick renews. It has nothing to
// show when the kiosk has no hub or the session is no longer open.
func (a *attractScreen) signInSlide(ses data.Session, sites map[string]string) (fyne.ThemeColorName, fyne.CanvasObject) {
	s := a.shell
	e := s.EventSignIn(ses, s.Now())
	if e == nil {
		return theme.ColorNameBackground, nil
	}
	// A tap anywhere on the loop goes home, so the panel's own button
	// would not work here.
	e.Phone.Hide()
	a.signIn = e
	ev := ses.Event
	about := container.NewVBox(layout.NewSpacer(),
		text(lang.L("attract.signIn"), centred(styleKicker)),
		text(ev.Title, centred(styleDisplay)),
		text(a.when(ses), centred(styleHeading)),
		text(joinNonEmpty(" · ", ev.Place, a.otherSite(ses, sites)), centred(styleReading)),
		layout.NewSpacer())
	return theme.ColorNameBackground, a.hinted(false, withSignIn(about, e))
}

// when says the day and time of ses, and that it is on now.
func (a *attractScreen) when(ses data.Session) string {
	s := a.shell
	now := s.Now()
	start, end := time.UnixMilli(ses.StartMS).In(s.loc), time.UnixMilli(ses.EndMS).In(s.loc)
	when := dayLabel(start, now) + "  " + timeRange(start, end)
	if ses.StartMS <= now.UnixMilli() && now.UnixMilli() < ses.EndMS {
		when = lang.L("events.now") + "  " + when
	}
	return when
}

// otherSite names the site of ses when it is not the kiosk's own.
func (a *attractScreen) otherSite(ses data.Session, sites map[string]string) string {
	if ses.Event.SiteID == a.shell.siteID {
		return ""
	}
	return sites[ses.Event.SiteID]
}

// person is the slide of one honour-wall entry: the portrait beside the
// name, title and the start of the story.
func (a *attractScreen) person(e data.HonourEntry) (fyne.ThemeColorName, fyne.CanvasObject) {
	words := container.NewVBox(
		text(e.Name, styleDisplay),
		text(joinNonEmpty("  ", e.Title, e.Community), styleKicker),
		text(excerpt(e.Story, attractStory), styleReading))
	face := container.NewCenter(newAvatar(e.Name, e.Photo, 6))
	return colorNameCard, a.page(false,
		text(lang.L("honour.title"), centred(styleHeading)),
		container.NewBorder(nil, nil, face, nil, words))
}

// fact is the slide of one of the centre's highlights.
func (a *attractScreen) fact(f string) (fyne.ThemeColorName, fyne.CanvasObject) {
	return theme.ColorNamePrimary, a.page(true,
		text(lang.L("about.facts"), centred(styleOnRedHint)),
		text(f, centred(styleOnRedBig)))
}

// page stacks a slide's parts in the middle of the screen above the hint to
// touch the screen or scan a pass.
func (a *attractScreen) page(onRed bool, parts ...fyne.CanvasObject) fyne.CanvasObject {
	body := container.NewVBox(layout.NewSpacer())
	for _, p := range parts {
		body.Add(p)
	}
	body.Add(layout.NewSpacer())
	return a.hinted(onRed, body)
}

// hinted puts body above the hint to touch the screen or scan a pass.
func (a *attractScreen) hinted(onRed bool, body fyne.CanvasObject) fyne.CanvasObject {
	hint := styleHint
	if onRed {
		hint = styleOnRedHint
	}
	return container.NewBorder(nil, text(lang.L("attract.hint"), centred(hint)), nil, nil, body)
}

// centred returns style with its text centred.
func centred(style widget.RichTextStyle) widget.RichTextStyle {
	style.Alignment = fyne.TextAlignCenter
	return style
}

// driftLayout gives its objects the whole size less a margin on each side,
// shifted by x and y (each from -1 to 1) times the margin.
type driftLayout struct {
	x, y float32
}

// Layout places the objects at the current drift.
func (l *driftLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	m := driftMargin * theme.TextSize()
	for _, o := range objects {
		o.Move(fyne.NewPos(m+l.x*m, m+l.y*m))
		o.Resize(size.SubtractWidthHeight(2*m, 2*m))
	}
}

// MinSize is the objects' minimum size with the margins.
func (l *driftLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var min fyne.Size
	for _, o := range objects {
		min = min.Max(o.MinSize())
	}
	m := 2 * driftMargin * theme.TextSize()
	return min.AddWidthHeight(m, m)
}
