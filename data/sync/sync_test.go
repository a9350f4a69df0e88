package sync_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

var ctx = context.Background()

// backend opens hub stores of one kind. open returns a function that opens a
// new handle on one fresh database each time it is called (a hub restart).
type backend struct {
	name string
	open func(t *testing.T) func() hubsync.Store
}

// backends are the hub stores every suite test runs against: SQLite always,
// PostgreSQL when a server could be found or started (see pgBackend).
func backends(t *testing.T) []backend {
	bs := []backend{{"sqlite", func(t *testing.T) func() hubsync.Store {
		path := filepath.Join(t.TempDir(), "hub.db")
		return func() hubsync.Store {
			st, err := hubsync.OpenSQLiteHub(path)
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
	}}}
	if b, ok := pgBackend(t); ok {
		bs = append(bs, b)
	}
	return bs
}

// eachBackend runs test as a subtest per backend.
func eachBackend(t *testing.T, test func(t *testing.T, open func() hubsync.Store)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) { test(t, b.open(t)) })
	}
}

// testHub is a hub on 127.0.0.1 that can be restarted on the same database.
type testHub struct {
	t    *testing.T
	open func() hubsync.Store
	mu   sync.Mutex
	st   hubsync.Store
	srv  *http.Server
	url  string
}

func startHub(t *testing.T, open func() hubsync.Store) *testHub {
	h := &testHub{t: t, open: open}
	h.start()
	t.Cleanup(h.stop)
	return h
}

func (h *testHub) start() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.st = h.open()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		h.t.Fatal(err)
	}
	h.srv = &http.Server{Handler: hubsync.NewHandler(h.st, hubsync.HubOptions{})}
	h.url = "http://" + ln.Addr().String()
	go h.srv.Serve(ln)
}

func (h *testHub) stop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.srv == nil {
		return
	}
	h.srv.Close() // drops connections, in-flight requests included
	h.st.Close()  // waits for running queries
	h.srv, h.st = nil, nil
}

// restart stops the hub, with whatever requests are in flight, and starts it
// again on the same database at a new address.
func (h *testHub) restart() {
	h.stop()
	h.start()
}

func (h *testHub) URL() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.url
}

func (h *testHub) store() hubsync.Store {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.st
}

// centre is the hub's content: two stations under a centre and an event at
// each station open now (and for the next hours), plus one at the centre.
func centre(now time.Time) *content.File {
	start := now.Add(-time.Hour).UnixMilli()
	end := now.Add(6 * time.Hour).UnixMilli()
	return &content.File{
		Zone:   "Asia/Shanghai",
		Centre: data.Centre{Name: "测试区新时代文明实践中心"},
		Sites: []data.Site{
			{ID: "st-a", ParentID: "centre", Level: data.LevelStation, Name: "甲社区站"},
			{ID: "centre", Level: data.LevelCentre, Name: "区中心"},
			{ID: "st-b", ParentID: "centre", Level: data.LevelStation, Name: "乙社区站"},
		},
		Events: []data.Event{
			{ID: "ev-a", SiteID: "st-a", Title: "甲站活动", StartMS: start, EndMS: end},
			{ID: "ev-b", SiteID: "st-b", Title: "乙站活动", StartMS: start, EndMS: end},
			{ID: "ev-c", SiteID: "centre", Title: "中心讲座", StartMS: start, EndMS: end},
		},
		Teams: []data.Team{{ID: "tm-1", SiteID: "centre", Name: "理论宣讲队", Kind: data.TeamParty}},
	}
}

