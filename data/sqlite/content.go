package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
)

// Setting keys used by the store itself.
const (
	SettingCentre = "centre" // JSON of data.Centre
	SettingZone   = "zone"   // the centre's IANA time zone
)

// LoadContent upserts everything in f (by id) in one transaction: either all
// of it is stored or nothing is. Rows not in f are kept. The centre's
// description and zone are replaced when f has them.
func (s *Store) LoadContent(ctx context.Context, f *content.File) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if f.Centre.Name != "" {
			b, err := json.Marshal(f.Centre)
			if err != nil {
				return err
			}
			if err := putSetting(ctx, tx, SettingCentre, string(b)); err != nil {
				return err
			}
		}
		if f.Zone != "" {
			if err := putSetting(ctx, tx, SettingZone, f.Zone); err != nil {
				return err
			}
		}
		// Parents before children: the file lists sites in any order.
		for _, st := range sitesParentsFirst(f.Sites) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sites(id, parent_id, level, name, address)
				VALUES(?, ?, ?, ?, ?)
				ON CONFLICT(id) DO UPDATE SET parent_id=excluded.parent_id, level=excluded.level,
				name=excluded.name, address=excluded.address`,
				st.ID, nullable(st.ParentID), int(st.Level), st.Name, st.Address); err != nil {
				return fmt.Errorf("site %s: %w", st.ID, err)
			}
		}
		for _, e := range f.Events {
			if err := putEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		for _, h := range f.Honour {
			if _, err := tx.ExecContext(ctx, `INSERT INTO honour(id, site_id, name, title, story, community, photo, hidden, sort)
				VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(id) DO UPDATE SET site_id=excluded.site_id, name=excluded.name, title=excluded.title,
				story=excluded.story, community=excluded.community, photo=excluded.photo,
				hidden=excluded.hidden, sort=excluded.sort`,
				h.ID, h.SiteID, h.Name, h.Title, h.Story, h.Community, h.Photo, h.Hidden, h.Sort); err != nil {
				return fmt.Errorf("honour entry %s: %w", h.ID, err)
			}
		}
		for _, t := range f.Teams {
			if _, err := tx.ExecContext(ctx, `INSERT INTO teams(id, site_id, name, kind, community, description, members)
				VALUES(?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT(id) DO UPDATE SET site_id=excluded.site_id, name=excluded.name, kind=excluded.kind,
				community=excluded.community, description=excluded.description, members=excluded.members`,
				t.ID, t.SiteID, t.Name, t.Kind, t.Community, t.Description, t.Members); err != nil {
				return fmt.Errorf("team %s: %w", t.ID, err)
			}
		}
		return nil
	})
}

// putEvent upserts one event.
func putEvent(ctx context.Context, tx *sql.Tx, e data.Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO events(id, site_id, title, category, place, organiser, partners,
			description, start_ms, end_ms, weekly, until_ms, capacity, cancelled)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET site_id=excluded.site_id, title=excluded.title, category=excluded.category,
		place=excluded.place, organiser=excluded.organiser, partners=excluded.partners,
		description=excluded.description, start_ms=excluded.start_ms, end_ms=excluded.end_ms,
		weekly=excluded.weekly, until_ms=excluded.until_ms, capacity=excluded.capacity,
		cancelled=excluded.cancelled`,
		e.ID, e.SiteID, e.Title, e.Category, e.Place, e.Organiser, e.Partners, e.Description,
		e.StartMS, e.EndMS, e.Weekly, e.UntilMS, e.Capacity, e.Cancelled)
	if err != nil {
		return fmt.Errorf("event %s: %w", e.ID, err)
	}
	return nil
}

// PutEvent creates or replaces one event (staff mode: made, changed or
// cancelled) and, in the same transaction, puts it in the content outbox to
// go up to the hub. It returns an error wrapping data.ErrOtherSite, and
// stores nothing, when the event is or was of a site this kiosk may not edit
// (EditableSites).
func (s *Store) PutEvent(ctx context.Context, e data.Event) error {
	if err := s.checkEditable(ctx, "events", e.ID, e.SiteID); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := putEvent(ctx, tx, e); err != nil {
			return err
		}
		return queueEdit(ctx, tx, editEvent, e.ID)
	})
}

// sitesParentsFirst orders sites so that every parent precedes its children.
func sitesParentsFirst(in []data.Site) []data.Site {
	out := make([]data.Site, 0, len(in))
	done := map[string]bool{}
	for len(out) < len(in) {
		progress := false
		for _, st := range in {
			if done[st.ID] || (st.ParentID != "" && !done[st.ParentID] && inSites(in, st.ParentID)) {
				continue
			}
			out = append(out, st)
			done[st.ID] = true
			progress = true
		}
		if !progress { // a cycle: let the foreign keys report it
			for _, st := range in {
				if !done[st.ID] {
					out = append(out, st)
					done[st.ID] = true
				}
			}
		}
	}
	return out
}

func inSites(sites []data.Site, id string) bool {
	for _, st := range sites {
		if st.ID == id {
			return true
		}
	}
	return false
}

