package sqlite

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
)

func TestEventsBetweenGivesTheSameSessionsAsEvents(t *testing.T) {
	s := openTemp(t)
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	f := demo(t, now)
	site := f.Sites[0].ID
	day := int64(24 * 3600 * 1000)
	at := now.UnixMilli()
	beijing, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	evening := time.Date(2026, 3, 13, 19, 0, 0, 0, beijing).UnixMilli()
	apia, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	other := f.Sites[1].ID
	f.Events = append(f.Events,
		// A one-off event over several days, started long before.
		data.Event{ID: "long", SiteID: site, Title: "展览", StartMS: at - 20*day, EndMS: at + 20*day},
		// A weekly class that ended, one that ends soon, one that never ends.
		data.Event{ID: "ended", SiteID: site, Title: "旧班", StartMS: at - 100*day, EndMS: at - 100*day + 3_600_000,
			Weekly: true, UntilMS: at - 30*day},
		// Its last session is at 19:00 Beijing time on the day of UntilMS
		// (00:00 of that day), as the content file gives it.
		data.Event{ID: "ending", SiteID: site, Title: "将结束", StartMS: evening - 49*day, EndMS: evening - 49*day + 5_400_000,
			Weekly: true, UntilMS: evening - 19*3_600_000},
		data.Event{ID: "forever", SiteID: site, Title: "长期班", StartMS: at - 400*day, EndMS: at - 400*day + 3_600_000,
			Weekly: true},
		data.Event{ID: "cancelled", SiteID: site, Title: "取消", StartMS: at, EndMS: at + 3_600_000, Cancelled: true},
		data.Event{ID: "later", SiteID: site, Title: "以后", StartMS: at + 40*day, EndMS: at + 40*day + 3_600_000},
		// Weekly classes elsewhere, one started in Samoa before it moved
		// across the date line (December 2011), one in New York's summer time.
		data.Event{ID: "apia", SiteID: other, Title: "萨摩亚", StartMS: time.Date(2011, 10, 3, 18, 0, 0, 0, apia).UnixMilli(),
			EndMS: time.Date(2011, 10, 3, 19, 30, 0, 0, apia).UnixMilli(), Weekly: true},
		data.Event{ID: "newyork", SiteID: other, Title: "纽约", StartMS: time.Date(2025, 7, 4, 23, 30, 0, 0, newYork).UnixMilli(),
			EndMS: time.Date(2025, 7, 5, 0, 30, 0, 0, newYork).UnixMilli(), Weekly: true},
	)
	if err := s.LoadContent(ctx, f); err != nil {
		t.Fatal(err)
	}
	all, err := s.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var atOther []data.Event
	for _, e := range all {
		if e.SiteID == other {
			atOther = append(atOther, e)
		}
	}
	loc, err := s.Zone(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, zone := range []*time.Location{loc, time.UTC, time.FixedZone("far", 14*3600), apia, newYork} {
		for from := at - 120*day; from < at+60*day; from += 7 * 3_600_000 {
			for _, width := range []int64{1, 31 * 60_000, day, 60 * day} {
				for _, in := range []struct {
					site string
					all  []data.Event
				}{{"", all}, {other, atOther}} {
					some, err := s.EventsBetween(ctx, from, from+width, in.site)
					if err != nil {
						t.Fatal(err)
					}
					want := data.SessionsBetween(in.all, from, from+width, site, zone)
					got := data.SessionsBetween(some, from, from+width, site, zone)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("[%d, +%d) at %q in %s: %d sessions from EventsBetween, %d from Events",
							from, width, in.site, zone, len(got), len(want))
					}
					if len(some) > len(in.all) {
						t.Fatalf("more events than there are")
					}
				}
			}
		}
	}
	some, err := s.EventsBetween(ctx, at+100*day, at+101*day, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range some {
		if !e.Weekly || e.UntilMS != 0 {
			t.Errorf("event %s (weekly %v) listed 100 days ahead", e.ID, e.Weekly)
		}
	}
	// An hour on a Thursday, more than a day from the site's classes (first
	// held on a Tuesday and a Saturday in UTC): no weekly class is read.
	noon := time.Date(2026, 3, 12, 12, 0, 0, 0, beijing).UnixMilli()
	if some, err = s.EventsBetween(ctx, noon, noon+3_600_000, other); err != nil {
		t.Fatal(err)
	}
	for _, e := range some {
		if e.Weekly {
			t.Errorf("weekly class %s (first %s) listed on %s", e.ID, time.UnixMilli(e.StartMS).In(beijing),
				time.UnixMilli(noon).In(beijing))
		}
	}
}

func TestEventsBetweenSeeksItsIndex(t *testing.T) {
	s := openTemp(t)
	p := plan(t, s, `SELECT id FROM events INDEXED BY events_last_end
		WHERE cancelled = 0 AND `+eventsLastEnd+` > 1 AND start_ms < 2`)
	if !strings.Contains(p, "SEARCH events USING INDEX events_last_end (<expr>>?)") {
		t.Errorf("plan:\n%s\nwant a range search of events_last_end", p)
	}
}