func importCentre(t *testing.T, st hubsync.Store, f *content.File, replace bool) {
	t.Helper()
	if _, err := hubsync.ImportContent(ctx, st, f, replace, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
}

// kiosk is a kiosk's store and check-in service.
type kiosk struct {
	st  *sqlite.Store
	svc *checkin.Service
	cl  *hubsync.Client
}

// newKiosk enrols a fresh kiosk at the hub for site, pulls the content and
// starts its check-in service. hc, when non-nil, is used for rounds.
func newKiosk(t *testing.T, h *testHub, site string, hubURL string, o hubsync.ClientOptions) *kiosk {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	code, _, err := hubsync.NewEnrolCode(ctx, h.store(), site, 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hubsync.Enrol(ctx, st, h.URL(), code, nil); err != nil {
		t.Fatal(err)
	}
	k := &kiosk{st: st, cl: hubsync.NewClient(st, o)}
	if _, err := k.cl.Round(ctx); err != nil {
		t.Fatal(err)
	}
	k.svc, err = checkin.New(ctx, st, checkin.Options{SiteID: site, Rules: data.Rules{EarlyMinutes: 30, MinStayMinutes: 0}})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func (k *kiosk) register(t *testing.T, phone string) string {
	t.Helper()
	r, err := k.svc.Register(ctx, phone, "", "")
	if err != nil {
		t.Fatal(err)
	}
	return r.Code
}

func (k *kiosk) scan(t *testing.T, code, event string) checkin.Result {
	t.Helper()
	r, err := k.svc.Scan(ctx, code, checkin.Target{Event: event})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (k *kiosk) ids(t *testing.T) map[string]data.CheckIn {
	t.Helper()
	recs, err := k.st.CheckIns(ctx, sqlite.CheckInFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]data.CheckIn{}
	for _, r := range recs {
		out[r.ID] = r
	}
	return out
}

func phone(i int) string { return fmt.Sprintf("139%08d", i) }

func hubRecords(t *testing.T, st hubsync.Store) map[string]hubsync.HubRecord {
	t.Helper()
	recs, err := hubsync.CheckIns(ctx, st, hubsync.Filter{WithDuplicates: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]hubsync.HubRecord{}
	for _, r := range recs {
		if _, dup := out[r.ID]; dup {
			t.Fatalf("record %s twice on the hub", r.ID)
		}
		out[r.ID] = r
	}
	return out
}

// checkUnion checks that the hub holds exactly the kiosks' records, each as
// the kiosk made it, and that every duplicate group has one original.
func checkUnion(t *testing.T, st hubsync.Store, ks ...*kiosk) {
	t.Helper()
	hub := hubRecords(t, st)
	want := map[string]data.CheckIn{}
	for _, k := range ks {
		for id, r := range k.ids(t) {
			want[id] = r
		}
		if n, err := k.st.OutboxCount(ctx); err != nil || n != 0 {
			t.Errorf("outbox of a kiosk holds %d records (%v)", n, err)
		}
	}
	if len(hub) != len(want) {
		t.Errorf("hub holds %d records, kiosks made %d", len(hub), len(want))
	}
	for id, r := range want {
		h, ok := hub[id]
		if !ok {
			t.Errorf("record %s lost", id)
			continue
		}
		if h.Record != hubsync.RecordOf(r) {
			t.Errorf("record %s changed on the way:\n hub   %+v\n kiosk %+v", id, h.Record, hubsync.RecordOf(r))
		}
	}
	groups := map[hubsync.GroupKey][]hubsync.HubRecord{}
	for _, r := range hub {
		if k, ok := r.Key(); ok {
			groups[k] = append(groups[k], r)
		}
	}
	for k, g := range groups {
		originals := 0
		for _, r := range g {
			if r.DuplicateOf == "" {
				originals++
			} else if hub[r.DuplicateOf].DuplicateOf != "" || hub[r.DuplicateOf].ID == "" {
				t.Errorf("record %s is a duplicate of %s, which is not an original", r.ID, r.DuplicateOf)
			}
		}
		if originals != 1 {
			t.Errorf("group %+v has %d originals among %d records", k, originals, len(g))
		}
	}
}

func TestEnrolPushPull(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), centre(time.Now()), false)
		a := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{})
		b := newKiosk(t, h, "st-b", h.URL(), hubsync.ClientOptions{})

		// Content came down; the enrolled site is the kiosk's site.
		if evs, _ := a.st.Events(ctx); len(evs) != 3 {
			t.Fatalf("kiosk A has %d events after the first round, want 3", len(evs))
		}
		if site, _ := a.st.KioskSite(ctx, ""); site.ID != "st-a" {
			t.Fatalf("kiosk A stands at %q", site.ID)
		}

		// A registers two visitors and checks them in; B (offline from A)
		// checks the first one into the same session too.
		c1, c2 := a.register(t, phone(1)), a.register(t, phone(2))
		if r := a.scan(t, c1, "ev-c"); r.Outcome != data.Accepted {
			t.Fatalf("A scan: %+v", r)
		}
		a.scan(t, c2, "ev-a")
		if r := b.scan(t, c1, "ev-c"); r.Outcome != data.Accepted || !r.Record.Verified {
			// B knows A's public key from the feed (A enrolled first).
			t.Fatalf("B scan of A's pass: outcome %s verified %v", r.Outcome, r.Record.Verified)
		}
		b.scan(t, "garbage", "") // a refused scan goes up too

		ra, err := a.cl.Round(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ra.Stored != 2 || ra.Pending != 0 {
			t.Fatalf("A's round: %+v", ra)
		}
		rb, err := b.cl.Round(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rb.Stored != 2 {
			t.Fatalf("B's round: %+v", rb)
		}
		checkUnion(t, h.store(), a, b)
		hub := hubRecords(t, h.store())
		var dup hubsync.HubRecord
		for _, r := range hub {
			if r.DuplicateOf != "" {
				if dup.ID != "" {
					t.Fatalf("two duplicates: %s and %s", dup.ID, r.ID)
				}
				dup = r
			}
		}
		if dup.ID == "" || dup.DeviceID != b.svc.DeviceID() || hub[dup.DuplicateOf].DeviceID != a.svc.DeviceID() {
			t.Fatalf("B's later check-in of the same pass should be the duplicate of A's: %+v", dup)
		}
		if got := hub[dup.ID].SiteID; got != "st-b" {
			t.Fatalf("B's record has site %q", got)
		}
		days, err := hubsync.Stats(ctx, h.store(), time.UTC, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, d := range days {
			total += d.CheckIns
		}
		if total != 2 {
			t.Fatalf("stats count %d check-ins, want 2 (the duplicate once): %+v", total, days)
		}

		// A second round moves nothing.
		if r, err := a.cl.Round(ctx); err != nil || r.Stored+r.Already+r.Changes != 0 {
			t.Fatalf("idle round: %+v %v", r, err)
		}

		// A lost card: A re-issues the pass; the revocation reaches B, which
		// then refuses the old code.
		reg, err := a.svc.Register(ctx, phone(1), "", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.svc.StaffReissue(ctx, reg.Visitor.ID, "王老师"); err != nil {
			t.Fatal(err)
		}
		if r, err := a.cl.Round(ctx); err != nil || r.Revocations != 1 {
			t.Fatalf("A's round after re-issue: %+v %v", r, err)
		}
		if r, err := b.cl.Round(ctx); err != nil || r.Changes != 1 {
			t.Fatalf("B's round after re-issue: %+v %v", r, err)
		}
		if r := b.scan(t, c1, "ev-b"); r.Reason != data.ReasonRevoked {
			t.Fatalf("B accepted a revoked pass: %+v", r)
		}

		// The hub drops an event and a team (tombstones); kiosks delete them.
		f := centre(time.Now())
		f.Events, f.Teams = f.Events[:2], nil
		importCentre(t, h.store(), f, true)
		if _, err := a.cl.Round(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := a.st.Event(ctx, "ev-c"); !errors.Is(err, data.ErrNotFound) {
			t.Fatalf("deleted event still on the kiosk: %v", err)
		}
		if ts, _ := a.st.Teams(ctx); len(ts) != 0 {
			t.Fatalf("deleted team still on the kiosk: %+v", ts)
		}
	})
}

func TestRejectedRecordsStayOnKiosk(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), centre(time.Now()), false)
		a := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{})
		dev := a.svc.DeviceID()
		bad := data.CheckIn{ID: "01900000-0000-7000-8000-000000000001", Direction: data.In, Method: data.MethodStaff,
			DeviceID: dev, WallMS: time.Now().UnixMilli(), RunID: "r", Outcome: data.Accepted} // no event
		if err := a.st.AppendCheckIn(ctx, bad); err != nil {
			t.Fatal(err)
		}
		a.scan(t, a.register(t, phone(3)), "ev-a")
		r, err := a.cl.Round(ctx)
		if err != nil || r.Rejected != 1 || r.Stored != 1 || r.Pending != 0 {
			t.Fatalf("round: %+v %v", r, err)
		}
		rej, err := a.st.RejectedCheckIns(ctx)
		if err != nil || len(rej) != 1 || rej[0].ID != bad.ID || rej[0].Reason == "" {
			t.Fatalf("rejected records on the kiosk: %+v %v", rej, err)
		}
	})
}

