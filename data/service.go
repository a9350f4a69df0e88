package data

import (
	"context"
	"errors"
	"sort"
	"time"
)

// ErrNotFound is returned (wrapped) when a requested record does not exist.
var ErrNotFound = errors.New("not found")

// Catalog reads the centre's content for the kiosk's screens.
type Catalog interface {
	// Centre returns the centre's description for the "about" screen.
	Centre(ctx context.Context) (Centre, error)
	// Sites returns every site, centre first, then by level and name.
	Sites(ctx context.Context) ([]Site, error)
	// EventsBetween returns the events that can have a session overlapping
	// [fromMS, toMS) (UTC ms) at siteID ("" = every site), by first start:
	// perhaps a few more, never fewer, so that SessionsBetween over them
	// gives all the sessions of that span. It reads only those events,
	// whatever the years of events in the store; expand them with
	// Event.Sessions.
	EventsBetween(ctx context.Context, fromMS, toMS int64, siteID string) ([]Event, error)
	// Event returns one event, or an error wrapping ErrNotFound.
	Event(ctx context.Context, id string) (Event, error)
	// HonourEntries returns the visible honour-wall entries, by Sort then name.
	HonourEntries(ctx context.Context) ([]HonourEntry, error)
	// Teams returns the volunteer teams, by kind then name.
	Teams(ctx context.Context) ([]Team, error)
}

// SessionsBetween expands events into their sessions overlapping
// [fromMS, toMS) (UTC ms), ordered so that sessions held at siteID come first,
// then the wider centre's; within each group by start time, then title.
func SessionsBetween(events []Event, fromMS, toMS int64, siteID string, loc *time.Location) []Session {
	var out []Session
	for _, e := range events {
		out = append(out, e.Sessions(fromMS, toMS, loc)...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Event.SiteID == siteID) != (b.Event.SiteID == siteID) {
			return a.Event.SiteID == siteID
		}
		if a.StartMS != b.StartMS {
			return a.StartMS < b.StartMS
		}
		return a.Event.Title < b.Event.Title
	})
	return out
}
