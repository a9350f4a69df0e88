package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data/content"
)

func init() {
	commands["import"] = command{"load a centre's own content file (YAML; see docs/content-format.md): import --db PATH FILE", importContent}
}

func importContent(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	db := dbFlag(fs)
	pos, err := cliargs.Parse(fs, args, "FILE (the content file: import --db PATH FILE)")
	if err != nil {
		return err
	}
	name := pos[0]
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	st, err := createStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	sites, err := st.Sites(ctx)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, s := range sites {
		known[s.ID] = true
	}
	loc, err := st.Zone(ctx)
	if err != nil {
		return err
	}
	f, err := content.Parse(src, content.Options{Now: time.Now(), Dir: os.DirFS(filepath.Dir(name)), KnownSites: known, Zone: loc})
	if err != nil {
		return fmt.Errorf("%s: nothing was imported:\n%w", name, err)
	}
	if err := st.LoadContent(ctx, f); err != nil {
		return fmt.Errorf("%s: nothing was imported: %w", name, err)
	}
	fmt.Fprintf(out, "imported %s: %d sites, %d events, %d honour-wall entries, %d teams\n",
		name, len(f.Sites), len(f.Events), len(f.Honour), len(f.Teams))
	return nil
}