func TestAuthorization(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), centre(time.Now()), false)
		a := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{})
		b := newKiosk(t, h, "st-b", h.URL(), hubsync.ClientOptions{})
		ea, _, _ := a.st.HubEnrolment(ctx)
		post := func(token string, req hubsync.PushRequest) int {
			var resp hubsync.PushResponse
			err := hubsync.Post(ctx, nil, h.URL(), token, hubsync.PathPush, req, &resp)
			var he *hubsync.HTTPError
			if errors.As(err, &he) {
				return he.Status
			}
			if err != nil {
				t.Fatal(err)
			}
			return 200
		}
		rec := hubsync.Record{ID: "01900000-0000-7000-8000-000000000002", Direction: "in", Method: "qr",
			DeviceID: b.svc.DeviceID(), WallMS: 1, RunID: "r", Outcome: "refused", Reason: "unreadable"}
		// Writing as site B with A's token, or a record of B's device: 403.
		if s := post(ea.Token, hubsync.PushRequest{SiteID: "st-b", DeviceID: a.svc.DeviceID()}); s != 403 {
			t.Fatalf("other site: %d", s)
		}
		if s := post(ea.Token, hubsync.PushRequest{SiteID: "st-a", DeviceID: a.svc.DeviceID(), Records: []hubsync.Record{rec}}); s != 403 {
			t.Fatalf("other device's record: %d", s)
		}
		if s := post("not-a-token", hubsync.PushRequest{}); s != 401 {
			t.Fatalf("unknown token: %d", s)
		}
		// A used code is refused; a revoked device gets 401.
		code, _, err := hubsync.NewEnrolCode(ctx, h.store(), "st-a", 0, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		c, err := sqlite.Open(filepath.Join(t.TempDir(), "kiosk-c.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := hubsync.Enrol(ctx, c, h.URL(), code, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := hubsync.Enrol(ctx, b.st, h.URL(), code, nil); !errors.Is(err, hubsync.ErrBadCode) {
			t.Fatalf("re-used code: %v", err)
		}
		if err := h.store().RevokeDevice(ctx, a.svc.DeviceID(), time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if _, err := a.cl.Round(ctx); !errors.Is(err, hubsync.ErrUnauthorized) {
			t.Fatalf("revoked device: %v", err)
		}
		if _, err := h.store().Devices(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// TestEnrolRetry: the hub's answer to an enrolment is lost; the kiosk retries
// with the same code and gets in.
func TestEnrolRetry(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), centre(time.Now()), false)
		p := newProxy(t, h)
		p.set(faultCut)
		st, err := sqlite.Open(filepath.Join(t.TempDir(), "kiosk.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		code, _, err := hubsync.NewEnrolCode(ctx, h.store(), "st-b", 0, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hubsync.Enrol(ctx, st, p.URL(), code, nil); err == nil {
			t.Fatal("enrolment through a cut connection succeeded")
		}
		p.set(faultNone)
		r, err := hubsync.Enrol(ctx, st, p.URL(), code, nil)
		if err != nil || r.SiteID != "st-b" {
			t.Fatalf("retried enrolment: %+v %v", r, err)
		}
	})
}

// TestConcurrentPushesAgreeOnOriginals: two hubs on one database store
// batches whose duplicate groups overlap, listed in opposite orders, at the
// same time; every group ends with one original, its earliest record, and
// every other record marked as its duplicate.
func TestConcurrentPushesAgreeOnOriginals(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		hubs := []hubsync.Store{open(), open()}
		for _, h := range hubs {
			defer h.Close()
		}
		const people, rounds = 30, 8
		var wg sync.WaitGroup
		for i, h := range hubs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dev := hubsync.Device{ID: fmt.Sprintf("dev-%d", i), SiteID: "st-a"}
				for r := range rounds {
					b := hubsync.Batch{ReceivedMS: 1_000_000}
					for p := range people {
						if i == 1 {
							p = people - 1 - p
						}
						rec := hubsync.Record{ID: fmt.Sprintf("0190%04d-0000-7000-8000-%012d", i*rounds+r, p),
							PassKeyID: 9, PassNo: uint32(p + 1), EventID: "ev-a", SessionStartMS: 500_000,
							Direction: "in", Method: "qr", DeviceID: dev.ID, WallMS: int64(900_000 + 1000*(i*rounds+r)),
							RunID: "r", RunMS: 1, Outcome: "accepted"}
						b.Records = append(b.Records, hubsync.HubRecord{Record: rec, SiteID: dev.SiteID,
							Subject: rec.Subject(), ReceivedMS: b.ReceivedMS})
					}
					if _, err := h.Push(ctx, dev, b); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		recs := hubRecords(t, hubs[0])
		if len(recs) != 2*rounds*people {
			t.Fatalf("hub holds %d records, want %d", len(recs), 2*rounds*people)
		}
		for _, r := range recs {
			want := fmt.Sprintf("01900000-0000-7000-8000-%012d", r.PassNo-1) // the earliest wall time
			if r.ID == want && r.DuplicateOf != "" || r.ID != want && r.DuplicateOf != want {
				t.Fatalf("record %s is marked a duplicate of %q, want the original %s", r.ID, r.DuplicateOf, want)
			}
		}
	})
}