func putSetting(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings(key, value) VALUES(?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Empty reports whether the store holds no content yet (no sites).
func (s *Store) Empty(ctx context.Context) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM sites").Scan(&n)
	return n == 0, err
}

// Centre returns the centre's description; the zero Centre when none is loaded.
func (s *Store) Centre(ctx context.Context) (data.Centre, error) {
	var c data.Centre
	v, err := s.Setting(ctx, SettingCentre, "")
	if err != nil || v == "" {
		return c, err
	}
	return c, json.Unmarshal([]byte(v), &c)
}

// Sites returns every site, centre first, then by level and name.
func (s *Store) Sites(ctx context.Context) ([]data.Site, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+siteCols+` FROM sites ORDER BY level, name`)
	if err != nil {
		return nil, err
	}
	return collect(rows, siteDest)
}

const siteCols = `id, coalesce(parent_id, ''), level, name, address`

func siteDest(st *data.Site) []any {
	return []any{&st.ID, &st.ParentID, &st.Level, &st.Name, &st.Address}
}

const eventCols = `id, site_id, title, category, place, organiser, partners, description,
	start_ms, end_ms, weekly, until_ms, capacity, cancelled`

func eventDest(e *data.Event) []any {
	return []any{&e.ID, &e.SiteID, &e.Title, &e.Category, &e.Place, &e.Organiser, &e.Partners,
		&e.Description, &e.StartMS, &e.EndMS, &e.Weekly, &e.UntilMS, &e.Capacity, &e.Cancelled}
}

// Events returns every event, cancelled ones included, by first start.
func (s *Store) Events(ctx context.Context) ([]data.Event, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventCols+` FROM events ORDER BY start_ms, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, eventDest)
}

// Event returns one event, or an error wrapping data.ErrNotFound.
func (s *Store) Event(ctx context.Context, id string) (data.Event, error) {
	var e data.Event
	err := s.r.QueryRowContext(ctx, `SELECT `+eventCols+` FROM events WHERE id = ?`, id).Scan(eventDest(&e)...)
	if errors.Is(err, sql.ErrNoRows) {
		return e, fmt.Errorf("event %q: %w", id, data.ErrNotFound)
	}
	return e, err
}

// HonourEntries returns the visible honour-wall entries, by sort then name.
func (s *Store) HonourEntries(ctx context.Context) ([]data.HonourEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+honourCols+` FROM honour WHERE hidden = 0 ORDER BY sort, name`)
	if err != nil {
		return nil, err
	}
	return collect(rows, honourDest)
}

// honourCols are the honour table's columns in data.HonourEntry field order.
const honourCols = `id, site_id, name, title, story, community, photo, hidden, sort`

func honourDest(h *data.HonourEntry) []any {
	return []any{&h.ID, &h.SiteID, &h.Name, &h.Title, &h.Story, &h.Community, &h.Photo, &h.Hidden, &h.Sort}
}

// Teams returns the volunteer teams, by kind then name.
func (s *Store) Teams(ctx context.Context) ([]data.Team, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, site_id, name, kind, community, description, members
		FROM teams ORDER BY kind, name`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(t *data.Team) []any {
		return []any{&t.ID, &t.SiteID, &t.Name, &t.Kind, &t.Community, &t.Description, &t.Members}
	})
}

// collect scans every row into a new T using dest to name its fields, and
// closes rows.
func collect[T any](rows *sql.Rows, dest func(*T) []any) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(dest(&v)...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Zone returns the centre's time zone: the zone setting, or
// data.DefaultZone (Asia/Shanghai) when unset. Zone data is embedded
// (time/tzdata), so this works on machines without a zone database.
func (s *Store) Zone(ctx context.Context) (*time.Location, error) {
	name, err := s.Setting(ctx, SettingZone, data.DefaultZone)
	if err != nil {
		return nil, err
	}
	return time.LoadLocation(name)
}

// SettingSite is the setting key of the site this kiosk stands at.
const SettingSite = "site"

// KioskSite returns the site this kiosk stands at: override when non-empty,
// else the site setting, else the district centre (the level-1 site). It
// returns an error wrapping data.ErrNotFound when that site does not exist.
func (s *Store) KioskSite(ctx context.Context, override string) (data.Site, error) {
	id := override
	if id == "" {
		var err error
		if id, err = s.Setting(ctx, SettingSite, ""); err != nil {
			return data.Site{}, err
		}
	}
	q, arg := `SELECT `+siteCols+` FROM sites WHERE id = ?`, any(id)
	if id == "" {
		q, arg = `SELECT `+siteCols+` FROM sites WHERE level = ? ORDER BY id LIMIT 1`, int(data.LevelCentre)
	}
	var st data.Site
	err := s.r.QueryRowContext(ctx, q, arg).Scan(siteDest(&st)...)
	if errors.Is(err, sql.ErrNoRows) {
		if id == "" {
			return st, fmt.Errorf("no district centre in the content: %w", data.ErrNotFound)
		}
		return st, fmt.Errorf("site %q: %w", id, data.ErrNotFound)
	}
	return st, err
}

// Setting keys of the check-in rules, in minutes.
const (
	SettingEarlyMinutes   = "rules.early_minutes"
	SettingMinStayMinutes = "rules.min_stay_minutes"
)

// Rules returns the kiosk's check-in rules: the rules.* settings, each
// defaulting to data.DefaultRules.
func (s *Store) Rules(ctx context.Context) (data.Rules, error) {
	r := data.DefaultRules
	for key, dst := range map[string]*int{SettingEarlyMinutes: &r.EarlyMinutes, SettingMinStayMinutes: &r.MinStayMinutes} {
		v, err := s.Setting(ctx, key, "")
		if err != nil {
			return r, err
		}
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return r, fmt.Errorf("setting %s = %q: want a whole number of minutes", key, v)
		}
		*dst = n
	}
	return r, nil
}
