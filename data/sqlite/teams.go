package sqlite

import (
	"context"
	"database/sql"

	"github.com/civickiosk/kiosk/data"
)

// AddTeamMembers records, in one transaction, that each of visitorIDs
// belongs to team teamID since addedMS (UTC ms). A membership already
// recorded keeps its first time. It returns how many memberships are new.
// An unknown team or visitor is an error (foreign key) and nothing is stored.
func (s *Store) AddTeamMembers(ctx context.Context, teamID string, visitorIDs []string, addedMS int64) (int, error) {
	added := 0
	err := s.write(ctx, func(tx *sql.Tx) error {
		added = 0
		for _, v := range visitorIDs {
			res, err := tx.ExecContext(ctx, `INSERT INTO team_members(team_id, visitor_id, added_ms) VALUES(?, ?, ?)
				ON CONFLICT(team_id, visitor_id) DO NOTHING`, teamID, v, addedMS)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return nil
	})
	return added, err
}

// TeamMembers returns every recorded team membership, by team then visitor.
func (s *Store) TeamMembers(ctx context.Context) ([]data.TeamMember, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT team_id, visitor_id, added_ms FROM team_members ORDER BY team_id, visitor_id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(m *data.TeamMember) []any { return []any{&m.TeamID, &m.VisitorID, &m.AddedMS} })
}
