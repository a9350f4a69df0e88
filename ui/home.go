package ui

import (
	"context"
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

// homeScreen is the start screen: the centre's name and logo, the clock,
// the sessions on now and later today, and tiles leading to the other
// screens.
type homeScreen struct {
	shell  *Shell
	events []data.Event // those that can have a session from day's load to its end
	day    time.Time    // the day events were read for, at 00:00
	sites  map[string]string
	clock  *widget.RichText
	today  *pager
	minute int64 // the minute the clock and the sessions shown are for
}

func newHomeScreen(s *Shell) *homeScreen {
	return &homeScreen{shell: s}
}

// Build reads the centre, its sites and the events of the rest of today,
// and lays out the screen.
func (h *homeScreen) Build() fyne.CanvasObject {
	s := h.shell
	ctx, cancel := s.query()
	defer cancel()
	now := s.Now()
	centre, err := s.catalog.Centre(ctx)
	if err == nil {
		h.sites, err = s.sites(ctx)
	}
	if err == nil {
		err = h.load(ctx, now)
	}
	name := centre.Name
	if name == "" {
		name = h.sites[s.siteID]
	}
	if name == "" {
		name = lang.L("app.title")
	}

	logo := canvas.NewImageFromImage(centreLogo())
	logo.FillMode = canvas.ImageFillContain
	h.clock = widget.NewRichText(
		&widget.TextSegment{Style: inline(styleOnRed)},
		&widget.TextSegment{Style: widget.RichTextStyle{ColorName: theme.ColorNameForegroundOnPrimary,
			SizeName: sizeNameTitle, TextStyle: fyne.TextStyle{Bold: true}}})
	h.minute = -1
	head := container.NewBorder(nil, nil, nil, s.syncBadge(h.clock),
		s.staffGesture(container.NewBorder(nil, nil, container.New(squareLayout{side: 2.5}, logo), nil, titleText(name))))

	var today fyne.CanvasObject
	if err != nil {
		today = s.failed(err)
	} else {
		h.today = s.pager(0, "")
		today = h.today.box
	}
	on := container.NewBorder(container.NewBorder(nil, nil, nil, s.textSizeChoice(), text(lang.L("home.ongoing"), styleHeading)),
		nil, nil, nil, today)
	tiles := container.NewGridWithColumns(2,
		s.tile(lang.L("home.attend"), theme.ConfirmIcon(), func() { s.Show(newAttendScreen(s)) }),
		s.tile(lang.L("home.register"), theme.ContentAddIcon(), func() { s.Show(newRegisterScreen(s, "")) }),
		s.tile(lang.L("home.events"), theme.CalendarIcon(), func() { s.Show(newEventsScreen(s)) }),
		s.tile(lang.L("home.honour"), theme.AccountIcon(), func() { s.Show(newHonourScreen(s)) }),
		s.tile(lang.L("home.teams"), theme.GridIcon(), func() { s.Show(newTeamsScreen(s)) }),
		s.tile(lang.L("home.about"), theme.InfoIcon(), func() { s.Show(newAboutScreen(s)) }),
	)
	h.Tick(now)
	body := container.New(&splitLayout{ratio: 0.45}, on, tiles)
	return container.NewBorder(band(head), nil, nil, nil, container.NewPadded(body))
}

// load reads the events that can have a session from now to the end of
// today.
func (h *homeScreen) load(ctx context.Context, now time.Time) error {
	day := startOfDay(now)
	events, err := h.shell.catalog.EventsBetween(ctx, now.UnixMilli(), day.AddDate(0, 0, 1).UnixMilli(), "")
	if err != nil {
		return err
	}
	h.events, h.day = events, day
	return nil
}

// Tick shows the time, and once a minute refreshes the sessions on now
// (the kiosk's site first) and those starting later today, reading the
// events again when a new day has begun.
func (h *homeScreen) Tick(now time.Time) {
	minute := now.Unix() / 60
	if minute == h.minute {
		return
	}
	h.minute = minute
	h.clock.Segments[0].(*widget.TextSegment).Text = clockDate(now) + "  "
	h.clock.Segments[1].(*widget.TextSegment).Text = now.Format("15:04")
	h.clock.Refresh()
	if h.today == nil {
		return
	}
	s := h.shell
	if !startOfDay(now).Equal(h.day) {
		ctx, cancel := s.query()
		err := h.load(ctx, now)
		cancel()
		if err != nil {
			h.today.setItems([]fyne.CanvasObject{s.failed(err)})
			return
		}
	}
	ms := now.UnixMilli()
	lead := &leadColumn{}
	var items, later []fyne.CanvasObject
	for _, ses := range data.SessionsBetween(h.events, ms, startOfDay(now).AddDate(0, 0, 1).UnixMilli(), s.siteID, s.loc) {
		if ses.StartMS <= ms {
			items = append(items, s.sessionCard(ses, h.sites, now, false, lead))
		} else {
			later = append(later, s.sessionCard(ses, h.sites, now, false, lead))
		}
	}
	if len(items) == 0 {
		items = append(items, text(lang.L("home.nothingOn"), styleSoft))
	}
	if len(later) > 0 {
		// The heading stays on the page of the first session under it.
		later[0] = container.NewVBox(text(lang.L("home.later"), styleHeading), later[0])
		items = append(items, later...)
	}
	h.today.setItems(items)
}

// tile is one of the home screen's big red buttons.
func (s *Shell) tile(label string, icon fyne.Resource, onTap func()) fyne.CanvasObject {
	img := canvas.NewImageFromResource(theme.NewColoredResource(icon, theme.ColorNameForegroundOnPrimary))
	caption := text(label, widget.RichTextStyle{Alignment: fyne.TextAlignCenter,
		ColorName: theme.ColorNameForegroundOnPrimary, SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Bold: true}})
	content := container.NewVBox(layout.NewSpacer(), container.New(squareLayout{side: 1.8}, img), caption, layout.NewSpacer())
	return newCard(content, theme.ColorNamePrimary, s.tap(onTap))
}

// inline returns style for a segment followed by another on the same line.
func inline(style widget.RichTextStyle) widget.RichTextStyle {
	style.Inline = true
	return style
}

// splitLayout puts its first object at the left, ratio of the width wide,
// and its second in the rest.
type splitLayout struct {
	ratio float32
}

// Layout splits size between the two objects.
func (l *splitLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding() * 2
	left := (size.Width - pad) * l.ratio
	objects[0].Move(fyne.NewPos(0, 0))
	objects[0].Resize(fyne.NewSize(left, size.Height))
	objects[1].Move(fyne.NewPos(left+pad, 0))
	objects[1].Resize(fyne.NewSize(size.Width-left-pad, size.Height))
}

// MinSize fits both objects side by side.
func (l *splitLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	a, b := objects[0].MinSize(), objects[1].MinSize()
	return fyne.NewSize(a.Width+b.Width+theme.Padding()*2, fyne.Max(a.Height, b.Height))
}