// TestPushAnswers: one push answers each record in order: stored, already
// stored (a re-sent record, also a second copy in one batch) or rejected
// for an id taken by another record; records of an anchored run get their
// true time from the anchor; duplicates are marked, an earlier arrival
// taking the original's place.
func TestPushAnswers(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		st := open()
		defer st.Close()
		dev := hubsync.Device{ID: "dev-a", SiteID: "st-a"}
		rec := func(n int, pass uint32, outcome, run string, wallMS int64) hubsync.Record {
			return hubsync.Record{ID: fmt.Sprintf("01900000-0000-7000-8000-%012d", n), PassKeyID: 9, PassNo: pass,
				EventID: "ev-a", SessionStartMS: 500_000, Direction: "in", Method: "qr", DeviceID: dev.ID,
				WallMS: wallMS, RunID: run, RunMS: wallMS - 800_000, Outcome: outcome}
		}
		push := func(b hubsync.Batch, want ...hubsync.RecordResult) {
			t.Helper()
			for i := range b.Records {
				b.Records[i].SiteID, b.Records[i].Subject, b.Records[i].ReceivedMS = dev.SiteID, b.Records[i].Record.Subject(), b.ReceivedMS
			}
			got, err := st.Push(ctx, dev, b)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("push answers:\n%+v, %v\nwant\n%+v", got, err, want)
			}
		}
		hr := func(rs ...hubsync.Record) []hubsync.HubRecord {
			out := make([]hubsync.HubRecord, len(rs))
			for i, r := range rs {
				out[i].Record = r
			}
			return out
		}
		stored := func(r hubsync.Record, s hubsync.RecordStatus) hubsync.RecordResult {
			return hubsync.RecordResult{ID: r.ID, Status: s}
		}
		a := rec(1, 1, "accepted", "r1", 900_000)   // run r1 anchored by the batch: true time 5 000 000 + 100 000
		b := rec(2, 2, "accepted", "r0", 1_000_000) // run r0 never anchored: true time is its wall time
		r := rec(3, 3, "refused", "r0", 1_100_000)
		push(hubsync.Batch{ReceivedMS: 6_000_000, RunID: "r1", RunBaseMS: 5_000_000, Records: hr(a, a, b, r)},
			stored(a, hubsync.StatusStored), stored(a, hubsync.StatusAlready), stored(b, hubsync.StatusStored),
			stored(r, hubsync.StatusStored))

		b2 := b
		b2.WallMS++
		a2 := a
		a2.Staff = "someone else"
		c := rec(4, 1, "accepted", "r1", 950_000) // pass 1 again, later: a duplicate of a
		d := rec(5, 2, "accepted", "r0", 990_000) // pass 2 again, earlier: the original, b its duplicate
		conflict := hubsync.RecordResult{ID: b.ID, Status: hubsync.StatusRejected, Reason: hubsync.RejectIDConflict}
		push(hubsync.Batch{ReceivedMS: 6_100_000, Records: hr(a, b2, c, a2, d)},
			stored(a, hubsync.StatusAlready), conflict, stored(c, hubsync.StatusStored),
			hubsync.RecordResult{ID: a.ID, Status: hubsync.StatusRejected, Reason: hubsync.RejectIDConflict},
			stored(d, hubsync.StatusStored))

		got := hubRecords(t, st)
		want := map[string]struct {
			trueMS int64
			dup    string
		}{a.ID: {5_100_000, ""}, b.ID: {1_000_000, d.ID}, r.ID: {1_100_000, ""}, c.ID: {5_150_000, a.ID}, d.ID: {990_000, ""}}
		if len(got) != len(want) {
			t.Fatalf("hub holds %d records, want %d", len(got), len(want))
		}
		for id, w := range want {
			if g := got[id]; g.TrueMS != w.trueMS || g.DuplicateOf != w.dup {
				t.Errorf("record %s: true time %d, duplicate of %q; want %d, %q", id, g.TrueMS, g.DuplicateOf, w.trueMS, w.dup)
			}
		}
		if got[b.ID].Record != b || got[a.ID].Record != a {
			t.Errorf("a record was overwritten by another with its id: %+v %+v", got[a.ID].Record, got[b.ID].Record)
		}
	})
}
