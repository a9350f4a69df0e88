//go:build e2e

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// startHub runs `hub serve` on a free loopback port with the SQLite
// database db until the test ends, and returns its address.
func startHub(t *testing.T, db string) string {
	t.Helper()
	cmd := exec.Command(tool(t, "hub"), "serve", "--listen", "127.0.0.1:0", "--db", db)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if t.Failed() {
			t.Logf("hub output:\n%s", stderr.String())
		}
	})
	// It says "hub listening on http://127.0.0.1:PORT" once it listens.
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case line := <-got:
		addr, ok := strings.CutPrefix(line, "hub listening on ")
		if !ok {
			t.Fatalf("hub serve printed %q\n%s", line, stderr.String())
		}
		return addr
	case <-time.After(30 * time.Second):
		t.Fatalf("hub serve did not start listening\n%s", stderr.String())
	}
	return ""
}

// inBody returns the share of the pixels under the title band of img that
// match want: how much text of that colour the screen shows.
func inBody(img image.Image, want color.RGBA) float64 {
	b := img.Bounds()
	b.Min.Y = bandBottom(img)
	return share(img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(b), near(want))
}

// redButtons returns the red buttons under the title band of img.
func redButtons(img image.Image) []image.Rectangle {
	return belowBand(img, blobs(img, near(colourRed), 120, 40))
}

