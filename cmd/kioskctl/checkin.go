package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
)

func init() {
	commands["checkin"] = command{"check a pass in or out, exactly as the kiosk's scanner does: checkin --db PATH --code CODE [--event ID]", checkIn}
}

func checkIn(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("checkin", flag.ContinueOnError)
	db := dbFlag(fs)
	code := fs.String("code", "", "the scanned pass code")
	phone := fs.String("phone", "", "check in by phone number instead of a pass code")
	event := fs.String("event", "", "event id (default: the session open now at the kiosk's site)")
	site := fs.String("site", "", "the kiosk's site (default: its setting, else the district centre)")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	if (*code == "") == (*phone == "") {
		return errors.New("give one of --code or --phone")
	}
	st, err := openStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	at, err := st.KioskSite(ctx, *site)
	if err != nil {
		return err
	}
	svc, err := checkin.New(ctx, st, checkin.Options{SiteID: at.ID})
	if err != nil {
		return err
	}
	var res checkin.Result
	if *code != "" {
		res, err = svc.Scan(ctx, *code, checkin.Target{Event: *event})
	} else {
		res, err = svc.Phone(ctx, *phone, checkin.Target{Event: *event})
	}
	if err != nil {
		return err
	}
	loc := svc.Zone()
	hhmm := func(ms int64) string { return time.UnixMilli(ms).In(loc).Format("2006-01-02 15:04") }
	switch res.Outcome {
	case data.Accepted:
		fmt.Fprintf(out, "%s %s %s at %s (record %s", map[data.Direction]string{data.In: "checked in", data.Out: "checked out"}[res.Direction],
			who(res), res.Session.Event.Title, hhmm(res.Record.WallMS), res.Record.ID)
		if !res.Record.Verified {
			fmt.Fprint(out, ", UNVERIFIED: signing key not known here")
		}
		fmt.Fprintln(out, ")")
		if res.Direction == data.Out {
			fmt.Fprintf(out, "service time %s\n", (time.Duration(res.ServiceMS) * time.Millisecond).Round(time.Minute))
		}
		return nil
	case data.Duplicate:
		fmt.Fprintf(out, "duplicate (%s): %s already recorded at %s; nothing stored\n", res.Reason, who(res), hhmm(res.Previous.WallMS))
		return nil
	}
	fmt.Fprintf(out, "refused: %s\n", res.Reason)
	for _, c := range res.Choices {
		fmt.Fprintf(out, "  open: --event %s  %s %s\n", c.Event.ID, hhmm(c.StartMS), c.Event.Title)
	}
	return errRefused
}

// who names the visitor of a result by masked phone, or by pass.
func who(r checkin.Result) string {
	if r.Visitor.Phone != "" {
		return data.MaskPhone(r.Visitor.Phone)
	}
	return fmt.Sprintf("pass %d/%d", r.Record.Pass.KeyID, r.Record.Pass.No)
}
