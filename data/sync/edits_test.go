package sync_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// withHonour is centre's content with a honour-wall entry at station A.
func withHonour(now time.Time) *content.File {
	f := centre(now)
	f.Honour = []data.HonourEntry{{ID: "h-a", SiteID: "st-a", Name: "赵大姐", Title: "身边好人"}}
	return f
}

func round(t *testing.T, k *kiosk) hubsync.RoundResult {
	t.Helper()
	r, err := k.cl.Round(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func event(t *testing.T, k *kiosk, id string) data.Event {
	t.Helper()
	e, err := k.st.Event(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func honour(t *testing.T, k *kiosk, id string) data.HonourEntry {
	t.Helper()
	hs, err := k.st.AllHonourEntries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hs {
		if h.ID == id {
			return h
		}
	}
	t.Fatalf("no honour entry %s", id)
	return data.HonourEntry{}
}

func hubEvent(t *testing.T, st hubsync.Store, id string) (data.Event, int64) {
	t.Helper()
	c, err := st.ContentItem(ctx, hubsync.KindEvent, id)
	if err != nil {
		t.Fatal(err)
	}
	var e data.Event
	if err := json.Unmarshal(c.Data, &e); err != nil {
		t.Fatal(err)
	}
	return e, c.Seq
}

func outbox(t *testing.T, k *kiosk) []sqlite.ContentEdit {
	t.Helper()
	es, err := k.st.ContentOutbox(ctx, 100, hubsync.MaxPageBytes)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestContentEditsGoUp: an event and a honour-wall entry edited on kiosk A
// reach the hub and kiosk B; a later import at the hub wins on both; an
// edit of another site's item is rejected and kept on A with the reason.
func TestContentEditsGoUp(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), withHonour(time.Now()), false)
		a := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{})
		b := newKiosk(t, h, "st-b", h.URL(), hubsync.ClientOptions{})

		// A changes its station's event and makes a new one, hides its
		// honour entry and gives it a photo.
		ev := event(t, a, "ev-a")
		ev.Title, ev.Cancelled = "甲站活动（改期）", true
		made := data.Event{ID: "k-new", SiteID: "st-a", Title: "新课", StartMS: ev.StartMS, EndMS: ev.EndMS, Weekly: true}
		var photo bytes.Buffer
		if err := png.Encode(&photo, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
			t.Fatal(err)
		}
		for _, err := range []error{a.st.PutEvent(ctx, ev), a.st.PutEvent(ctx, made),
			a.st.SetHonourHidden(ctx, "h-a", true), a.st.SetHonourPhoto(ctx, "h-a", photo.Bytes())} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := len(outbox(t, a)); n != 3 {
			t.Fatalf("A's content outbox holds %d items, want 3 (two events, one entry)", n)
		}
		if r := round(t, a); r.Edits != 3 || r.EditsRejected != 0 {
			t.Fatalf("A's round: %+v", r)
		}
		if n := len(outbox(t, a)); n != 0 {
			t.Fatalf("A's content outbox holds %d items after the round", n)
		}
		if got, _ := hubEvent(t, h.store(), "ev-a"); got != ev {
			t.Fatalf("hub holds %+v, A sent %+v", got, ev)
		}
		round(t, b)
		if got := event(t, b, "ev-a"); got != ev {
			t.Fatalf("B holds %+v, want A's edit %+v", got, ev)
		}
		if got := event(t, b, "k-new"); got != made {
			t.Fatalf("B holds %+v, want A's new event", got)
		}
		if got := honour(t, b, "h-a"); !got.Hidden || !bytes.Equal(got.Photo, photo.Bytes()) {
			t.Fatalf("B's honour entry: hidden %v, photo %d bytes", got.Hidden, len(got.Photo))
		}
		// A's own change comes back to it and changes nothing.
		_, seq := hubEvent(t, h.store(), "ev-a")
		if r := round(t, a); r.Edits != 0 || event(t, a, "ev-a") != ev {
			t.Fatalf("A's next round: %+v, event %+v", r, event(t, a, "ev-a"))
		}
		if _, again := hubEvent(t, h.store(), "ev-a"); again != seq {
			t.Fatalf("A's edit was put on the feed again (seq %d → %d)", seq, again)
		}

		// An import at the hub after the edit wins on both kiosks.
		f := withHonour(time.Now())
		f.Events[0].Title = "甲站活动（中心定）"
		importCentre(t, h.store(), f, false)
		round(t, a)
		round(t, b)
		for _, k := range []*kiosk{a, b} {
			if got := event(t, k, "ev-a"); got.Title != "甲站活动（中心定）" || got.Cancelled {
				t.Fatalf("after the hub's import a kiosk holds %+v", got)
			}
			if got := honour(t, k, "h-a"); got.Hidden || got.Photo != nil {
				t.Fatalf("after the hub's import a kiosk's entry: hidden %v, photo %d bytes", got.Hidden, len(got.Photo))
			}
		}

		// Another station's event, moved or not, and a new event there are
		// refused on A while it is enrolled (data.MayEditSite); made while
		// A was not enrolled, they are rejected by the hub, and A keeps its
		// version and the reason.
		other := event(t, a, "ev-b")
		other.Title = "乙站活动（甲站改）"
		moved := event(t, a, "ev-c")
		moved.SiteID = "st-a" // the centre's event taken over by a station
		foreign := data.Event{ID: "k-foreign", SiteID: "st-b", Title: "乙站新课", StartMS: ev.StartMS, EndMS: ev.EndMS}
		for _, e := range []data.Event{other, moved, foreign} {
			if err := a.st.PutEvent(ctx, e); !errors.Is(err, data.ErrOtherSite) {
				t.Fatalf("enrolled A edited %s of another site: %v", e.ID, err)
			}
		}
		enrolment, _, err := a.st.HubEnrolment(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.st.SetSetting(ctx, sqlite.SettingHubToken, ""); err != nil {
			t.Fatal(err)
		}
		for _, e := range []data.Event{other, moved, foreign} {
			if err := a.st.PutEvent(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.st.SetSetting(ctx, sqlite.SettingHubToken, enrolment.Token); err != nil {
			t.Fatal(err)
		}
		if r := round(t, a); r.EditsRejected != 3 || r.Edits != 0 {
			t.Fatalf("A's round with other sites' edits: %+v", r)
		}
		rej, err := a.st.RejectedEdits(ctx)
		if err != nil || len(rej) != 3 {
			t.Fatalf("A keeps %+v (%v), want 3 rejected edits", rej, err)
		}
		for _, x := range rej {
			if !strings.HasPrefix(x.Reason, hubsync.RejectForbidden) || x.AnsweredMS == 0 {
				t.Errorf("rejected edit %+v", x)
			}
		}
		if got, _ := hubEvent(t, h.store(), "ev-b"); got.Title != "乙站活动" {
			t.Fatalf("hub's ev-b became %+v", got)
		}
		if got, _ := hubEvent(t, h.store(), "ev-c"); got.SiteID != "centre" {
			t.Fatalf("hub's ev-c moved to %s", got.SiteID)
		}
		if _, err := h.store().ContentItem(ctx, hubsync.KindEvent, "k-foreign"); err == nil {
			t.Fatal("hub took a station's new event from another station's kiosk")
		}
		if got := event(t, a, "ev-b"); got != other {
			t.Fatalf("A lost its rejected edit: %+v", got)
		}
		if n := len(outbox(t, a)); n != 0 {
			t.Fatalf("rejected edits are still sent (%d in the outbox)", n)
		}
	})
}

// TestContentEditAndImportInHubOrder: the hub's order decides between an
// edit and an import of the same event, whatever the clocks: an edit that
// reaches the hub after an import wins, and an import right after the edit
// (before the kiosk pulls) wins on that kiosk too. An edit waiting on a
// kiosk is not overwritten by the feed.
func TestContentEditAndImportInHubOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), centre(time.Now()), false)
		var imp sync.Once
		var f *content.File
		a := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{Progress: func(p hubsync.Progress) {
			if f != nil && p.Changes == 0 { // after a push, before the pull
				imp.Do(func() { importCentre(t, h.store(), f, false) })
			}
		}})
		b := newKiosk(t, h, "st-b", h.URL(), hubsync.ClientOptions{})

		// A edits offline; the hub imports the same event meanwhile; B
		// pulls the import while A's edit waits.
		ev := event(t, a, "ev-a")
		ev.Place = "二楼"
		if err := a.st.PutEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
		g := centre(time.Now())
		g.Events[0].Place = "一楼"
		importCentre(t, h.store(), g, false)
		cursor, err := a.st.SyncCursor(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.st.ApplyChanges(ctx, []sqlite.Change{{Kind: hubsync.KindEvent, ID: "ev-a", Event: &g.Events[0]}}, cursor); err != nil {
			t.Fatal(err)
		}
		if got := event(t, a, "ev-a"); got.Place != "二楼" {
			t.Fatalf("the feed overwrote A's waiting edit: %+v", got)
		}
		round(t, b)
		if got := event(t, b, "ev-a"); got.Place != "一楼" {
			t.Fatalf("B holds %+v before A syncs", got)
		}
		round(t, a) // A's edit reaches the hub after the import: it wins
		round(t, b)
		for _, k := range []*kiosk{a, b} {
			if got := event(t, k, "ev-a"); got.Place != "二楼" {
				t.Fatalf("a kiosk holds %+v, want A's later edit", got)
			}
		}

		// A edits again; the hub imports right after A's push, before A's
		// pull: the import is later in hub order and wins on A too.
		ev.Place = "三楼"
		if err := a.st.PutEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
		f = centre(time.Now())
		f.Events[0].Place = "大礼堂"
		round(t, a)
		round(t, b)
		for _, k := range []*kiosk{a, b} {
			if got := event(t, k, "ev-a"); got.Place != "大礼堂" {
				t.Fatalf("a kiosk holds %+v, want the hub's later import", got)
			}
		}
	})
}

