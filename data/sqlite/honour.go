package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // honour-wall photo formats
	_ "image/png"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
)

// ErrBadPhoto is the error of a honour-wall photo that is not a PNG or JPEG
// image of at most content.MaxPhotoBytes.
var ErrBadPhoto = errors.New("the photo is not a PNG or JPEG image of at most 8 MB")

// AllHonourEntries returns every honour-wall entry, hidden ones included, by
// sort then name.
func (s *Store) AllHonourEntries(ctx context.Context) ([]data.HonourEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+honourCols+` FROM honour ORDER BY sort, name`)
	if err != nil {
		return nil, err
	}
	return collect(rows, honourDest)
}

// ErrNoHonourName is the error of an honour-wall entry without a name.
var ErrNoHonourName = errors.New("an honour-wall entry needs a name")

// SaveHonour stores h as a new honour-wall entry made on this kiosk and
// returns its id, from data.NewLocalID. h.ID is ignored; its
// SiteID must be a site of the store. The entry goes last on the wall:
// its Sort is one more than the highest of any entry. It returns
// ErrNoHonourName when h.Name is empty and ErrBadPhoto when h.Photo is
// neither nil nor a photo CheckPhoto accepts, and an error wrapping
// data.ErrOtherSite when h.SiteID is a site this kiosk may not edit
// (EditableSites).
func (s *Store) SaveHonour(ctx context.Context, h data.HonourEntry) (string, error) {
	if err := checkHonour(h); err != nil {
		return "", err
	}
	if err := s.checkEditable(ctx, "honour", "", h.SiteID); err != nil {
		return "", err
	}
	id := data.NewLocalID()
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO honour(id, site_id, name, title, story, community, photo, hidden, sort)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(sort), 0) + 1 FROM honour))`,
			id, h.SiteID, h.Name, h.Title, h.Story, h.Community, h.Photo, h.Hidden)
		if err != nil {
			return err
		}
		return queueEdit(ctx, tx, editHonour, id)
	})
	if err != nil {
		return "", fmt.Errorf("honour entry %s: %w", id, err)
	}
	return id, nil
}

// UpdateHonour replaces the name, title, story and photo (nil: none) of
// the honour-wall entry h.ID, keeping its site, community, place on the
// wall and whether it is hidden. It returns ErrNoHonourName when h.Name
// is empty, ErrBadPhoto when h.Photo is neither nil nor a photo
// CheckPhoto accepts, an error wrapping data.ErrNotFound when there is
// no such entry, and one wrapping data.ErrOtherSite when it is of a site
// this kiosk may not edit.
func (s *Store) UpdateHonour(ctx context.Context, h data.HonourEntry) error {
	if err := checkHonour(h); err != nil {
		return err
	}
	return s.updateHonour(ctx, h.ID, `UPDATE honour SET name = ?, title = ?, story = ?, photo = ? WHERE id = ?`,
		h.Name, h.Title, h.Story, h.Photo, h.ID)
}

// checkHonour returns ErrNoHonourName or ErrBadPhoto when h cannot be
// stored as staff made it.
func checkHonour(h data.HonourEntry) error {
	if h.Name == "" {
		return ErrNoHonourName
	}
	if h.Photo != nil {
		return CheckPhoto(h.Photo)
	}
	return nil
}

// SetHonourHidden hides the honour-wall entry id from the wall, or shows it
// again, and puts the entry in the content outbox. It returns an error
// wrapping data.ErrNotFound when there is no such entry, and one wrapping
// data.ErrOtherSite when it is of a site this kiosk may not edit.
func (s *Store) SetHonourHidden(ctx context.Context, id string, hidden bool) error {
	return s.updateHonour(ctx, id, `UPDATE honour SET hidden = ? WHERE id = ?`, hidden, id)
}

// SetHonourPhoto replaces the photo of the honour-wall entry id; nil
// removes it, so that a generated avatar is shown. A photo must be a PNG
// or JPEG image of at most content.MaxPhotoBytes, else ErrBadPhoto is
// returned. The entry, photo included, goes in the content outbox. It
// returns an error wrapping data.ErrNotFound when there is no
// such entry, and one wrapping data.ErrOtherSite when it is of a site this
// kiosk may not edit.
func (s *Store) SetHonourPhoto(ctx context.Context, id string, photo []byte) error {
	if photo != nil {
		if err := CheckPhoto(photo); err != nil {
			return err
		}
	}
	return s.updateHonour(ctx, id, `UPDATE honour SET photo = ? WHERE id = ?`, photo, id)
}

// CheckPhoto returns ErrBadPhoto unless b is a PNG or JPEG image of at most
// content.MaxPhotoBytes.
func CheckPhoto(b []byte) error {
	if len(b) > content.MaxPhotoBytes {
		return ErrBadPhoto
	}
	if _, format, err := image.DecodeConfig(bytes.NewReader(b)); err != nil || format != "png" && format != "jpeg" {
		return ErrBadPhoto
	}
	return nil
}

// updateHonour runs an update of one honour-wall entry and, in the same
// transaction, puts the entry in the content outbox to go up to the hub.
// An entry of a site this kiosk may not edit is left as it is, with an
// error wrapping data.ErrOtherSite (EditableSites).
func (s *Store) updateHonour(ctx context.Context, id, query string, args ...any) error {
	if err := s.checkEditable(ctx, "honour", id, ""); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("honour entry %s: %w", id, data.ErrNotFound)
		}
		return queueEdit(ctx, tx, editHonour, id)
	})
}
