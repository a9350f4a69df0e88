package sync_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// TestSyncer: the loop reports offline with the backlog while the hub is
// unreachable, never blocks scans, and drains once the hub answers again.
func TestSyncer(t *testing.T) {
	b := backends(t)[0] // the loop does not depend on the hub's store
	h := startHub(t, b.open(t))
	importCentre(t, h.store(), centre(time.Now()), false)
	p := newProxy(t, h)
	k := newKiosk(t, h, "st-a", p.URL(), hubsync.ClientOptions{})
	e, _, _ := k.st.HubEnrolment(ctx)
	e.HubURL = p.URL()
	if err := k.st.SetHubEnrolment(ctx, e); err != nil {
		t.Fatal(err)
	}
	p.set(faultBad)
	s := hubsync.NewSyncer(k.st, hubsync.ClientOptions{BatchSize: 5, HTTP: &http.Client{Timeout: 2 * time.Second}},
		hubsync.LoopOptions{Interval: 50 * time.Millisecond, MinBackoff: 10 * time.Millisecond,
			MaxBackoff: 40 * time.Millisecond, PendingEvery: 10 * time.Millisecond})
	c, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { s.Run(c); close(done) }()
	defer func() { cancel(); <-done }()

	for i := range 12 {
		start := time.Now()
		k.scan(t, k.register(t, phone(200+i)), "ev-a")
		if d := time.Since(start); d > time.Second {
			t.Fatalf("a scan took %v while the hub was down", d)
		}
	}
	waitFor(t, "offline with 12 pending", func() bool {
		st := s.Status()
		return st.Enrolled && !st.Online && st.Pending == 12 && st.LastError != ""
	})
	p.set(faultNone)
	s.SyncNow()
	waitFor(t, "online with nothing pending", func() bool {
		st := s.Status()
		return st.Online && st.Pending == 0 && st.LastSyncMS != 0 && st.LastError == ""
	})
	checkUnion(t, h.store(), k)
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
