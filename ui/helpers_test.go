package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/assets"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/sqlite"
)

func TestMain(m *testing.M) {
	if err := UseLanguage("zh-CN"); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// shanghai is the demo centre's zone.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// testNow is the kiosk's fixed clock in the tests: a Wednesday morning.
var testNow = time.Date(2026, 11, 25, 10, 0, 0, 0, shanghai)

// Window sizes the screens must fit.
var (
	small = fyne.NewSize(1024, 600)
	large = fyne.NewSize(1920, 1080)
)

// kiosk is a shell in a test window on a temporary store holding the demo
// centre loaded at testNow, standing at the centre; its clock reads *now.
type kiosk struct {
	t     *testing.T
	shell *Shell
	win   fyne.Window
	now   *time.Time
	store *sqlite.Store
	slips string
	svc   *checkin.Service
	// exports is the kiosk's exports folder.
	exports string
}

func newKiosk(t *testing.T, size fyne.Size) *kiosk {
	t.Helper()
	test.NewTempApp(t)
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f, err := content.Parse(assets.DemoCentre, content.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.LoadContent(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	now := testNow
	win := test.NewTempWindow(t, nil)
	win.Resize(size)
	k := &kiosk{t: t, win: win, now: &now, store: st, slips: filepath.Join(t.TempDir(), "slips")}
	clock := func() time.Time { return *k.now }
	svc, err := checkin.New(context.Background(), st, checkin.Options{SiteID: "xiaodian", Zone: shanghai, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	k.svc = svc
	k.exports = filepath.Join(t.TempDir(), "exports")
	k.shell = NewShell(win, Config{Catalog: st, SiteID: "xiaodian", Location: shanghai, Now: clock,
		CheckIn: svc, SlipsDir: k.slips,
		Staff: StaffOptions{Store: st, ExportsDir: k.exports, MediaRoots: []string{}}})
	return k
}

// emptyService returns a check-in service on an empty temporary store.
func emptyService(t *testing.T) *checkin.Service {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := checkin.New(context.Background(), st, checkin.Options{SiteID: "xiaodian", Zone: shanghai})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// visit calls fn with every visible object under o and the position of o's
// top left corner in the window.
func visit(o fyne.CanvasObject, at fyne.Position, fn func(o fyne.CanvasObject, at fyne.Position) bool) {
	if o == nil || !o.Visible() {
		return
	}
	if !fn(o, at) {
		return
	}
	var children []fyne.CanvasObject
	switch v := o.(type) {
	case *fyne.Container:
		children = v.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(v).Objects()
	}
	for _, c := range children {
		visit(c, at.Add(c.Position()), fn)
	}
}

// shownText returns the text o shows, if o is a text or a button.
func shownText(o fyne.CanvasObject) (string, bool) {
	switch v := o.(type) {
	case *widget.RichText:
		return v.String(), true
	case *tapButton:
		return v.Text, true
	case *canvas.Text:
		return v.Text, true
	}
	return "", false
}

// texts returns everything the window shows as text.
func (k *kiosk) texts() []string {
	var out []string
	visit(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) bool {
		s, ok := shownText(o)
		if ok {
			out = append(out, s)
		}
		return !ok
	})
	return out
}

// shows reports whether some text on screen contains s.
func (k *kiosk) shows(s string) bool {
	for _, t := range k.texts() {
		if strings.Contains(t, s) {
			return true
		}
	}
	return false
}

func (k *kiosk) mustShow(ss ...string) {
	k.t.Helper()
	for _, s := range ss {
		if !k.shows(s) {
			k.t.Errorf("screen does not show %q; it shows %q", s, k.texts())
		}
	}
}

func (k *kiosk) mustNotShow(ss ...string) {
	k.t.Helper()
	for _, s := range ss {
		if k.shows(s) {
			k.t.Errorf("screen shows %q", s)
		}
	}
}

// find returns the first visible text object containing s, with the
// innermost tappable object holding it (or itself).
func (k *kiosk) find(s string) (found fyne.CanvasObject, tappable fyne.Tappable) {
	var walk func(o fyne.CanvasObject, tap fyne.Tappable)
	walk = func(o fyne.CanvasObject, tap fyne.Tappable) {
		if found != nil || o == nil || !o.Visible() {
			return
		}
		if t, ok := o.(fyne.Tappable); ok {
			tap = t
		}
		if txt, ok := shownText(o); ok {
			if strings.Contains(txt, s) {
				found, tappable = o, tap
			}
			return
		}
		switch v := o.(type) {
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c, tap)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c, tap)
			}
		}
	}
	walk(k.win.Content(), nil)
	return found, tappable
}

// tap taps the text containing s (a button's label, or text on a card), as a
// finger would.
func (k *kiosk) tap(s string) {
	k.t.Helper()
	o, tappable := k.find(s)
	if o == nil || tappable == nil {
		k.t.Fatalf("nothing to tap shows %q; the screen shows %q", s, k.texts())
	}
	test.Tap(tappable)
}

// button returns the button labelled label.
func (k *kiosk) button(label string) *tapButton {
	k.t.Helper()
	o, _ := k.find(label)
	b, ok := o.(*tapButton)
	if !ok {
		k.t.Fatalf("no button %q on screen: %q", label, k.texts())
	}
	return b
}

// pageStatus returns the pager's "第 x/y 页" text, or "" when there is one
// page.
func (k *kiosk) pageStatus() string {
	for _, t := range k.texts() {
		if strings.HasPrefix(t, "第 ") && strings.HasSuffix(t, " 页") {
			return t
		}
	}
	return ""
}

// allPages returns the texts of every page of the screen's list, turning
// pages forward from the current one.
func (k *kiosk) allPages() []string {
	k.t.Helper()
	out := k.texts()
	for k.pageStatus() != "" && !k.button("下一页").Disabled() {
		k.tap("下一页")
		out = append(out, k.texts()...)
	}
	return out
}

// mustFit fails unless every visible object lies inside the window and no
// text is cut off: each text block is given at least the height it needs.
func (k *kiosk) mustFit(screen string) {
	k.t.Helper()
	win := k.win.Canvas().Size()
	visit(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, at fyne.Position) bool {
		end := at.Add(o.Size())
		if at.X < -0.5 || at.Y < -0.5 || end.X > win.Width+0.5 || end.Y > win.Height+0.5 {
			txt, _ := shownText(o)
			k.t.Errorf("%s: %T %q at %v size %v lies outside the %v window", screen, o, txt, at, o.Size(), win)
			return false
		}
		if rt, ok := o.(*widget.RichText); ok && rt.MinSize().Height > o.Size().Height+0.5 {
			k.t.Errorf("%s: text %q needs height %v but has %v", screen, rt.String(), rt.MinSize().Height, o.Size().Height)
		}
		if b, ok := o.(*tapButton); ok && o.Size().Height < 64 {
			k.t.Errorf("%s: button %q is %v high, less than a tap target", screen, b.Text, o.Size().Height)
		}
		return true
	})
	if got := k.win.Content().MinSize(); got.Width > win.Width || got.Height > win.Height {
		k.t.Errorf("%s: content needs %v, more than the %v window", screen, got, win)
	}
}