// TestContentEditResent: a batch of edits sent twice (its answer lost) is
// stored once: the second time the hub answers already_stored and the feed
// does not move. Malformed edits are rejected as invalid.
func TestContentEditResent(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), centre(time.Now()), false)
		a := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{})
		e, _, _ := a.st.HubEnrolment(ctx)
		dev, _ := a.st.DeviceID(ctx)
		ev := event(t, a, "ev-a")
		ev.Capacity = 40
		b, _ := json.Marshal(ev)
		noTitle := ev
		noTitle.ID, noTitle.Title = "k-bad", ""
		bad, _ := json.Marshal(noTitle)
		req := hubsync.PushRequest{SiteID: "st-a", DeviceID: dev, Records: []hubsync.Record{}, Content: []hubsync.ContentEdit{
			{Kind: hubsync.KindEvent, ID: "ev-a", Data: b},
			{Kind: hubsync.KindEvent, ID: "k-bad", Data: bad},
			{Kind: hubsync.KindEvent, ID: "k-other", Data: b}, // id differs from the data's
			{Kind: hubsync.KindTeam, ID: "tm-1", Data: []byte(`{}`)},
		}}
		want := []hubsync.RecordStatus{hubsync.StatusStored, hubsync.StatusRejected, hubsync.StatusRejected, hubsync.StatusRejected}
		var seq int64
		for i := range 2 {
			var resp hubsync.PushResponse
			if err := hubsync.Post(ctx, nil, e.HubURL, e.Token, hubsync.PathPush, req, &resp); err != nil {
				t.Fatal(err)
			}
			if len(resp.Content) != len(want) {
				t.Fatalf("push %d: %+v", i, resp.Content)
			}
			for j, r := range resp.Content {
				if r.Status != want[j] || r.Kind != req.Content[j].Kind || r.ID != req.Content[j].ID ||
					r.Status == hubsync.StatusRejected && !strings.HasPrefix(r.Reason, hubsync.RejectInvalid) {
					t.Errorf("push %d, edit %d: %+v", i, j, r)
				}
			}
			got, s := hubEvent(t, h.store(), "ev-a")
			if got != ev || i == 1 && s != seq {
				t.Fatalf("push %d: hub holds %+v at seq %d (was %d)", i, got, s, seq)
			}
			seq, want[0] = s, hubsync.StatusAlready
		}
	})
}

