package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/export"
	"github.com/civickiosk/kiosk/data/sqlite"
)

func init() {
	commands["export"] = command{"export the attendance log for Excel/WPS: export --db PATH --format csv|xlsx --out FILE " +
		"[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--event ID] [--community ID] [--accepted-only] [--full-phone] [--gb18030]", exportLog}
}

// exportNow is the clock of export and hours: ended sessions are closed as
// of this time.
var exportNow = time.Now

// exportFlags are the flags export and hours share.
type exportFlags struct {
	fs                          *flag.FlagSet
	db, format, out             *string
	from, to, event, community  *string
	fullPhone, gb18030, noClose *bool
}

func newExportFlags(name, what string) *exportFlags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	return &exportFlags{
		fs:        fs,
		db:        dbFlag(fs),
		format:    fs.String("format", "", "csv or xlsx (default: from the --out file's extension)"),
		out:       fs.String("out", "", "the file to write (replaced whole, or left as it was on failure)"),
		from:      fs.String("from", "", "first day, YYYY-MM-DD in the centre's zone (default: from the beginning)"),
		to:        fs.String("to", "", "last day, included, YYYY-MM-DD in the centre's zone (default: to the end)"),
		event:     fs.String("event", "", "only this event id"),
		community: fs.String("community", "", "only visitors of this community (a site id)"),
		fullPhone: fs.Bool("full-phone", false, "write full phone numbers (default: masked as 138****8000)"),
		gb18030:   fs.Bool("gb18030", false, "CSV in GB18030 without a BOM (default: UTF-8 with a BOM)"),
		noClose: fs.Bool("no-close", false, "do not first check out, automatically, everyone still in a session that has ended"+
			" (default: close them, so that "+what+" are complete)"),
	}
}

// exportJob is what export and hours need once the flags are read.
type exportJob struct {
	st       *sqlite.Store
	format   export.Format
	opts     export.Options
	filter   sqlite.AttendanceFilter // FromMS/ToMS hold the period; hours moves them to the session bounds
	fromDay  string
	toDay    string
	closedIn int
}

// prepare parses args, checks them (with check too, when given), opens the
// store and, unless --no-close, closes the open check-ins of ended sessions
// (checkin.Service.CloseEnded).
func (ef *exportFlags) prepare(ctx context.Context, args []string, check func() error) (*exportJob, error) {
	if _, err := cliargs.Parse(ef.fs, args); err != nil {
		return nil, err
	}
	if *ef.out == "" {
		return nil, errors.New("--out is required")
	}
	if check != nil {
		if err := check(); err != nil {
			return nil, err
		}
	}
	f, err := export.ParseFormat(*ef.format, *ef.out)
	if err != nil {
		return nil, fmt.Errorf("--format: %w", err)
	}
	st, err := openStore(*ef.db)
	if err != nil {
		return nil, err
	}
	job := &exportJob{st: st, format: f, fromDay: *ef.from, toDay: *ef.to}
	loc, err := st.Zone(ctx)
	if err == nil {
		job.filter.FromMS, job.filter.ToMS, err = period(*ef.from, *ef.to, loc)
	}
	if err == nil && !*ef.noClose {
		var svc *checkin.Service
		if svc, err = checkin.New(ctx, st, checkin.Options{Now: exportNow}); err == nil {
			job.closedIn, err = svc.CloseEnded(ctx)
		}
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	job.filter.EventID, job.filter.CommunityID = *ef.event, *ef.community
	job.opts = export.Options{Zone: loc, FullPhone: *ef.fullPhone, GB18030: *ef.gb18030,
		TempDir: filepath.Dir(*ef.out)}
	return job, nil
}

// period turns days in loc (YYYY-MM-DD; to included; "" = open) into the
// half-open range [fromMS, toMS) of UTC ms, 0 for an open end. A day starts
// at 00:00 in loc, so 07:30 in Beijing (23:30 UTC the day before) is on the
// Beijing date.
func period(from, to string, loc *time.Location) (fromMS, toMS int64, err error) {
	day := func(flag, s string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			return t, fmt.Errorf("--%s %q: want a day as YYYY-MM-DD", flag, s)
		}
		return t, nil
	}
	var f, t time.Time
	if from != "" {
		if f, err = day("from", from); err != nil {
			return 0, 0, err
		}
		fromMS = f.UnixMilli()
	}
	if to != "" {
		if t, err = day("to", to); err != nil {
			return 0, 0, err
		}
		t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc) // the next day's 00:00
		toMS = t.UnixMilli()
	}
	if from != "" && to != "" && toMS <= fromMS {
		return 0, 0, fmt.Errorf("--to %s is before --from %s", to, from)
	}
	return fromMS, toMS, nil
}

// describe names the period for the summary line.
func (j *exportJob) describe() string {
	switch {
	case j.fromDay == "" && j.toDay == "":
		return "all days"
	case j.fromDay == "":
		return "up to " + j.toDay
	case j.toDay == "":
		return "from " + j.fromDay
	}
	return j.fromDay + " to " + j.toDay
}

func exportLog(ctx context.Context, args []string, out io.Writer) error {
	ef := newExportFlags("export", "check-outs")
	accepted := ef.fs.Bool("accepted-only", false, "only accepted check-ins and check-outs (no refused scans)")
	job, err := ef.prepare(ctx, args, nil)
	if err != nil {
		return err
	}
	defer job.st.Close()
	job.filter.AcceptedOnly = *accepted
	if job.format == export.XLSX {
		total, err := job.st.CountAttendance(ctx, job.filter)
		if err != nil {
			return err
		}
		if err := export.CheckRows(job.format, total); err != nil {
			return err
		}
	}
	var n int
	err = export.WriteFile(*ef.out, func(w io.Writer) error {
		var err error
		n, err = export.WriteAttendance(w, job.format, job.st.AttendanceSource(ctx, job.filter), job.opts)
		return err
	})
	if err != nil {
		return err
	}
	if job.closedIn > 0 {
		fmt.Fprintf(out, "checked out %d visitor(s) of ended sessions automatically\n", job.closedIn)
	}
	fmt.Fprintf(out, "wrote %d record(s), %s, to %s\n", n, job.describe(), *ef.out)
	return nil
}
