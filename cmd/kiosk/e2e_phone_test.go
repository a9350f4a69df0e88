//go:build e2e

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
	"github.com/civickiosk/kiosk/data/token"
)

// phoneDir holds the browser script and its npm packages (scripts/deps test
// installs them).
const phoneDir = "testdata/phone"

// browserResult is what phone.mjs prints.
type browserResult struct {
	Status    int      `json:"status"`
	Reason    string   `json:"reason"`
	Title     string   `json:"title"`
	Text      string   `json:"text"`
	Pass      string   `json:"pass"`
	PassShown bool     `json:"passShown"`
	Shots     []string `json:"shots"`
}

// browser runs phone.mjs with args.
func browser(t *testing.T, args ...string) browserResult {
	t.Helper()
	cmd := exec.Command("node", append([]string{"phone.mjs"}, args...)...)
	cmd.Dir = phoneDir
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node phone.mjs %s: %v\n%s\n%s", strings.Join(args, " "), err, out, stderr)
	}
	var r browserResult
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &r); err != nil {
		t.Fatalf("phone.mjs printed %q: %v", out, err)
	}
	return r
}

// needBrowser fails unless Node, playwright-core and Chromium are installed.
func needBrowser(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"node", "/usr/bin/chromium"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (scripts/deps test installs it): %v", tool, err)
		}
	}
	if _, err := os.Stat(filepath.Join(phoneDir, "node_modules", "playwright-core")); err != nil {
		t.Fatalf("playwright-core is not installed in %s (scripts/deps test runs npm ci there): %v", phoneDir, err)
	}
}

// TestPhoneSignInFromTheEventCode: a hub on 127.0.0.1 and a kiosk enrolled
// at it; the kiosk shows an open event's sign-in code, a phone browser opens
// it and signs in, and after a sync the kiosk's roster and export hold the
// check-in. Expired and tampered codes get the page that says to scan again.
func TestPhoneSignInFromTheEventCode(t *testing.T) {
	needBrowser(t)
	ctx := context.Background()
	dir := t.TempDir()
	shots := artefacts(t)
	now := time.Now()

	// The hub: a centre, a station and an event open now.
	hub, err := hubsync.OpenSQLiteHub(filepath.Join(dir, "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer hub.Close()
	ev := data.Event{ID: "e2e-phone", SiteID: "e2e-station", Title: "手机签到测试讲座", Place: "二楼报告厅",
		StartMS: now.Add(-time.Hour).UnixMilli(), EndMS: now.Add(3 * time.Hour).UnixMilli()}
	f := &content.File{Zone: "Asia/Shanghai", Centre: data.Centre{Name: "测试区新时代文明实践中心"},
		Sites: []data.Site{{ID: "e2e-centre", Level: data.LevelCentre, Name: "测试区中心"},
			{ID: "e2e-station", ParentID: "e2e-centre", Level: data.LevelStation, Name: "和平社区站"}},
		Events: []data.Event{ev}}
	if _, err := hubsync.ImportContent(ctx, hub, f, false, now.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: hubsync.NewHandler(hub, hubsync.HubOptions{})}
	go srv.Serve(ln)
	defer srv.Close()
	hubURL := "http://" + ln.Addr().String()

	// The kiosk: enrolled at the station, content from the hub.
	db := filepath.Join(dir, "kiosk.db")
	func() {
		st, err := sqlite.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		code, _, err := hubsync.NewEnrolCode(ctx, hub, "e2e-station", 0, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hubsync.Enrol(ctx, st, hubURL, code, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := hubsync.NewClient(st, hubsync.ClientOptions{}).Round(ctx); err != nil {
			t.Fatal(err)
		}
	}()
	d := startXvfb(t, 1920, 1080)
	startKiosk(t, d, db)
	time.Sleep(time.Second)

	// 签到 → the open session → its page, with the sign-in code.
	img, path := screenshot(t, d, "phone-kiosk-home")
	tapBox(t, d, homeTiles(t, img, path)[0])
	img = waitChange(t, d, img)
	img, path = screenshot(t, d, "phone-kiosk-attend")
	var cards []string
	sessions := belowBand(img, blobs(img, near(colourWhite), d.w/4, 40))
	for _, r := range sessions {
		cards = append(cards, r.String())
		if r.Min.X > d.w*2/5 {
			tapBox(t, d, r)
			break
		}
	}
	var url string
	waitFor(t, 15*time.Second, "the event's sign-in QR code "+strings.Join(cards, " "), func() bool {
		_, path = screenshot(t, d, "phone-kiosk-event")
		for _, c := range zbar(t, path) {
			if strings.HasPrefix(c, strings.ToUpper(hubURL)+token.PathPrefix) {
				url = c
			}
		}
		return url != ""
	})
	t.Logf("the kiosk's code: %s", url)

	// The phone signs in.
	res := browser(t, "signin", url, "13900139000", "王大爷", filepath.Join(shots, "phone-signin"))
	if res.Status != 200 || res.Reason != "checked_in" || !strings.Contains(res.Text, "签到成功") ||
		!strings.Contains(res.Text, "手机签到测试讲座") || !res.PassShown || res.Pass == "" {
		t.Fatalf("sign-in: %+v", res)
	}
	recs, err := hubsync.CheckIns(ctx, hub, hubsync.Filter{})
	if err != nil || len(recs) != 1 || recs[0].Method != "phone" || recs[0].EventID != ev.ID {
		t.Fatalf("hub records: %+v %v", recs, err)
	}
	rec := recs[0]

	// Expired and tampered codes in the browser.
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	ses := ev.Sessions(now.UnixMilli(), now.UnixMilli()+1, time.UTC)[0]
	old, err := st.EventCode(ctx, ev.ID, ses.StartMS, now.Add(-3*time.Minute))
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	exp := browser(t, "open", old.URL, filepath.Join(shots, "phone-expired.png"))
	if exp.Status != http.StatusGone || exp.Reason != hubsync.PhoneExpired || !strings.Contains(exp.Text, "请扫描现场屏幕上的最新二维码") {
		t.Fatalf("expired code: %+v", exp)
	}
	b := []byte(url)
	i := len(b) - 10
	b[i] = map[bool]byte{true: '7', false: '8'}[b[i] != '7']
	bad := browser(t, "open", string(b), filepath.Join(shots, "phone-tampered.png"))
	if bad.Status != http.StatusBadRequest || bad.Reason != hubsync.PhoneInvalid || !strings.Contains(bad.Text, "请扫描现场屏幕上的最新二维码") {
		t.Fatalf("tampered code: %+v", bad)
	}

	// A sync brings the check-in to the kiosk: its roster and its export.
	ctl := kioskctl(t)
	t.Logf("kioskctl sync: %s", runTool(t, ctl, "sync", "--db", db))
	st, err = sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	roster, err := st.Roster(ctx, ev.ID, ses.StartMS)
	st.Close()
	if err != nil || len(roster.Entries) != 1 || roster.Entries[0].InMethod != data.MethodPhone || !roster.Entries[0].Inside {
		t.Fatalf("the kiosk's roster: %+v %v", roster, err)
	}
	csv := filepath.Join(shots, "phone-kiosk-export.csv")
	runTool(t, ctl, "export", "--db", db, "--format", "csv", "--out", csv)
	b, err = os.ReadFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), rec.ID) || !strings.Contains(string(b), "手机签到测试讲座") {
		t.Fatalf("the kiosk's export lacks record %s:\n%s", rec.ID, b)
	}
	fmt.Fprintf(os.Stderr, "phone pages: %s\n", strings.Join(append(res.Shots, exp.Shots...), " "))
}
