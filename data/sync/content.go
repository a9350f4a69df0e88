package sync

import (
	"context"
	"encoding/json"

	"github.com/civickiosk/kiosk/data/content"
)

// ContentItems turns a parsed content file into feed items: the centre (when
// the file describes it or names a zone), then sites parents first, events,
// honour-wall entries and teams.
func ContentItems(f *content.File) ([]Item, error) {
	var out []Item
	add := func(kind, id string, v any) error {
		b, err := json.Marshal(v)
		if err == nil {
			out = append(out, Item{Kind: kind, ID: id, Data: b})
		}
		return err
	}
	if f.Centre.Name != "" || f.Zone != "" {
		if err := add(KindCentre, KindCentre, CentreInfo{Centre: f.Centre, Zone: f.Zone}); err != nil {
			return nil, err
		}
	}
	done := map[string]bool{}
	for len(done) < len(f.Sites) {
		progress := false
		for _, s := range f.Sites {
			if done[s.ID] || (s.ParentID != "" && !done[s.ParentID] && hasSite(f, s.ParentID)) {
				continue
			}
			if err := add(KindSite, s.ID, s); err != nil {
				return nil, err
			}
			done[s.ID], progress = true, true
		}
		if !progress {
			break // a cycle; Parse rejects those
		}
	}
	for _, e := range f.Events {
		if err := add(KindEvent, e.ID, e); err != nil {
			return nil, err
		}
	}
	for _, h := range f.Honour {
		if err := add(KindHonour, h.ID, h); err != nil {
			return nil, err
		}
	}
	for _, t := range f.Teams {
		if err := add(KindTeam, t.ID, t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func hasSite(f *content.File, id string) bool {
	for _, s := range f.Sites {
		if s.ID == id {
			return true
		}
	}
	return false
}

// ReplaceKinds are the kinds a replacing import tombstones when missing from
// the file, children before the sites they refer to.
var ReplaceKinds = []string{KindEvent, KindHonour, KindTeam, KindSite}

// DevicesAtDroppedSites returns the active (not revoked) devices enrolled
// at sites the hub holds that f does not list: the sites a replacing import
// would delete from under them. Devices come by site then id.
func DevicesAtDroppedSites(ctx context.Context, st Store, f *content.File) ([]Device, error) {
	ds, err := st.Devices(ctx)
	if err != nil {
		return nil, err
	}
	var out []Device
	for _, d := range ds {
		if d.RevokedMS == 0 && !hasSite(f, d.SiteID) {
			out = append(out, d)
		}
	}
	return out, nil
}

// ImportContent puts a content file on the hub's feed. With replace, the
// events, honour-wall entries, teams and sites the file does not list are
// deleted (tombstoned); otherwise they are kept. It returns how many feed
// entries changed. On each (kind, id) the last write in hub order wins.
func ImportContent(ctx context.Context, st Store, f *content.File, replace bool, nowMS int64) (int, error) {
	items, err := ContentItems(f)
	if err != nil {
		return 0, err
	}
	var kinds []string
	if replace {
		kinds = ReplaceKinds
	}
	return st.PutContent(ctx, items, kinds, nowMS)
}
