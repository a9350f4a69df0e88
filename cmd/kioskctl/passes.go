package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/pass"
)

func init() {
	commands["passes"] = command{"print a sheet of named pass cards for a volunteer team (A4 PNG pages, 2×4 cards): passes --db PATH --team ID --csv FILE --out DIR", passes}
}

// member is one row of a team's CSV file: a phone number and a name.
type member struct {
	phone, name string
}

func passes(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("passes", flag.ContinueOnError)
	db := dbFlag(fs)
	teamID := fs.String("team", "", "the volunteer team's id")
	csvPath := fs.String("csv", "", "the team's members, one per line: phone,name (UTF-8; a header line is skipped)")
	outDir := fs.String("out", "", "the folder to write the pages to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *teamID == "" || *csvPath == "" || *outDir == "" {
		return errors.New("--team, --csv and --out are required")
	}
	members, err := readMembers(*csvPath)
	if err != nil {
		return err
	}
	st, err := openStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	teams, err := st.Teams(ctx)
	if err != nil {
		return err
	}
	var team *data.Team
	for i := range teams {
		if teams[i].ID == *teamID {
			team = &teams[i]
		}
	}
	if team == nil {
		return fmt.Errorf("no team %q", *teamID)
	}
	svc, err := checkin.New(ctx, st, checkin.Options{})
	if err != nil {
		return err
	}
	cards := make([]pass.Card, len(members))
	created := 0
	for i, m := range members {
		reg, err := svc.Register(ctx, m.phone, "", m.name)
		if err != nil {
			return fmt.Errorf("%s: %w", data.MaskPhone(m.phone), err)
		}
		if reg.Created {
			created++
		}
		cards[i] = pass.Card{Code: reg.Code, Name: reg.Visitor.Name, Phone: data.MaskPhone(reg.Visitor.Phone), Team: team.Name}
	}
	pages, err := pass.A4.Render(cards)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}
	for i, p := range pages {
		path := filepath.Join(*outDir, fmt.Sprintf("passes-%s-%02d.png", team.ID, i+1))
		if err := os.WriteFile(path, p, 0o644); err != nil {
			return err
		}
		fmt.Fprintln(out, path)
	}
	fmt.Fprintf(os.Stderr, "%d cards (%d new visitors) on %d page(s)\n", len(cards), created, len(pages))
	return nil
}

// readMembers reads a CSV file of phone,name rows. A first row whose phone
// is not a phone number is a header and skipped; any other such row is an
// error naming its line. Blank rows are skipped.
func readMembers(path string) ([]member, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var out []member
	for row := 0; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		phone, ok := data.NormalisePhone(rec[0])
		if !ok {
			if row == 0 {
				continue
			}
			return nil, fmt.Errorf("%s line %d: %q is not a mainland mobile number", path, line, rec[0])
		}
		name := ""
		if len(rec) > 1 {
			name = strings.TrimSpace(rec[1])
		}
		out = append(out, member{phone: phone, name: name})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no members", path)
	}
	return out, nil
}
