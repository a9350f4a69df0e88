package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/civickiosk/kiosk/data"
)

// EditableSites returns whether staff on this kiosk may edit the events and
// honour-wall entries of a site (by id): data.MayEditSite over the store's
// sites and the site of the kiosk's hub enrolment (any site when the kiosk is
// not enrolled), and that enrolled site ("" when not enrolled).
func (s *Store) EditableSites(ctx context.Context) (may func(siteID string) bool, enrolled string, err error) {
	e, ok, err := s.HubEnrolment(ctx)
	if err != nil {
		return nil, "", err
	}
	if ok {
		enrolled = e.SiteID
	}
	list, err := s.Sites(ctx)
	if err != nil {
		return nil, "", err
	}
	sites := make(map[string]data.Site, len(list))
	for _, st := range list {
		sites[st.ID] = st
	}
	return func(siteID string) bool { return data.MayEditSite(sites, enrolled, siteID) }, enrolled, nil
}

// checkEditable returns an error wrapping data.ErrOtherSite when this kiosk
// may not edit the content of site siteID ("": no new site) or of the site
// the row id of table (events or honour) belongs to already (EditableSites).
func (s *Store) checkEditable(ctx context.Context, table, id, siteID string) error {
	may, enrolled, err := s.EditableSites(ctx)
	if err != nil {
		return err
	}
	var old string
	err = s.r.QueryRowContext(ctx, `SELECT site_id FROM `+table+` WHERE id = ?`, id).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	for _, site := range []string{siteID, old} {
		if site != "" && !may(site) {
			return fmt.Errorf("%w: it belongs to site %s, this kiosk is enrolled for site %s (or those under it)",
				data.ErrOtherSite, site, enrolled)
		}
	}
	return nil
}
