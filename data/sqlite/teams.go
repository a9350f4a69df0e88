package sqlite

import (
	"context"
	"database/sql"

	"github.com/civickiosk/kiosk/data"
)

// SetTeamMembers makes visitorIDs, in one transaction, the members of team
// teamID: each becomes a member since addedMS (UTC ms) unless already one (a
// membership keeps its first time), and the team's other members stop being
// members (only the membership goes; the visitor and their attendance
// stay). It returns how many memberships are new and how many were removed.
// An unknown team or visitor is an error (foreign key) and nothing changes.
func (s *Store) SetTeamMembers(ctx context.Context, teamID string, visitorIDs []string, addedMS int64) (added, removed int, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		added, removed = 0, 0
		keep := make(map[string]bool, len(visitorIDs))
		for _, v := range visitorIDs {
			keep[v] = true
			res, err := tx.ExecContext(ctx, `INSERT INTO team_members(team_id, visitor_id, added_ms) VALUES(?, ?, ?)
				ON CONFLICT(team_id, visitor_id) DO NOTHING`, teamID, v, addedMS)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		rows, err := tx.QueryContext(ctx, `SELECT visitor_id FROM team_members WHERE team_id = ?`, teamID)
		if err != nil {
			return err
		}
		var gone []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return err
			}
			if !keep[v] {
				gone = append(gone, v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, v := range gone {
			if _, err := tx.ExecContext(ctx, `DELETE FROM team_members WHERE team_id = ? AND visitor_id = ?`, teamID, v); err != nil {
				return err
			}
		}
		removed = len(gone)
		return nil
	})
	return added, removed, err
}

// TeamMembers returns every recorded team membership, by team then visitor.
func (s *Store) TeamMembers(ctx context.Context) ([]data.TeamMember, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT team_id, visitor_id, added_ms FROM team_members ORDER BY team_id, visitor_id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(m *data.TeamMember) []any { return []any{&m.TeamID, &m.VisitorID, &m.AddedMS} })
}
