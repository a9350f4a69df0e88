package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
)

// TestEditsOfOtherSites: a kiosk enrolled for a station edits the events and
// honour-wall entries of its station only, as its hub would accept; the
// centre's are left as they are and nothing goes to the outbox. Unenrolled,
// it edits any.
func TestEditsOfOtherSites(t *testing.T) {
	ctx := context.Background()
	st, err := Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	centreEv := data.Event{ID: "kaifangri", SiteID: "xiaodian", Title: "文明实践开放日", StartMS: 1000, EndMS: 2000}
	if err := st.LoadContent(ctx, &content.File{
		Sites: []data.Site{{ID: "xiaodian", Level: data.LevelCentre, Name: "中心"},
			{ID: "yongkangbeilu", ParentID: "xiaodian", Level: data.LevelStation, Name: "永康北路站"}},
		Events: []data.Event{centreEv},
		Honour: []data.HonourEntry{{ID: "zhao", SiteID: "xiaodian", Name: "赵大爷", Sort: 1},
			{ID: "qian", SiteID: "yongkangbeilu", Name: "钱阿姨", Sort: 2}},
	}); err != nil {
		t.Fatal(err)
	}
	mine := data.Event{ID: "e1", SiteID: "yongkangbeilu", Title: "讲座", StartMS: 1000, EndMS: 2000}
	// Not enrolled: no hub to refuse, any site's content may be edited.
	if err := st.PutEvent(ctx, data.Event{ID: "e0", SiteID: "xiaodian", Title: "讲座", StartMS: 1000, EndMS: 2000}); err != nil {
		t.Fatalf("an unenrolled kiosk could not edit the centre's event: %v", err)
	}
	if err := st.SetHubEnrolment(ctx, Enrolment{HubURL: "https://hub.example.cn", Token: "t", SiteID: "yongkangbeilu"}); err != nil {
		t.Fatal(err)
	}
	es, _ := st.ContentOutbox(ctx, 10, 1<<20)
	before := len(es)
	cancelled := centreEv
	cancelled.Cancelled = true
	moved := mine
	moved.ID = "kaifangri"
	for name, err := range map[string]error{
		"cancel the centre's event":              st.PutEvent(ctx, cancelled),
		"a new event at the centre":              st.PutEvent(ctx, data.Event{ID: "e2", SiteID: "xiaodian", Title: "讲座", StartMS: 1000, EndMS: 2000}),
		"take the centre's event to the station": st.PutEvent(ctx, moved),
		"hide the centre's entry":                st.SetHonourHidden(ctx, "zhao", true),
		"a photo on the centre's entry":          st.SetHonourPhoto(ctx, "zhao", nil),
		"change the centre's entry":              st.UpdateHonour(ctx, data.HonourEntry{ID: "zhao", Name: "赵"}),
	} {
		if !errors.Is(err, data.ErrOtherSite) {
			t.Errorf("%s: %v, want ErrOtherSite", name, err)
		}
	}
	if _, err := st.SaveHonour(ctx, data.HonourEntry{SiteID: "xiaodian", Name: "孙"}); !errors.Is(err, data.ErrOtherSite) {
		t.Errorf("a new entry at the centre: %v, want ErrOtherSite", err)
	}
	if got, _ := st.Event(ctx, "kaifangri"); got != centreEv {
		t.Errorf("the centre's event became %+v", got)
	}
	if es, _ := st.ContentOutbox(ctx, 10, 1<<20); len(es) != before {
		t.Errorf("refused edits went to the outbox: %+v", es)
	}
	// Its own station's content it edits.
	if err := st.PutEvent(ctx, mine); err != nil {
		t.Error(err)
	}
	if err := st.SetHonourHidden(ctx, "qian", true); err != nil {
		t.Error(err)
	}
	if _, err := st.SaveHonour(ctx, data.HonourEntry{SiteID: "yongkangbeilu", Name: "孙"}); err != nil {
		t.Error(err)
	}
}
