package sync_test

import (
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/export"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// TestDistrictExportNamesKioskMadeEvents: check-ins into events made on a
// kiosk (kioskctl event add, or 复制为新活动 in staff mode: both
// sqlite.PutEvent) carry the event's title and site in the district export
// once the kiosk has synced, as check-ins into the hub's own events do.
func TestDistrictExportNamesKioskMadeEvents(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		now := time.Now()
		importCentre(t, h.store(), centre(now), false)
		a := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{})
		made := data.Event{ID: "ev-kiosk-made", SiteID: "st-a", Title: "甲站临时讲座",
			StartMS: now.Add(-30 * time.Minute).UnixMilli(), EndMS: now.Add(time.Hour).UnixMilli()}
		copied := made // a copy of the hub's ev-a, as 复制为新活动 makes it
		copied.ID, copied.Title = "ev-kiosk-copy", "甲站活动（复制）"
		for _, ev := range []data.Event{made, copied} {
			if err := a.st.PutEvent(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		code := a.register(t, "13900000001")
		for _, ev := range []string{made.ID, copied.ID} {
			if r := a.scan(t, code, ev); r.Outcome != data.Accepted {
				t.Fatalf("check-in into %s: %+v", ev, r)
			}
		}
		if r, err := a.cl.Round(ctx); err != nil || r.Stored != 2 || r.Edits != 2 {
			t.Fatalf("round: %+v %v", r, err)
		}
		src, err := hubsync.DistrictSource(ctx, h.store(), hubsync.DistrictFilter{AcceptedOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		titles := map[string]string{}
		err = src(func(r export.AttendanceRow) error {
			if r.SiteName != "甲社区站" {
				t.Errorf("row of %s: site %q, want 甲社区站", r.EventID, r.SiteName)
			}
			titles[r.EventID] = r.EventTitle
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if titles[made.ID] != made.Title || titles[copied.ID] != copied.Title {
			t.Fatalf("district export titles %q", titles)
		}
	})
}
