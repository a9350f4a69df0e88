package sqlite

import (
	"context"
	"database/sql"

	"github.com/civickiosk/kiosk/data"
)

// Kinds of content edited on the kiosk (the hub's feed kinds).
const (
	editEvent  = "event"
	editHonour = "honour"
)

// queueEdit puts the item kind/id in the content outbox (migration 008), or
// counts one more edit of it there; an item the hub rejected is sent again.
func queueEdit(ctx context.Context, tx *sql.Tx, kind, id string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO content_outbox(kind, id) VALUES(?, ?)
		ON CONFLICT(kind, id) DO UPDATE SET rev = rev + 1, status = '', reason = '', answered_ms = 0`, kind, id)
	return err
}

// ContentEdit is an event or honour-wall entry edited in staff mode, as it
// now stands, waiting to go up to the hub. Rev tells edits apart: an answer
// for an earlier Rev leaves a later edit in the outbox.
type ContentEdit struct {
	Kind   string // "event" or "honour"
	ID     string
	Rev    int64
	Event  *data.Event       // for "event"
	Honour *data.HonourEntry // for "honour", photo included
}

// ContentOutbox returns up to limit edited items not yet answered by the
// hub, events first, each by id. It stops before the honour-wall entry
// whose photo would take the photos' bytes past maxBytes, but returns at
// least one item.
func (s *Store) ContentOutbox(ctx context.Context, limit, maxBytes int) ([]ContentEdit, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT events.id,
		(SELECT rev FROM content_outbox o WHERE o.kind = 'event' AND o.id = events.id), `+eventCols+` FROM events
		WHERE id IN (SELECT id FROM content_outbox WHERE kind = 'event' AND status = '') ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(c *ContentEdit) []any {
		c.Kind, c.Event = editEvent, new(data.Event)
		return append([]any{&c.ID, &c.Rev}, eventDest(c.Event)...)
	})
	if err != nil || len(out) >= limit {
		return out, err
	}
	rows, err = s.r.QueryContext(ctx, `SELECT honour.id,
		(SELECT rev FROM content_outbox o WHERE o.kind = 'honour' AND o.id = honour.id), `+honourCols+` FROM honour
		WHERE id IN (SELECT id FROM content_outbox WHERE kind = 'honour' AND status = '') ORDER BY id LIMIT ?`,
		limit-len(out))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	size := 0
	for rows.Next() {
		c := ContentEdit{Kind: editHonour, Honour: new(data.HonourEntry)}
		if err := rows.Scan(append([]any{&c.ID, &c.Rev}, honourDest(c.Honour)...)...); err != nil {
			return nil, err
		}
		if size += len(c.Honour.Photo); size > maxBytes && len(out) > 0 {
			break
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ContentAnswer is the hub's answer for one edited item: Status is
// "stored", "already_stored" or "rejected", Reason the hub's reason for a
// rejection.
type ContentAnswer struct {
	Kind, ID string
	Rev      int64 // ContentEdit.Rev of the state that was sent
	Status   string
	Reason   string
}

// MarkContentSent records the hub's answers in one transaction: a stored
// item leaves the outbox, a rejected one stays out of it with the reason
// (and nowMS, the kiosk's clock) — unless it was edited again since it was
// sent (another Rev), which keeps it in the outbox.
func (s *Store) MarkContentSent(ctx context.Context, as []ContentAnswer, nowMS int64) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		for _, a := range as {
			var err error
			if a.Status == "rejected" {
				_, err = tx.ExecContext(ctx, `UPDATE content_outbox SET status = ?, reason = ?, answered_ms = ?
					WHERE kind = ? AND id = ? AND rev = ?`, a.Status, a.Reason, nowMS, a.Kind, a.ID, a.Rev)
			} else {
				_, err = tx.ExecContext(ctx, `DELETE FROM content_outbox WHERE kind = ? AND id = ? AND rev = ?`,
					a.Kind, a.ID, a.Rev)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// RejectedEdit is an item edited here that the hub refused, kept with the
// hub's reason. The kiosk keeps its own version until the hub's feed
// changes the item or staff edit it again.
type RejectedEdit struct {
	Kind, ID   string
	Reason     string
	AnsweredMS int64 // kiosk clock at the hub's answer
}

// RejectedEdits returns the edited items the hub rejected, by kind and id.
func (s *Store) RejectedEdits(ctx context.Context) ([]RejectedEdit, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT kind, id, reason, answered_ms FROM content_outbox
		WHERE status = 'rejected' ORDER BY kind, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r *RejectedEdit) []any { return []any{&r.Kind, &r.ID, &r.Reason, &r.AnsweredMS} })
}

// pendingEdit reports whether the item kind/id was edited here and waits to
// go up: a change of it from the hub's feed is older than the edit in hub
// order (the edit reaches the hub later), so it is not applied.
func pendingEdit(ctx context.Context, tx *sql.Tx, kind, id string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM content_outbox WHERE kind = ? AND id = ? AND status = ''`,
		kind, id).Scan(&n)
	return n > 0, err
}