// TestContentEditsThroughFaults: edits made while rounds go through a proxy
// that drops, cuts and duplicates requests all reach the hub in their last
// state, and the other kiosk gets that state.
func TestContentEditsThroughFaults(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), withHonour(time.Now()), false)
		p := newProxy(t, h)
		a := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{BatchSize: 2, HTTP: &http.Client{Timeout: 5 * time.Second}})
		b := newKiosk(t, h, "st-b", h.URL(), hubsync.ClientOptions{})
		e, _, _ := a.st.HubEnrolment(ctx)
		e.HubURL = p.URL()
		if err := a.st.SetHubEnrolment(ctx, e); err != nil {
			t.Fatal(err)
		}
		p.set(faultRandom)
		base := event(t, a, "ev-a")
		var last []data.Event
		for i := range 12 {
			ev := base
			ev.ID, ev.Title = fmt.Sprintf("k-%d", i%4), fmt.Sprintf("第%d次", i)
			if i%4 == 0 {
				ev.ID = "ev-a"
			}
			if err := a.st.PutEvent(ctx, ev); err != nil {
				t.Fatal(err)
			}
			if err := a.st.SetHonourHidden(ctx, "h-a", i%2 == 0); err != nil {
				t.Fatal(err)
			}
			if i >= 8 {
				last = append(last, ev)
			}
			a.cl.Round(ctx) // errors are expected here
		}
		p.set(faultNone)
		round(t, a)
		if n := len(outbox(t, a)); n != 0 {
			t.Fatalf("A's content outbox holds %d items", n)
		}
		round(t, b)
		for _, want := range last {
			if got, _ := hubEvent(t, h.store(), want.ID); got != want {
				t.Errorf("hub holds %+v, want %+v", got, want)
			}
			if got := event(t, b, want.ID); got != want {
				t.Errorf("B holds %+v, want %+v", got, want)
			}
		}
		if honour(t, b, "h-a").Hidden {
			t.Error("B's honour entry is hidden; A's last edit showed it")
		}
		p.mu.Lock()
		t.Logf("faults injected: %v", p.counts)
		p.mu.Unlock()
	})
}

