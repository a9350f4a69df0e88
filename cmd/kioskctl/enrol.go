package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

func init() {
	commands["enrol"] = command{"enrol this kiosk at the district hub: enrol --db PATH --hub URL --code CODE (staff mode's 加入中心平台 does the same from the hub's QR code)", enrol}
}

func enrol(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("enrol", flag.ContinueOnError)
	db := dbFlag(fs)
	hub := fs.String("hub", "", "the hub's address, https://HOST[:PORT]")
	code := fs.String("code", "", "one-time enrolment code (hub enrol --site ID)")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	if *hub == "" || *code == "" {
		return errors.New("give --hub URL and --code CODE")
	}
	st, err := createStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := hubsync.Enrol(ctx, st, *hub, *code, nil)
	if errors.Is(err, hubsync.ErrDeviceEnrolled) {
		id, _ := st.DeviceID(ctx)
		return fmt.Errorf("the hub already has this kiosk's device id enrolled: %s is a copy of an enrolled kiosk's database "+
			"(a copy must never run as a second kiosk: it signs passes with the same key); set up the new kiosk with a fresh "+
			"database, or, if the old kiosk is gone for good, revoke it first (hub revoke --device %s) and enrol again", st.Path(), id)
	}
	if errors.Is(err, hubsync.ErrBadCode) {
		return fmt.Errorf("the hub refused the code (unknown, expired or already used): ask for a new one")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "enrolled device %s at %s for site %s; run kioskctl sync --db %s to fetch the content\n",
		r.DeviceID, *hub, r.SiteID, st.Path())
	return nil
}
