package sqlite

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"testing"

	"github.com/civickiosk/kiosk/data"
)

// TestContentOutbox: staff edits of events and honour-wall entries wait in
// the outbox, each item once in its latest state; an answer for an earlier
// state leaves a later edit waiting; a rejected item is kept with the
// reason, out of the outbox, until it is edited again; the feed does not
// overwrite a waiting edit; the photos' bytes cap a batch.
func TestContentOutbox(t *testing.T) {
	ctx := context.Background()
	st := honourStore(t)
	pending := func() []ContentEdit {
		t.Helper()
		es, err := st.ContentOutbox(ctx, 10, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	if n := len(pending()); n != 0 {
		t.Fatalf("content loaded from a file went to the outbox (%d items)", n)
	}
	ev := data.Event{ID: "e1", SiteID: "c", Title: "讲座", StartMS: 1000, EndMS: 2000}
	if err := st.PutEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	ev.Cancelled = true
	if err := st.PutEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	if err := st.SetHonourHidden(ctx, "zhao", true); err != nil {
		t.Fatal(err)
	}
	es := pending()
	if len(es) != 2 || es[0].Kind != "event" || *es[0].Event != ev || es[0].Rev != 2 ||
		es[1].Kind != "honour" || es[1].ID != "zhao" || !es[1].Honour.Hidden {
		t.Fatalf("outbox %+v", es)
	}

	// The hub's version of a waiting item is not applied; of others it is.
	hubEv := ev
	hubEv.Title, hubEv.Cancelled = "中心的讲座", false
	hubQian := data.HonourEntry{ID: "qian", SiteID: "c", Name: "钱阿姨", Title: "全国道德模范"}
	if err := st.ApplyChanges(ctx, []Change{{Kind: "event", ID: "e1", Event: &hubEv},
		{Kind: "honour", ID: "zhao", Deleted: true}, {Kind: "honour", ID: "qian", Honour: &hubQian}}, 5); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Event(ctx, "e1"); got != ev {
		t.Fatalf("the feed overwrote a waiting edit: %+v", got)
	}
	hs, _ := st.AllHonourEntries(ctx)
	if len(hs) != 2 || hs[0].ID != "qian" || hs[0].Title != "全国道德模范" || hs[1].ID != "zhao" || !hs[1].Hidden {
		t.Fatalf("honour entries after the feed: %+v", hs)
	}

	// The event is edited again after it was sent: the answer for the sent
	// state leaves it waiting. The entry is rejected.
	if err := st.PutEvent(ctx, ev); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkContentSent(ctx, []ContentAnswer{
		{Kind: "event", ID: "e1", Rev: es[0].Rev, Status: "stored"},
		{Kind: "honour", ID: "zhao", Rev: es[1].Rev, Status: "rejected", Reason: "forbidden: site"},
	}, 777); err != nil {
		t.Fatal(err)
	}
	if es := pending(); len(es) != 1 || es[0].ID != "e1" || es[0].Rev != 3 {
		t.Fatalf("outbox after the answers %+v", es)
	}
	rej, err := st.RejectedEdits(ctx)
	if err != nil || len(rej) != 1 || rej[0] != (RejectedEdit{Kind: "honour", ID: "zhao", Reason: "forbidden: site", AnsweredMS: 777}) {
		t.Fatalf("rejected %+v (%v)", rej, err)
	}
	if err := st.MarkContentSent(ctx, []ContentAnswer{{Kind: "event", ID: "e1", Rev: 3, Status: "already_stored"}}, 778); err != nil {
		t.Fatal(err)
	}
	if es := pending(); len(es) != 0 {
		t.Fatalf("outbox after the last answer %+v", es)
	}

	// Edited again, the rejected entry goes up again; photos cap a batch.
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 64, 64))); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"zhao", "qian"} {
		if err := st.SetHonourPhoto(ctx, id, buf.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	if rej, _ := st.RejectedEdits(ctx); len(rej) != 0 {
		t.Fatalf("an entry edited again is still rejected: %+v", rej)
	}
	if es, err := st.ContentOutbox(ctx, 10, buf.Len()); err != nil || len(es) != 1 || es[0].ID != "qian" {
		t.Fatalf("outbox capped at one photo: %+v (%v)", es, err)
	}
	if es, err := st.ContentOutbox(ctx, 10, 0); err != nil || len(es) != 1 {
		t.Fatalf("outbox capped at 0 bytes: %d items (%v), want at least one", len(es), err)
	}
	if es := pending(); len(es) != 2 {
		t.Fatalf("outbox %+v, want both entries", es)
	}
}

// Entries made and edited on the kiosk go up too, as they stand.
func TestContentOutboxNewHonour(t *testing.T) {
	ctx := context.Background()
	st := honourStore(t)
	id, err := st.SaveHonour(ctx, data.HonourEntry{SiteID: "c", Name: "刘建国", Title: "身边好人"})
	if err != nil {
		t.Fatal(err)
	}
	es, err := st.ContentOutbox(ctx, 10, 1<<20)
	if err != nil || len(es) != 1 || es[0].Kind != "honour" || es[0].ID != id || es[0].Honour.Name != "刘建国" {
		t.Fatalf("outbox after SaveHonour %+v (%v)", es, err)
	}
	if err := st.UpdateHonour(ctx, data.HonourEntry{ID: id, Name: "刘建国", Title: "2024年度身边好人", Story: "义务理发"}); err != nil {
		t.Fatal(err)
	}
	es, err = st.ContentOutbox(ctx, 10, 1<<20)
	if err != nil || len(es) != 1 || es[0].Rev != 2 || es[0].Honour.Story != "义务理发" || es[0].Honour.SiteID != "c" {
		t.Fatalf("outbox after UpdateHonour %+v (%v)", es, err)
	}
}
