package sync

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// editItem checks a content edit from a kiosk and returns it as a feed item
// (its data re-encoded, so that an unchanged item compares equal to the
// feed's) and the site it belongs to, or why it is rejected (RejectInvalid
// and what is wrong). An event needs an id, a site, a title and an end after
// its start; a honour-wall entry an id, a site, a name and a photo that is
// nil or a PNG or JPEG of at most 8 MB (sqlite.CheckPhoto).
func editItem(e ContentEdit) (it Item, siteID, reason string) {
	var v any
	var bad []string
	switch e.Kind {
	case KindEvent:
		var ev data.Event
		if err := json.Unmarshal(e.Data, &ev); err != nil {
			return it, "", RejectInvalid + ": " + err.Error()
		}
		if ev.Title == "" {
			bad = append(bad, "title")
		}
		if ev.StartMS <= 0 || ev.EndMS <= ev.StartMS || ev.UntilMS < 0 || ev.Capacity < 0 {
			bad = append(bad, "times or capacity")
		}
		v, it.ID, siteID = ev, ev.ID, ev.SiteID
	case KindHonour:
		var h data.HonourEntry
		if err := json.Unmarshal(e.Data, &h); err != nil {
			return it, "", RejectInvalid + ": " + err.Error()
		}
		if h.Name == "" {
			bad = append(bad, "name")
		}
		if h.Photo != nil && sqlite.CheckPhoto(h.Photo) != nil {
			bad = append(bad, "photo")
		}
		v, it.ID, siteID = h, h.ID, h.SiteID
	default:
		return it, "", fmt.Sprintf("%s: kind %q cannot be edited on a kiosk", RejectInvalid, e.Kind)
	}
	if it.ID == "" || it.ID != e.ID {
		bad = append(bad, "id")
	}
	if siteID == "" {
		bad = append(bad, "site")
	}
	if len(bad) > 0 {
		return it, "", RejectInvalid + ": " + strings.Join(bad, ", ")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return it, "", RejectInvalid + ": " + err.Error()
	}
	it.Kind, it.Data = e.Kind, b
	return it, siteID, ""
}

// storeEdits checks the content edits of a push from dev and stores the
// acceptable ones: a kiosk may write the events and honour-wall entries of
// its own site and of the sites under it (data.MayEditSite), both as it sends them and as the
// hub holds them (so it cannot take over another site's item). It answers
// per edit, in order.
func (h *hub) storeEdits(ctx context.Context, dev Device, in []ContentEdit, nowMS int64) ([]ContentResult, error) {
	if len(in) == 0 {
		return nil, nil
	}
	sites := map[string]data.Site{}
	if err := decodeLive(ctx, h.st, KindSite, sites); err != nil {
		return nil, err
	}
	mine := func(site string) bool { return data.MayEditSite(sites, dev.SiteID, site) }
	forbidden := func(site string) string {
		return fmt.Sprintf("%s: site %q is not %s or under it", RejectForbidden, site, dev.SiteID)
	}
	out := make([]ContentResult, len(in))
	var items []Item
	var at []int
	for i, e := range in {
		it, site, why := editItem(e)
		if why == "" && !mine(site) {
			why = forbidden(site)
		}
		if why != "" {
			out[i] = ContentResult{Kind: e.Kind, ID: e.ID, Status: StatusRejected, Reason: why}
			continue
		}
		items, at = append(items, it), append(at, i)
	}
	stored, err := h.st.PutEdits(ctx, items, func(it Item, cur *Change) string {
		if cur == nil {
			return ""
		}
		var old struct{ SiteID string }
		if json.Unmarshal(cur.Data, &old) == nil && !mine(old.SiteID) {
			return forbidden(old.SiteID)
		}
		return ""
	}, nowMS)
	if err != nil {
		return nil, err
	}
	for j, i := range at {
		out[i] = stored[j]
	}
	return out, nil
}