// TestE2EKioskJoinsTheHubAndSyncs: a hub with the demo centre; its
// enrolment invite, as `hub enrol --qr` prints it, is read off the PNG with
// zbarimg and typed by the wedge scanner into staff mode's 同步 → 加入中心平台
// of a kiosk that was never enrolled. A tampered invite is refused and
// enrols nothing; the real one shows its target, and 确认加入 enrols the
// kiosk at the site, which `hub devices` then lists. A honour-wall entry
// hidden in staff mode and a pass scanned at the kiosk afterwards reach the
// hub (its feed, its export) by the kiosk's background sync.
func TestE2EKioskJoinsTheHubAndSyncs(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	shots := artefacts(t)
	name := func(s string) string { return "enrol-1024x600-" + s }

	// The kiosk's database: the demo centre, a staff PIN and a visitor's
	// pass; no hub.
	db := filepath.Join(dir, "kiosk.db")
	open := prepareDB(t, db)
	site := open[0].Event.SiteID
	ctl(t, "set-pin", "--db", db, "--staff", "王老师", "--pin", "2468")
	pass := ctl(t, "register", "--db", db, "--phone", e2ePhone)

	// The hub: the demo centre published, an invite for the kiosk's site.
	hub := tool(t, "hub")
	hubDB := filepath.Join(dir, "hub.db")
	t.Logf("%s", runTool(t, hub, "import", "--db", hubDB, "../../assets/centre.yaml"))
	hubURL := startHub(t, hubDB)
	qr := filepath.Join(shots, name("invite-qr.png"))
	runTool(t, hub, "enrol", "--db", hubDB, "--site", site, "--url", hubURL, "--qr", qr)
	codes := zbar(t, qr)
	if len(codes) != 1 || !strings.HasPrefix(codes[0], "civickiosk-enrol:") {
		t.Fatalf("the invite's QR code %s reads %q", qr, codes)
	}
	invite := codes[0]
	t.Logf("the invite: %s", invite)
	devices := func() string { return runTool(t, hub, "devices", "--db", hubDB) }

	// Staff mode: hold the logo, then the PIN.
	d := startXvfb(t, 1024, 600)
	startKiosk(t, d, db)
	time.Sleep(time.Second)
	img, path := screenshot(t, d, name("home"))
	homeTiles(t, img, path)
	band := bandBottom(img)
	xdo(t, d, "mousemove", fmt.Sprint(band/2), fmt.Sprint(band/2), "mousedown", "1", "sleep", "2.5", "mouseup", "1")
	waitChange(t, d, img)
	dial(t, d, "2468", name("pin"))

	// 同步, the eighth of staff mode's tiles, then 加入中心平台, the button
	// under the enrolment's card at the right.
	var tiles []image.Rectangle
	waitFor(t, 10*time.Second, "staff mode's nine tiles", func() bool {
		img, path = screenshot(t, d, name("staff"))
		tiles = belowBand(img, blobs(img, near(colourRed), d.w/8, d.h/8))
		return len(tiles) == 9
	})
	tapBox(t, d, tiles[7])
	var join []image.Rectangle
	waitFor(t, 10*time.Second, "one 加入中心平台 button at the right of the sync screen", func() bool {
		img, path = screenshot(t, d, name("sync"))
		join = nil
		for _, r := range belowBand(img, blobs(img, near(colourSand), 120, 40)) {
			if r.Min.X > d.w/2 {
				join = append(join, r)
			}
		}
		return len(join) == 1
	})
	tapBox(t, d, join[0])
	img = waitChange(t, d, img)
	img, path = screenshot(t, d, name("scan"))
	if b := redButtons(img); len(b) != 0 {
		t.Fatalf("a red button %v before any invite was scanned (%s)", b, path)
	}

	// A tampered invite: one character of the code changed.
	at := strings.Index(invite, "code=") + len("code=") + 3
	tampered := invite[:at] + map[bool]string{true: "7", false: "8"}[invite[at] != '7'] + invite[at+1:]
	scanCode(t, d, tampered)
	var red float64
	waitFor(t, 10*time.Second, "the tampered invite's error in red", func() bool {
		img, path = screenshot(t, d, name("tampered"))
		red = inBody(img, colourError)
		return red > 0.001
	})
	t.Logf("red text under the band after the tampered invite: %.4f", red)
	if b := redButtons(img); len(b) != 0 {
		t.Fatalf("确认加入 %v is offered for a tampered invite (%s)", b, path)
	}
	if out := devices(); strings.Contains(out, site) {
		t.Fatalf("the hub has a device after the tampered invite:\n%s", out)
	}

	// The real invite: its hub and site, and 确认加入.
	scanCode(t, d, invite)
	var confirm []image.Rectangle
	waitFor(t, 10*time.Second, "确认加入 under the invite's hub and site", func() bool {
		img, path = screenshot(t, d, name("invite"))
		confirm = redButtons(img)
		return len(confirm) == 1 && inBody(img, colourError) < 0.0001
	})
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	dev, err := st.DeviceID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok, err := st.HubEnrolment(ctx); ok || err != nil {
		t.Fatalf("the kiosk is enrolled before 确认加入: %+v %v", e, err)
	}
	st.Close()
	tapBox(t, d, confirm[0])
	waitFor(t, 30*time.Second, "本机已加入中心平台 in green", func() bool {
		img, path = screenshot(t, d, name("joined"))
		return inBody(img, colourGreen) > 0.001 && len(redButtons(img)) == 0
	})

	// The kiosk and the hub agree on the enrolment.
	st, err = sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	e, ok, err := st.HubEnrolment(ctx)
	st.Close()
	if err != nil || !ok || e.HubURL != hubURL || e.SiteID != site {
		t.Fatalf("the kiosk's enrolment: %+v %v %v, want %s at %s", e, ok, err, site, hubURL)
	}
	listed := false
	for _, l := range strings.Split(devices(), "\n") {
		f := strings.Fields(l)
		listed = listed || len(f) >= 3 && f[0] == dev && f[1] == site && f[2] == "active"
	}
	if !listed {
		t.Fatalf("hub devices does not list kiosk %s at %s:\n%s", dev, site, devices())
	}

	// Back to staff mode's tiles (返回 twice, the first button on the
	// band), 荣誉墙, the fifth: 隐藏 the first entry, the last button on
	// the row of the red 新增.
	onBand := func(img image.Image) []image.Rectangle {
		var out []image.Rectangle
		for _, r := range blobs(img, near(colourSand), 64, 40) {
			if r.Max.Y <= bandBottom(img) {
				out = append(out, r)
			}
		}
		return out
	}
	for range 2 {
		b := onBand(img)
		if len(b) != 2 {
			t.Fatalf("want 返回 and 退出 on the band, found %v (%s)", b, path)
		}
		tapBox(t, d, b[0])
		img = waitChange(t, d, img)
	}
	waitFor(t, 10*time.Second, "staff mode's nine tiles again", func() bool {
		img, path = screenshot(t, d, name("staff-again"))
		tiles = belowBand(img, blobs(img, near(colourRed), d.w/8, d.h/8))
		return len(tiles) == 9
	})
	honour := func() []data.HonourEntry {
		st, err := sqlite.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		all, err := st.AllHonourEntries(ctx)
		if err != nil || len(all) == 0 {
			t.Fatalf("the kiosk's honour wall: %v %v", all, err)
		}
		return all
	}
	entry := honour()[0]
	if entry.Hidden {
		t.Fatalf("the demo's first honour-wall entry is hidden: %+v", entry)
	}
	tapBox(t, d, tiles[4])
	var hide image.Rectangle
	waitFor(t, 10*time.Second, "the honour wall's 隐藏 button", func() bool {
		img, path = screenshot(t, d, name("honour"))
		add := redButtons(img)
		if len(add) != 1 {
			return false
		}
		for _, r := range belowBand(img, blobs(img, near(colourSand), add[0].Dx()/2, add[0].Dy()-4)) {
			if abs(r.Min.Y-add[0].Min.Y) <= 4 && r.Min.X > max(hide.Min.X, add[0].Min.X) {
				hide = r
			}
		}
		return !hide.Empty()
	})
	tapBox(t, d, hide)
	waitFor(t, 10*time.Second, "the entry hidden in the kiosk's database", func() bool {
		for _, e := range honour() {
			if e.ID == entry.ID {
				return e.Hidden
			}
		}
		return false
	})
	img, path = screenshot(t, d, name("honour-hidden"))

	// Out of staff mode (退出, the last button on the band), a pass is
	// scanned at the kiosk.
	if b := onBand(img); len(b) != 2 {
		t.Fatalf("want 返回 and 退出 on the band, found %v (%s)", b, path)
	} else {
		tapBox(t, d, b[1])
	}
	img = waitChange(t, d, img)
	img, path = screenshot(t, d, name("home-again"))
	homeTiles(t, img, path)
	scanCode(t, d, pass)
	if img = waitChange(t, d, img); share(img, near(colourGreen)) < 0.5 {
		// Several sessions are open: the first.
		choices := belowBand(img, blobs(img, near(colourWhite), d.w/3, 40))
		if len(choices) < 2 {
			_, path = screenshot(t, d, name("after-scan"))
			t.Fatalf("neither a green screen nor a choice of sessions after the scan (%s)", path)
		}
		tapBox(t, d, choices[0])
	}
	waitColour(t, d, colourGreen, name("checked-in"))
	recs := checkIns(t, db)
	if len(recs) != 1 {
		t.Fatalf("the kiosk's records after the scan: %+v", recs)
	}

	// The sync loop takes it to the hub within its minute.
	csv := filepath.Join(shots, name("hub-export.csv"))
	start := time.Now()
	waitFor(t, 3*time.Minute, "the check-in in the hub's export", func() bool {
		runTool(t, hub, "export", "--db", hubDB, "--out", csv)
		b, err := os.ReadFile(csv)
		return err == nil && bytes.Contains(b, []byte(recs[0].ID))
	})
	t.Logf("the hub had the check-in %v after the scan", time.Since(start).Round(time.Second))
	b, err := os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, recs[0].ID) && !strings.Contains(l, dev) {
			t.Errorf("the hub's row of the check-in does not name kiosk %s: %s", dev, l)
		}
	}

	// The entry hidden in staff mode is hidden on the hub's feed.
	feed, err := hubsync.OpenSQLiteHub(hubDB)
	if err != nil {
		t.Fatal(err)
	}
	defer feed.Close()
	waitFor(t, 30*time.Second, "the hidden entry on the hub's feed", func() bool {
		c, err := feed.ContentItem(ctx, hubsync.KindHonour, entry.ID)
		var h data.HonourEntry
		return err == nil && json.Unmarshal(c.Data, &h) == nil && h.Hidden
	})
}
