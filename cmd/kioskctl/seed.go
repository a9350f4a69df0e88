package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/civickiosk/kiosk/assets"
	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data/content"
)

func init() {
	commands["seed"] = command{"load the embedded demo centre (Xiaodian district) into the database", seed}
}

func seed(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	db := dbFlag(fs)
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	st, err := createStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := content.Parse(assets.DemoCentre, content.Options{Now: time.Now()})
	if err != nil {
		return fmt.Errorf("demo centre: %w", err)
	}
	if err := st.LoadContent(ctx, f); err != nil {
		return err
	}
	fmt.Fprintf(out, "loaded the demo centre into %s: %d sites, %d events, %d honour-wall entries, %d teams\n",
		st.Path(), len(f.Sites), len(f.Events), len(f.Honour), len(f.Teams))
	return nil
}
