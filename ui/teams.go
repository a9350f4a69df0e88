package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

// teamKinds are the kinds the teams screen filters by, after 全部 (all).
var teamKinds = []string{data.TeamParty, data.TeamProfessional, data.TeamSocial}

// teamKindKeys are the translation keys of the team kinds.
var teamKindKeys = map[string]string{
	data.TeamParty:        "teams.party",
	data.TeamProfessional: "teams.professional",
	data.TeamSocial:       "teams.social",
}

// teamsScreen lists the volunteer teams, all of them or those of one kind
// (党群, 专业, 社会).
type teamsScreen struct {
	shell *Shell
	kind  string // "" for all
	teams []data.Team
	list  *pager
}

func newTeamsScreen(s *Shell) *teamsScreen {
	return &teamsScreen{shell: s}
}

// Build reads the teams and shows those of the chosen kind.
func (t *teamsScreen) Build() fyne.CanvasObject {
	s := t.shell
	title := lang.L("teams.title")
	ctx, cancel := s.query()
	defer cancel()
	var err error
	if t.teams, err = s.catalog.Teams(ctx); err != nil {
		return s.frame(title, false, s.failed(err))
	}
	labels := []string{lang.L("teams.all")}
	for _, k := range teamKinds {
		labels = append(labels, lang.L(teamKindKeys[k]))
	}
	kinds := s.choice(labels, 0, func(i int) {
		t.kind = ""
		if i > 0 {
			t.kind = teamKinds[i-1]
		}
		t.show()
	})
	t.list = s.pager(0, lang.L("teams.none"))
	t.show()
	return s.frame(title, false, container.NewBorder(kinds, nil, nil, nil, t.list.box))
}

// show lists the teams of the chosen kind.
func (t *teamsScreen) show() {
	var items []fyne.CanvasObject
	lead := &leadColumn{}
	for _, team := range t.teams {
		if t.kind == "" || team.Kind == t.kind {
			items = append(items, t.shell.teamCard(team, lead))
		}
	}
	t.list.setItems(items)
}

// teamCard shows a team's name, kind, community and size beside its
// description.
func (s *Shell) teamCard(t data.Team, lead *leadColumn) fyne.CanvasObject {
	about := t.Community
	if t.Members > 0 {
		about = joinNonEmpty(" · ", about, lang.L("teams.members", map[string]any{"N": t.Members}))
	}
	name := widget.NewRichText(
		&widget.TextSegment{Text: t.Name, Style: styleItem},
		&widget.TextSegment{Text: lang.L(teamKindKeys[t.Kind]) + "  ", Style: inline(styleAccent)},
		&widget.TextSegment{Text: about, Style: styleSoft})
	return s.card(lead.row(name, text(t.Description, styleBody)), nil)
}
