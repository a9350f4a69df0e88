//go:build e2e

package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/assets"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// e2ePhone is the visitor who registers in the end-to-end test.
const e2ePhone = "13800138000"

// Colours of the kiosk's theme, as seen on screen.
var (
	colourRed   = color.RGBA{0xC8, 0x10, 0x2E, 0xFF} // title band, tiles, 确定 when enabled
	colourSand  = color.RGBA{0xF3, 0xE6, 0xD3, 0xFF} // keypad keys and buttons
	colourWhite = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF} // cards
	colourGreen = color.RGBA{0x2E, 0x6B, 0x30, 0xFF} // success
	colourAmber = color.RGBA{0x9A, 0x4A, 0x00, 0xFF} // repeated scan
	colourError = color.RGBA{0x9E, 0x0B, 0x23, 0xFF} // refusal
)

// near returns a matcher for colours within 8 of want on each channel.
func near(want color.RGBA) func(color.Color) bool {
	return func(c color.Color) bool {
		r, g, b, _ := c.RGBA()
		d := func(v uint32, w uint8) bool { x := int(v>>8) - int(w); return x >= -8 && x <= 8 }
		return d(r, want.R) && d(g, want.G) && d(b, want.B)
	}
}

// blobs returns the bounding boxes of the connected areas of img whose
// pixels match, at least minW×minH, in reading order (top to bottom in rows
// of boxes whose tops are within 8 px, then left to right).
func blobs(img image.Image, match func(color.Color) bool, minW, minH int) []image.Rectangle {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	on := make([]bool, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			on[y*w+x] = match(img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	seen := make([]bool, w*h)
	var out []image.Rectangle
	for start := range on {
		if !on[start] || seen[start] {
			continue
		}
		r := image.Rect(start%w, start/w, start%w+1, start/w+1)
		stack := []int{start}
		seen[start] = true
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			x, y := p%w, p/w
			r = r.Union(image.Rect(x, y, x+1, y+1))
			for _, q := range [][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
				if q[0] < 0 || q[1] < 0 || q[0] >= w || q[1] >= h {
					continue
				}
				n := q[1]*w + q[0]
				if on[n] && !seen[n] {
					seen[n] = true
					stack = append(stack, n)
				}
			}
		}
		if r.Dx() >= minW && r.Dy() >= minH {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, c := out[i], out[j]
		if d := a.Min.Y - c.Min.Y; d < -8 || d > 8 {
			return a.Min.Y < c.Min.Y
		}
		return a.Min.X < c.Min.X
	})
	return out
}

// centre returns the middle of r.
func centre(r image.Rectangle) (int, int) { return (r.Min.X + r.Max.X) / 2, (r.Min.Y + r.Max.Y) / 2 }

// tapBox taps the middle of r.
func tapBox(t *testing.T, d display, r image.Rectangle) {
	t.Helper()
	x, y := centre(r)
	tap(t, d, x, y)
}

// bandBottom returns the height of the red title band at the top of img,
// 0 when there is none.
func bandBottom(img image.Image) int {
	band := 0
	for _, r := range blobs(img, near(colourRed), img.Bounds().Dx()/2, 20) {
		if r.Min.Y == 0 {
			band = r.Max.Y
		}
	}
	return band
}

// belowBand keeps the boxes that start below the red title band.
func belowBand(img image.Image, boxes []image.Rectangle) []image.Rectangle {
	band := bandBottom(img)
	var out []image.Rectangle
	for _, r := range boxes {
		if r.Min.Y > band {
			out = append(out, r)
		}
	}
	return out
}

// homeTiles finds the six red tiles of the home screen in reading order.
func homeTiles(t *testing.T, img image.Image, path string) []image.Rectangle {
	t.Helper()
	tiles := belowBand(img, blobs(img, near(colourRed), img.Bounds().Dx()/8, img.Bounds().Dy()/8))
	if len(tiles) != 6 {
		t.Fatalf("found %d home tiles, want 6: %v (%s)", len(tiles), tiles, path)
	}
	return tiles
}

// keypadKeys finds the twelve keys of the keypad (1–9, 清空, 0, 删除) as the
// sand boxes of one size laid out in a 3×4 grid, and returns them by label.
func keypadKeys(t *testing.T, img image.Image, path string) map[string]image.Rectangle {
	t.Helper()
	boxes := belowBand(img, blobs(img, near(colourSand), 64, 64))
	// The keys are the largest group of boxes of the same size.
	var keys []image.Rectangle
	for _, r := range boxes {
		var group []image.Rectangle
		for _, o := range boxes {
			if abs(o.Dx()-r.Dx()) <= 4 && abs(o.Dy()-r.Dy()) <= 4 {
				group = append(group, o)
			}
		}
		if len(group) > len(keys) {
			keys = group
		}
	}
	if len(keys) != 12 {
		t.Fatalf("found %d keypad keys, want 12: %v (%s)", len(keys), keys, path)
	}
	for i, r := range keys {
		row, col := keys[i/3*3], keys[i%3]
		if abs(r.Min.Y-row.Min.Y) > 4 || abs(r.Min.X-col.Min.X) > 4 {
			t.Fatalf("the keypad keys are not a 3×4 grid: %v (%s)", keys, path)
		}
	}
	labels := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "delete"}
	out := map[string]image.Rectangle{}
	for i, l := range labels {
		out[l] = keys[i]
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// dial taps the digits of phone on the keypad on screen, then 确定 (the red
// key under the grid, enabled by a valid number), keeping screenshots.
func dial(t *testing.T, d display, phone, name string) {
	t.Helper()
	img, path := screenshot(t, d, name+"-keypad")
	keys := keypadKeys(t, img, path)
	for _, digit := range phone {
		tapBox(t, d, keys[string(digit)])
	}
	img, path = screenshot(t, d, name+"-keypad-filled")
	var ok []image.Rectangle
	for _, r := range blobs(img, near(colourRed), keys["0"].Dx(), 40) {
		if r.Min.Y >= keys["0"].Max.Y {
			ok = append(ok, r)
		}
	}
	if len(ok) != 1 {
		t.Fatalf("no enabled 确定 key under the keypad (%s)", path)
	}
	tapBox(t, d, ok[0])
}

// waitColour waits until most of the screen is near want and keeps a
// screenshot named name; it returns how long that took.
func waitColour(t *testing.T, d display, want color.RGBA, name string) time.Duration {
	t.Helper()
	start := time.Now()
	var last float64
	for time.Since(start) < 10*time.Second {
		img := capture(t, d)
		if last = share(img, near(want)); last > 0.5 {
			screenshot(t, d, name)
			return time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, path := screenshot(t, d, name)
	t.Fatalf("the screen did not turn %v (%.2f of it is): %s", want, last, path)
	return 0
}

// waitChange waits until the screen differs from before.
func waitChange(t *testing.T, d display, before image.Image) image.Image {
	t.Helper()
	var img image.Image
	waitFor(t, 10*time.Second, "the next screen", func() bool {
		img = capture(t, d)
		return !sameImage(img, before)
	})
	time.Sleep(300 * time.Millisecond) // let it finish drawing
	return capture(t, d)
}

// sameImage reports whether a and b have the same pixels, sampled.
func sameImage(a, b image.Image) bool {
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 7 {
		for x := r.Min.X; x < r.Max.X; x += 7 {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}

// prepareDB loads the demo centre into a new database at path and makes
// sure that a session is open for check-in at the kiosk's site now, adding
// a one-off event when the demo's open day is over. It returns the sessions
// open there.
func prepareDB(t *testing.T, path string) []data.Session {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f, err := content.Parse(assets.DemoCentre, content.Options{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.LoadContent(ctx, f); err != nil {
		t.Fatal(err)
	}
	site, err := st.KioskSite(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	open := func() []data.Session {
		svc, err := checkin.New(ctx, st, checkin.Options{SiteID: site.ID})
		if err != nil {
			t.Fatal(err)
		}
		all, err := svc.OpenSessions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var here []data.Session
		for _, s := range all {
			if s.Event.SiteID == site.ID {
				here = append(here, s)
			}
		}
		return here
	}
	here := open()
	if len(here) == 0 {
		now := time.Now()
		err := st.PutEvent(ctx, data.Event{ID: "e2e-open", SiteID: site.ID, Title: "E2E open session",
			StartMS: now.Add(-time.Hour).UnixMilli(), EndMS: now.Add(2 * time.Hour).UnixMilli()})
		if err != nil {
			t.Fatal(err)
		}
		here = open()
	}
	return here
}

// checkIns returns the e2e visitor's records in the database at path.
func checkIns(t *testing.T, path string) []data.CheckIn {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := st.VisitorByPhone(ctx, e2ePhone)
	if err != nil {
		t.Fatalf("the registered visitor: %v", err)
	}
	recs, err := st.CheckIns(ctx, sqlite.CheckInFilter{VisitorID: v.ID, AcceptedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// scanCode types code as a keyboard-wedge scanner does: fast, then Return.
func scanCode(t *testing.T, d display, code string) {
	t.Helper()
	xdo(t, d, "type", "--delay", "5", code)
	xdo(t, d, "key", "Return")
}

func TestRegisterAndCheckInByScanning(t *testing.T) {
	for _, size := range [][2]int{{1920, 1080}, {1024, 600}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			name := func(s string) string { return fmt.Sprintf("checkin-%dx%d-%s", size[0], size[1], s) }
			d := startXvfb(t, size[0], size[1])
			db := filepath.Join(t.TempDir(), "kiosk.db")
			open := prepareDB(t, db)
			k := startKiosk(t, d, db)
			time.Sleep(time.Second)

			// Register: the tile, the phone number on the keypad, a community.
			img, path := screenshot(t, d, name("home"))
			tapBox(t, d, homeTiles(t, img, path)[1])
			dial(t, d, e2ePhone, name("register"))
			img = waitChange(t, d, img)
			img, path = screenshot(t, d, name("community"))
			stations := belowBand(img, blobs(img, near(colourWhite), size[0]/5, 40))
			if len(stations) == 0 {
				t.Fatalf("no community to choose (%s)", path)
			}
			tapBox(t, d, stations[0])

			// The pass: read its QR code off the screen.
			var code string
			waitFor(t, 10*time.Second, "a readable pass QR code", func() bool {
				_, path = screenshot(t, d, name("pass"))
				codes := zbar(t, path)
				if len(codes) == 1 {
					code = codes[0]
				}
				return code != ""
			})
			if _, err := pass.Parse(code); err != nil {
				t.Fatalf("the screen's QR code %q is no pass: %v", code, err)
			}

			// Scan it like a wedge scanner; pick the event if several are open.
			scanCode(t, d, code)
			if len(open) > 1 {
				img = waitChange(t, d, capture(t, d))
				img, path = screenshot(t, d, name("choose"))
				choices := belowBand(img, blobs(img, near(colourWhite), size[0]/3, 40))
				if len(choices) != len(open) {
					t.Fatalf("%d choices on screen for %d open sessions (%s)", len(choices), len(open), path)
				}
				tapBox(t, d, choices[0])
			}
			took := waitColour(t, d, colourGreen, name("success"))
			t.Logf("the success screen showed %v after the scan", took)

			// Killed right after the success screen, the kiosk keeps the row.
			k.stop()
			recs := checkIns(t, db)
			if len(recs) != 1 || recs[0].Direction != data.In || recs[0].Method != data.MethodQR {
				t.Fatalf("records after the scan and kill -9: %+v", recs)
			}
			startKiosk(t, d, db)
			time.Sleep(time.Second)
			if recs := checkIns(t, db); len(recs) != 1 {
				t.Fatalf("records after the restart: %+v", recs)
			}

			// A second scan within minutes: amber, no second row.
			scanCode(t, d, code)
			if len(open) > 1 {
				img = waitChange(t, d, capture(t, d))
				choices := belowBand(img, blobs(img, near(colourWhite), size[0]/3, 40))
				tapBox(t, d, choices[0])
			}
			waitColour(t, d, colourAmber, name("duplicate"))
			if recs := checkIns(t, db); len(recs) != 1 {
				t.Fatalf("a repeated scan stored a row: %+v", recs)
			}

			// A tampered code: red.
			c, err := pass.Parse(code)
			if err != nil {
				t.Fatal(err)
			}
			c.Signature[3] ^= 0x10
			scanCode(t, d, c.String())
			waitColour(t, d, colourError, name("tampered"))
			if recs := checkIns(t, db); len(recs) != 1 {
				t.Fatalf("records after a tampered scan: %+v", recs)
			}
		})
	}
}

func TestPhoneFallbackScreens(t *testing.T) {
	d := startXvfb(t, 1920, 1080)
	db := filepath.Join(t.TempDir(), "kiosk.db")
	open := prepareDB(t, db)
	startKiosk(t, d, db)
	time.Sleep(time.Second)
	name := func(s string) string { return "phone-1920x1080-" + s }

	// Register first.
	img, path := screenshot(t, d, name("home"))
	tapBox(t, d, homeTiles(t, img, path)[1])
	dial(t, d, e2ePhone, name("register"))
	img = waitChange(t, d, img)
	skip := belowBand(img, blobs(img, near(colourSand), 64, 64))
	if len(skip) != 1 {
		t.Fatalf("want one 跳过 button under the title band, found %v", skip)
	}
	tapBox(t, d, skip[0])
	waitFor(t, 10*time.Second, "the pass", func() bool {
		_, path = screenshot(t, d, name("pass"))
		return len(zbar(t, path)) == 1
	})

	// Home, 签到 / 签退, 忘带签到码？用手机号签到, the number, 确定.
	img = capture(t, d)
	onBand := blobs(img, near(colourSand), 64, 64)
	if len(onBand) == 0 || onBand[0].Min.Y > img.Bounds().Dy()/10 {
		t.Fatal("no 返回首页 button on the title band")
	}
	tapBox(t, d, onBand[0])
	img = waitChange(t, d, img)
	img, path = screenshot(t, d, name("home-again"))
	tapBox(t, d, homeTiles(t, img, path)[0])
	img = waitChange(t, d, img)
	img, path = screenshot(t, d, name("attend"))
	var phone image.Rectangle
	for _, r := range belowBand(img, blobs(img, near(colourRed), img.Bounds().Dx()/4, 40)) {
		if r.Dx() > phone.Dx() {
			phone = r
		}
	}
	if phone.Empty() {
		t.Fatalf("no phone button on the check-in screen (%s)", path)
	}
	tapBox(t, d, phone)
	waitChange(t, d, img)
	dial(t, d, e2ePhone, name("phone"))
	if len(open) > 1 {
		img = waitChange(t, d, capture(t, d))
		choices := belowBand(img, blobs(img, near(colourWhite), img.Bounds().Dx()/3, 40))
		tapBox(t, d, choices[0])
	}
	waitColour(t, d, colourGreen, name("success"))
	if recs := checkIns(t, db); len(recs) != 1 || recs[0].Method != data.MethodPhone {
		t.Fatalf("records after the phone check-in: %+v", recs)
	}
}

func TestChooseEventScreen(t *testing.T) {
	d := startXvfb(t, 1024, 600)
	db := filepath.Join(t.TempDir(), "kiosk.db")
	prepareDB(t, db)

	// A second session open at the kiosk's site, and a registered visitor.
	ctx := context.Background()
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	site, err := st.KioskSite(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := st.PutEvent(ctx, data.Event{ID: "e2e-second", SiteID: site.ID, Title: "E2E second session",
		StartMS: now.Add(-time.Hour).UnixMilli(), EndMS: now.Add(time.Hour).UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	svc, err := checkin.New(ctx, st, checkin.Options{SiteID: site.ID})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := svc.Register(ctx, e2ePhone, "", "")
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	startKiosk(t, d, db)
	time.Sleep(time.Second)
	before := capture(t, d)
	scanCode(t, d, reg.Code)
	img := waitChange(t, d, before)
	img, path := screenshot(t, d, "choose-1024x600")
	choices := belowBand(img, blobs(img, near(colourWhite), 300, 40))
	if len(choices) < 2 {
		t.Fatalf("%d choices on screen (%s)", len(choices), path)
	}
	if recs := checkIns(t, db); len(recs) != 0 {
		t.Fatalf("a row was stored before the choice: %+v", recs)
	}
	tapBox(t, d, choices[0])
	waitColour(t, d, colourGreen, "choose-1024x600-success")
	if recs := checkIns(t, db); len(recs) != 1 {
		t.Fatalf("records after the choice: %+v", recs)
	}
}
