package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data/sqlite"
)

func init() {
	commands["restore"] = command{"restore a backup as this kiosk, with a new signing key (stop the kiosk first): restore --db PATH --from BACKUP", restore}
}

func restore(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	db := dbFlag(fs)
	from := fs.String("from", "", "the backup file, e.g. backups/kiosk-YYYY-MM-DD.db")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("give --from BACKUP")
	}
	path := *db
	if path == "" {
		p, err := sqlite.DefaultPath()
		if err != nil {
			return err
		}
		path = p
	}
	r, err := sqlite.Restore(ctx, path, *from, time.Now().UnixMilli())
	if errors.Is(err, sqlite.ErrCorrupt) {
		return fmt.Errorf("%w\nthe backup is damaged: nothing was changed; try the one before it", err)
	}
	if err != nil {
		return fmt.Errorf("%w\nnothing was changed", err)
	}
	fmt.Fprintf(out, "restored %s from %s as device %s with a new signing key %d\n", path, *from, r.DeviceID, r.KeyID)
	if r.Previous != "" {
		fmt.Fprintf(out, "the replaced database is kept as %s\n", r.Previous)
	}
	fmt.Fprintln(out, "check-ins made since the backup are lost; passes issued since then keep verifying (their key stays), "+
		"and new passes are numbered under the new key; the hub learns it at the next sync (kioskctl sync, or the kiosk once started)")
	return nil
}
