package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data/checkin"
)

func init() {
	commands["passes"] = command{"print a sheet of named pass cards for a volunteer team and make the list its members (A4 PNG pages, 2×4 cards): passes --db PATH --team ID --csv FILE --out DIR", passes}
}

func passes(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("passes", flag.ContinueOnError)
	db := dbFlag(fs)
	teamID := fs.String("team", "", "the volunteer team's id")
	csvPath := fs.String("csv", "", "the team's members, one per line: phone,name (comma, tab, semicolon or '，' between them; UTF-8, UTF-16 or GB18030; a first line without digits is a header)")
	outDir := fs.String("out", "", "the folder to write the pages to")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	if *teamID == "" || *csvPath == "" || *outDir == "" {
		return errors.New("--team, --csv and --out are required")
	}
	f, err := os.Open(*csvPath)
	if err != nil {
		return err
	}
	members, err := checkin.ReadMembers(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", *csvPath, err)
	}
	st, err := openStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	svc, err := checkin.New(ctx, st, checkin.Options{})
	if err != nil {
		return err
	}
	sheet, err := svc.TeamPasses(ctx, *teamID, members, nil)
	if err != nil {
		return err
	}
	pages, err := writePages(out, *outDir, sheet.Write)
	if err != nil {
		return err
	}
	report(os.Stderr, sheet, pages)
	return nil
}

// report writes what making sheet did, on pages pages, to w: the cards,
// the team's new membership and the names on the list that differ from the
// registered ones (which are kept and printed).
func report(w io.Writer, sheet checkin.TeamSheet, pages int) {
	fmt.Fprintf(w, "%d cards (%d new visitors, %d new passes) on %d page(s)\n",
		len(sheet.Cards), sheet.NewVisitors, sheet.NewPasses, pages)
	fmt.Fprintf(w, "the team's members are now the list's %d; %d not on it removed from the team\n",
		len(sheet.Cards), sheet.Removed)
	if len(sheet.Differing) > 0 {
		fmt.Fprintf(w, "%d name(s) differ from the registered ones, which are kept and printed:\n", len(sheet.Differing))
	}
	for _, d := range sheet.Differing {
		fmt.Fprintf(w, "  line %d: %s (registered: %s)\n", d.Line, d.Listed, d.Registered)
	}
}

// writePages makes the folder dir, writes pages into it with write (which
// returns the files' paths) and prints each path on out, one a line. It
// returns how many pages were written.
func writePages(out io.Writer, dir string, write func(dir string) ([]string, error)) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	paths, err := write(dir)
	if err != nil {
		return 0, err
	}
	for _, p := range paths {
		fmt.Fprintln(out, p)
	}
	return len(paths), nil
}