// TestContentEditsWaitForANewerHub: a hub that answers no content results
// (it predates content edits) takes the records; the edits stay in the
// outbox and the round ends.
func TestContentEditsWaitForANewerHub(t *testing.T) {
	h := startHub(t, backends(t)[0].open(t))
	importCentre(t, h.store(), centre(time.Now()), false)
	a := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{})
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		hubsync.NewHandler(h.store(), hubsync.HubOptions{}).ServeHTTP(rec, r)
		var resp hubsync.PushResponse
		if r.URL.Path == hubsync.PathPush && json.Unmarshal(rec.Body.Bytes(), &resp) == nil {
			resp.Content = nil
			b, _ := json.Marshal(resp)
			rec.Body = bytes.NewBuffer(b)
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	defer old.Close()
	e, _, _ := a.st.HubEnrolment(ctx)
	e.HubURL = old.URL
	if err := a.st.SetHubEnrolment(ctx, e); err != nil {
		t.Fatal(err)
	}
	ev := event(t, a, "ev-a")
	ev.Title = "改"
	if err := a.st.PutEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	code := a.register(t, phone(7))
	a.scan(t, code, "ev-a")
	r := round(t, a)
	if r.Stored != 1 || r.Edits != 0 || r.Pending != 0 {
		t.Fatalf("round with an older hub: %+v", r)
	}
	if n := len(outbox(t, a)); n != 1 {
		t.Fatalf("A's content outbox holds %d items, want the edit kept", n)
	}
}
