-- Volunteer team members: who belongs to which team (teams, from content),
-- recorded when a team's pass sheet is made (checkin.Service.TeamPasses).
-- The hours report totals the members' service per team. A team deleted by
-- the hub takes its member rows with it; a visitor deleted on request keeps
-- the row (their id stays, as their attendance does, without phone or name).
CREATE TABLE team_members (
	team_id    TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	visitor_id TEXT NOT NULL REFERENCES visitors(id),
	added_ms   INTEGER NOT NULL,         -- when first recorded, UTC ms
	PRIMARY KEY (team_id, visitor_id)
) STRICT;
CREATE INDEX team_members_visitor ON team_members(visitor_id);
