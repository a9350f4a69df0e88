package data

import "errors"

// ErrOtherSite is the error of an edit a kiosk may not make: the event or
// honour-wall entry belongs to a site that is neither the kiosk's enrolled
// site nor under it, so its hub would refuse it (MayEditSite).
var ErrOtherSite = errors.New("the content of another site cannot be edited on this kiosk")

// SitesUnder returns id and the ids of the sites of sites (by id) below it:
// its children, their children, and so on.
func SitesUnder(sites map[string]Site, id string) map[string]bool {
	in := map[string]bool{id: true}
	for grew := true; grew; {
		grew = false
		for _, s := range sites {
			if !in[s.ID] && s.ParentID != "" && in[s.ParentID] {
				in[s.ID], grew = true, true
			}
		}
	}
	return in
}

// MayEditSite reports whether a kiosk enrolled at a hub for the site
// enrolled may write the events and honour-wall entries of the site site:
// only of its own site or of a site under it (SitesUnder over sites, by id).
// This is the rule the hub applies to a kiosk's content edits (it rejects
// the others as forbidden) and the kiosk applies before an edit is made. A
// kiosk not enrolled at a hub (enrolled == "") may edit any site's: there is
// no hub to refuse it.
func MayEditSite(sites map[string]Site, enrolled, site string) bool {
	return enrolled == "" || SitesUnder(sites, enrolled)[site]
}
