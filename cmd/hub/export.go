package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data/export"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

func init() {
	commands["export"] = command{"the district's attendance for Excel/WPS: export --out FILE [--format csv|xlsx] " +
		"[--from YYYY-MM-DD] [--to YYYY-MM-DD] [--site ID] [--accepted-only] [--gb18030]", exportDistrict}
}

func exportDistrict(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	sf := addStoreFlags(fs)
	file := fs.String("out", "", "the file to write (replaced whole, or left as it was on failure)")
	format := fs.String("format", "", "csv or xlsx (default: from the --out file's extension)")
	from := fs.String("from", "", "first day, YYYY-MM-DD in the centre's zone (default: from the beginning)")
	to := fs.String("to", "", "last day, included, YYYY-MM-DD in the centre's zone (default: to the end)")
	site := fs.String("site", "", "only records of kiosks at this site or at a site under it")
	accepted := fs.Bool("accepted-only", false, "only accepted check-ins and check-outs (no refused scans)")
	gb := fs.Bool("gb18030", false, "CSV in GB18030 without a BOM (default: UTF-8 with a BOM)")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	if *file == "" {
		return errors.New("--out is required")
	}
	f, err := export.ParseFormat(*format, *file)
	if err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	st, p, err := openPeriod(ctx, sf, *from, *to)
	if err != nil {
		return err
	}
	defer st.Close()
	src, err := hubsync.DistrictSource(ctx, st, hubsync.DistrictFilter{FromMS: p.fromMS, ToMS: p.toMS, SiteID: *site,
		AcceptedOnly: *accepted})
	if err != nil {
		return err
	}
	dups := 0
	counted := func(fn func(export.AttendanceRow) error) error {
		return src(func(r export.AttendanceRow) error {
			if r.DuplicateOf != "" {
				dups++
			}
			return fn(r)
		})
	}
	var n int
	err = export.WriteFile(*file, func(w io.Writer) error {
		var err error
		n, err = export.WriteAttendance(w, f, counted, export.Options{Zone: p.loc, GB18030: *gb, TempDir: filepath.Dir(*file)})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %d record(s) to %s (%d duplicate(s) across kiosks marked 重复)\n", n, *file, dups)
	return nil
}
