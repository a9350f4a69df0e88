package main

import (
	"context"
	"fmt"
	"io"

	"github.com/civickiosk/kiosk/data/export"
)

func init() {
	commands["hours"] = command{"export service hours per visitor, community and volunteer team: hours --db PATH --format csv|xlsx --out FILE " +
		"[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--event ID] [--community ID] [--by visitor|community|team] [--full-phone] [--gb18030]", hours}
}

func hours(ctx context.Context, args []string, out io.Writer) error {
	ef := newExportFlags("hours", "hours")
	by := ef.fs.String("by", "visitor", "CSV rows: one per visitor, community or team (XLSX has a sheet of each)")
	job, err := ef.prepare(ctx, args, func() error {
		switch export.HoursRows(*by) {
		case export.ByVisitor, export.ByCommunity, export.ByTeam:
			return nil
		}
		return fmt.Errorf("--by %q: want visitor, community or team", *by)
	})
	if err != nil {
		return err
	}
	defer job.st.Close()
	job.opts.HoursBy = export.HoursRows(*by)
	// The period selects sessions by their start, so that a check-in and its
	// check-out are counted together.
	f := job.filter
	f.SessionFromMS, f.SessionToMS, f.FromMS, f.ToMS = f.FromMS, f.ToMS, 0, 0
	rep, err := job.st.Hours(ctx, f, nil)
	if err != nil {
		return err
	}
	err = export.WriteFile(*ef.out, func(w io.Writer) error {
		_, err := export.WriteHours(w, job.format, rep, job.opts)
		return err
	})
	if err != nil {
		return err
	}
	var ms int64
	unclosed := 0
	for _, v := range rep.Visitors {
		ms += v.ServiceMS
		unclosed += v.Unclosed
	}
	if job.closedIn > 0 {
		fmt.Fprintf(out, "checked out %d visitor(s) of ended sessions automatically\n", job.closedIn)
	}
	fmt.Fprintf(out, "wrote service hours of %d visitor(s), %d community group(s), %d team(s), %s: %.2f hours in total, to %s\n",
		len(rep.Visitors), len(rep.Communities), len(rep.Teams), job.describe(), export.Hours(ms), *ef.out)
	if unclosed > 0 {
		fmt.Fprintf(out, "%d check-in(s) have no check-out yet (sessions still running): not counted\n", unclosed)
	}
	return nil
}
