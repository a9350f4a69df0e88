package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/civickiosk/kiosk/data/checkin"
)

func init() {
	commands["passes"] = command{"print a sheet of named pass cards for a volunteer team and record its members (A4 PNG pages, 2×4 cards): passes --db PATH --team ID --csv FILE --out DIR", passes}
}

func passes(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("passes", flag.ContinueOnError)
	db := dbFlag(fs)
	teamID := fs.String("team", "", "the volunteer team's id")
	csvPath := fs.String("csv", "", "the team's members, one per line: phone,name (comma, tab, semicolon or '，' between them; UTF-8, UTF-16 or GB18030; a first line without digits is a header)")
	outDir := fs.String("out", "", "the folder to write the pages to")
	if err := fs.Parse(args); err != nil {
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
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return err
	}
	paths, err := sheet.Write(*outDir)
	if err != nil {
		return err
	}
	for _, p := range paths {
		fmt.Fprintln(out, p)
	}
	fmt.Fprintf(os.Stderr, "%d cards (%d new visitors, %d new passes) on %d page(s)\n",
		len(sheet.Cards), sheet.NewVisitors, sheet.NewPasses, len(paths))
	return nil
}
