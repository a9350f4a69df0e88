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

// SetHonourHidden hides the honour-wall entry id from the wall, or shows it
// again, and puts the entry in the content outbox. It returns an error
// wrapping data.ErrNotFound when there is no such entry.
func (s *Store) SetHonourHidden(ctx context.Context, id string, hidden bool) error {
	return s.updateHonour(ctx, id, `UPDATE honour SET hidden = ? WHERE id = ?`, hidden, id)
}

// SetHonourPhoto replaces the photo of the honour-wall entry id; nil
// removes it, so that a generated avatar is shown. A photo must be a PNG
// or JPEG image of at most content.MaxPhotoBytes, else ErrBadPhoto is
// returned. The entry, photo included, goes in the content outbox. It
// returns an error wrapping data.ErrNotFound when there is no
// such entry.
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
func (s *Store) updateHonour(ctx context.Context, id, query string, args ...any) error {
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
