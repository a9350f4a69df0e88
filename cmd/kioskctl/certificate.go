package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/export"
)

func init() {
	commands["certificate"] = command{"print a volunteer's service record (志愿服务记录证明, A4 PNG pages) with their sessions and service hours: " +
		"certificate --db PATH --phone PHONE [--from YYYY-MM-DD] [--to YYYY-MM-DD] --out DIR", certificate}
}

func certificate(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("certificate", flag.ContinueOnError)
	db := dbFlag(fs)
	phone := fs.String("phone", "", "the volunteer's mobile number")
	from := fs.String("from", "", "first day, YYYY-MM-DD in the centre's zone (default: the day of their first session)")
	to := fs.String("to", "", "last day, included, YYYY-MM-DD in the centre's zone (default: today)")
	outDir := fs.String("out", "", "the folder to write the pages to")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	if *phone == "" || *outDir == "" {
		return errors.New("--phone and --out are required")
	}
	p, ok := data.NormalisePhone(*phone)
	if !ok {
		return fmt.Errorf("--phone %q: want an 11-digit mobile number", *phone)
	}
	st, err := openStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	loc, err := st.Zone(ctx)
	if err != nil {
		return err
	}
	fromMS, toMS, err := period(*from, *to, loc)
	if err != nil {
		return err
	}
	v, err := visitorArg(ctx, st, p)
	if err != nil {
		return err
	}
	// Ended sessions are closed first, as hours does, so that the record
	// counts what the hours report counts.
	svc, err := checkin.New(ctx, st, checkin.Options{Now: exportNow})
	if err != nil {
		return err
	}
	if _, err := svc.CloseEnded(ctx); err != nil {
		return err
	}
	day := func(ms int64) time.Time {
		if ms == 0 {
			return time.Time{}
		}
		return time.UnixMilli(ms).In(loc)
	}
	c, err := st.Certificate(ctx, v, day(fromMS), day(toMS), exportNow().In(loc))
	if errors.Is(err, export.ErrNoService) {
		return fmt.Errorf("%s has no service (no check-in) in the period", data.MaskPhone(p))
	}
	if err != nil {
		return err
	}
	pages, err := writePages(out, *outDir, c.Write)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: %d session(s), %.2f hours, %s to %s, on %d page(s)\n", data.MaskPhone(p), c.Hours.Sessions,
		export.Hours(c.Hours.ServiceMS), c.From.Format(time.DateOnly), c.To.AddDate(0, 0, -1).Format(time.DateOnly), pages)
	return nil
}
