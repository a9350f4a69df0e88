package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// TestEnrolAndSync: a kiosk enrols at a hub on 127.0.0.1 with kioskctl
// enrol, and kioskctl sync pulls the content and pushes its records and
// events, listing the ones the hub rejected.
func TestEnrolAndSync(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	hub := testHub(t, dir)
	srv := httptest.NewServer(hubsync.NewHandler(hub, hubsync.HubOptions{}))
	defer srv.Close()
	code, _, err := hubsync.NewEnrolCode(ctx, hub, "st-a", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	db := filepath.Join(dir, "kiosk.db")
	if exit, _, errOut := ctl(t, "enrol", "--db", db, "--hub", srv.URL, "--code", "0000-0000-0000-0000"); exit != 1 ||
		!strings.Contains(errOut, "refused the code") {
		t.Fatalf("enrol with a wrong code: exit %d %q", exit, errOut)
	}
	if exit, _, errOut := ctl(t, "sync", "--db", db); exit != 1 || !strings.Contains(errOut, "not enrolled") {
		t.Fatalf("sync before enrolling: exit %d %q", exit, errOut)
	}
	out := mustCtl(t, "enrol", "--db", db, "--hub", srv.URL, "--code", strings.ToLower(code))
	if !strings.Contains(out, "for site st-a") {
		t.Fatalf("enrol printed %q", out)
	}
	out = mustCtl(t, "sync", "--db", db)
	if !regexp.MustCompile(`down: [1-9]\d* changes`).MatchString(out) {
		t.Fatalf("first sync printed %q", out)
	}

	// A refused scan goes up; a record the hub finds malformed is listed.
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	dev, _ := st.DeviceID(ctx)
	now := time.Now().UnixMilli()
	good := data.CheckIn{ID: "01900000-0000-7000-8000-0000000000a1", Direction: data.In, Method: data.MethodQR,
		DeviceID: dev, WallMS: now, RunID: "r", Outcome: data.Refused, Reason: data.ReasonUnreadable}
	bad := good
	bad.ID, bad.Outcome, bad.Reason = "01900000-0000-7000-8000-0000000000a2", data.Accepted, "" // no event
	for _, c := range []data.CheckIn{good, bad} {
		if err := st.AppendCheckIn(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	// An event added here goes up; one for the centre, above the kiosk's
	// station, is refused here, as the hub would refuse it.
	ours := strings.TrimSpace(mustCtl(t, "event", "add", "--db", db, "--title", "甲站讲座",
		"--start", "2026-12-01T09:00:00+08:00", "--end", "2026-12-01T10:00:00+08:00"))
	if exit, theirs, errOut := ctl(t, "event", "add", "--db", db, "--site", "centre", "--title", "中心讲座",
		"--start", "2026-12-01T09:00:00+08:00", "--end", "2026-12-01T10:00:00+08:00"); exit != 1 || theirs != "" ||
		!strings.Contains(errOut, "another site cannot be edited on this kiosk: it belongs to site centre, this kiosk is enrolled for site st-a") {
		t.Fatalf("event add for the centre on a station's kiosk: exit %d, %q, %q", exit, theirs, errOut)
	}
	out = mustCtl(t, "sync", "--db", db)
	if !strings.Contains(out, "up: 1 stored, 0 already stored, 1 rejected, 0 revocations, content edits 1 sent, 1 stored, 0 rejected;") ||
		!strings.Contains(out, "rejected "+bad.ID+": invalid") || !strings.Contains(out, "0 waiting") {
		t.Fatalf("sync printed %q", out)
	}
	if _, err := hub.ContentItem(ctx, hubsync.KindEvent, ours); err != nil {
		t.Fatalf("the kiosk's event is not on the hub: %v", err)
	}
	recs, err := hubsync.CheckIns(ctx, hub, hubsync.Filter{})
	if err != nil || len(recs) != 1 || recs[0].ID != good.ID || recs[0].SiteID != "st-a" {
		t.Fatalf("hub holds %+v (%v)", recs, err)
	}

	// An edit of the centre's content made while the kiosk was not
	// enrolled is rejected by the hub; it is listed as kept at that round
	// and at every round after, and the rounds exit 0.
	setToken := func(token string) {
		t.Helper()
		st, err := sqlite.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if err := st.SetSetting(ctx, sqlite.SettingHubToken, token); err != nil {
			t.Fatal(err)
		}
	}
	st, err = sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	enrolment, _, err := st.HubEnrolment(ctx)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	setToken("")
	theirs := strings.TrimSpace(mustCtl(t, "event", "add", "--db", db, "--site", "centre", "--title", "中心讲座",
		"--start", "2026-12-01T09:00:00+08:00", "--end", "2026-12-01T10:00:00+08:00"))
	setToken(enrolment.Token)
	kept := "1 edits kept on this kiosk, refused by the hub:\n  event " + theirs + ": forbidden"
	out = mustCtl(t, "sync", "--db", db)
	if !strings.Contains(out, "content edits 1 sent, 0 stored, 1 rejected;") || !strings.Contains(out, kept) {
		t.Fatalf("sync with an edit the hub refuses printed %q", out)
	}
	out = mustCtl(t, "sync", "--db", db)
	if !strings.Contains(out, "content edits 0 sent, 0 stored, 0 rejected;") || !strings.Contains(out, kept) {
		t.Fatalf("the next sync printed %q", out)
	}
}

// TestSyncSummaryOfAFailedRound: when the hub goes away mid-push or the
// device is revoked, sync says what moved and what still waits (from the
// store), what to do, and exits non-zero.
func TestSyncSummaryOfAFailedRound(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	hub := testHub(t, dir)
	var pushes atomic.Int32
	h := hubsync.NewHandler(hub, hubsync.HubOptions{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == hubsync.PathPush && pushes.Add(1) > 1 {
			// The hub dies mid-push: the connection drops unanswered.
			c, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				c.Close()
			}
			return
		}
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	code, _, err := hubsync.NewEnrolCode(ctx, hub, "st-a", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "kiosk.db")
	mustCtl(t, "enrol", "--db", db, "--hub", srv.URL, "--code", code)
	first := mustCtl(t, "sync", "--db", db)
	m := regexp.MustCompile(`\(cursor (\d+)\)`).FindStringSubmatch(first)
	if m == nil || m[1] == "0" {
		t.Fatalf("first sync printed %q", first)
	}
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	dev, _ := st.DeviceID(ctx)
	now := time.Now().UnixMilli()
	for i := range 600 {
		err := st.AppendCheckIn(ctx, data.CheckIn{ID: fmt.Sprintf("01900000-0000-7000-8000-%012d", i), Direction: data.In,
			Method: data.MethodQR, DeviceID: dev, WallMS: now, RunID: "r", Outcome: data.Refused, Reason: data.ReasonUnreadable})
		if err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	pushes.Store(0)
	exit, out, errOut := ctl(t, "sync", "--db", db)
	if exit != 1 || !strings.Contains(out, "up: 500 stored") || !strings.Contains(out, "(cursor "+m[1]+"); 100 waiting") ||
		!strings.Contains(errOut, "the hub cannot be reached: check the network") {
		t.Fatalf("sync with the hub gone mid-push: exit %d\n%s%s", exit, out, errOut)
	}

	if err := hub.RevokeDevice(ctx, dev, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	pushes.Store(-100) // the hub is back
	exit, out, errOut = ctl(t, "sync", "--db", db)
	if exit != 1 || !strings.Contains(out, "up: 0 stored") || !strings.Contains(out, "(cursor "+m[1]+"); 100 waiting") ||
		!strings.Contains(errOut, "revoked or is unknown") || !strings.Contains(errOut, "enrol it again") {
		t.Fatalf("sync of a revoked device: exit %d\n%s%s", exit, out, errOut)
	}
}

// TestEnrolOfACopyIsRefused: a copy of an enrolled kiosk's database cannot
// enrol (it would take the original's place at the hub); enrol says why and
// what to do.
func TestEnrolOfACopyIsRefused(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	hub := testHub(t, dir)
	srv := httptest.NewServer(hubsync.NewHandler(hub, hubsync.HubOptions{}))
	defer srv.Close()
	db := filepath.Join(dir, "kiosk.db")
	for i, path := range []string{db, filepath.Join(dir, "copy.db")} {
		code, _, err := hubsync.NewEnrolCode(ctx, hub, "centre", 0, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			mustCtl(t, "enrol", "--db", path, "--hub", srv.URL, "--code", code)
			st, err := sqlite.Open(db)
			if err != nil {
				t.Fatal(err)
			}
			err = st.Backup(ctx, filepath.Join(dir, "copy.db"))
			st.Close()
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		exit, _, errOut := ctl(t, "enrol", "--db", path, "--hub", srv.URL, "--code", code)
		if exit != 1 || !strings.Contains(errOut, "is a copy of an enrolled kiosk's database") || !strings.Contains(errOut, "hub revoke --device") {
			t.Fatalf("enrol of a copy: exit %d %q", exit, errOut)
		}
	}
	mustCtl(t, "sync", "--db", db) // the original still syncs
}

// testHub opens a hub on SQLite in dir with a centre (centre) and a station
// under it (st-a); it is closed when the test ends.
func testHub(t *testing.T, dir string) hubsync.Store {
	t.Helper()
	hub, err := hubsync.OpenSQLiteHub(filepath.Join(dir, "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	f, err := content.Parse([]byte("sites:\n  - {id: centre, level: centre, name: 区中心}\n"+
		"  - {id: st-a, level: station, parent: centre, name: 甲社区站}\n"), content.Options{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hubsync.ImportContent(context.Background(), hub, f, false, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	return hub
}
