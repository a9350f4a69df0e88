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
	commands["restore"] = command{"restore a backup as this kiosk, with a new signing key (stop the kiosk first): restore --db PATH --from BACKUP [--force]", restore}
}

func restore(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	db := dbFlag(fs)
	from := fs.String("from", "", "the backup file, e.g. backups/kiosk-YYYY-MM-DD.db")
	force := fs.Bool("force", false, "restore even a backup of another kiosk (device id): this machine becomes that kiosk, which must never run again")
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
	r, err := sqlite.Restore(ctx, path, *from, time.Now().UnixMilli(), *force)
	if errors.Is(err, sqlite.ErrOtherKiosk) {
		return fmt.Errorf("%w\nnothing was changed: restoring it would make this machine a second copy of that kiosk, "+
			"breaking its sync and its visitors' phone sign-in; restore a backup of this kiosk (device %s), or give --force "+
			"only when this machine replaces that kiosk for good (that kiosk must never run again)", err, r.Replaced)
	}
	if errors.Is(err, sqlite.ErrCorrupt) {
		return fmt.Errorf("%w\nthe backup is damaged: nothing was changed; try the one before it", err)
	}
	if err != nil {
		return fmt.Errorf("%w\nnothing was changed", err)
	}
	fmt.Fprintf(out, "restored %s from %s as device %s with a new signing key %d\n", path, *from, r.DeviceID, r.KeyID)
	if r.Replaced != "" && r.Replaced != r.DeviceID {
		fmt.Fprintf(out, "the replaced database was device %s: this machine is now device %s, which must not run anywhere else\n",
			r.Replaced, r.DeviceID)
	}
	if r.KeptEnrolment {
		fmt.Fprintln(out, "the hub enrolment of the replaced database is kept")
	}
	if r.Previous != "" {
		fmt.Fprintf(out, "the replaced database is kept as %s\n", r.Previous)
		if l := r.Lost; l != nil {
			fmt.Fprintf(out, "it has what the backup lacks: %d check-ins (%d not yet sent to the hub), %d visitors registered, "+
				"%d content edits not yet sent to the hub; they are not in the restored database\n",
				l.CheckIns, l.CheckInsUnsent, l.Visitors, l.ContentEdits)
		} else {
			fmt.Fprintln(out, "it could not be read: whatever it had since the backup (check-ins, visitors, content edits) is not in the restored database")
		}
	}
	fmt.Fprintln(out, "passes issued since the backup keep verifying (their key stays), new passes are numbered under the new key, "+
		"and visitors registered before the backup get their pass back; the hub learns the new key at the next sync (kioskctl sync, or the kiosk once started)")
	return nil
}
