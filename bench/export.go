package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/data/sqlite"
)

// Child is a finished child process: its wall time and peak RSS.
type Child struct {
	Wall    time.Duration
	PeakKiB int // VmHWM: the largest resident set the program had
	Out     string
}

// RunChild runs a program to the end, stdout to a file when stdout is not
// "", and returns its wall time and peak RSS. The peak is the process's
// VmHWM read from /proc every 20 ms while it runs (the rusage of a child
// is no use here: it counts the parent's memory shared until exec).
func RunChild(stdout string, name string, args ...string) (Child, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "TZ=UTC")
	var errOut strings.Builder
	cmd.Stderr = &errOut
	if stdout != "" {
		f, err := os.Create(stdout)
		if err != nil {
			return Child{}, err
		}
		defer f.Close()
		cmd.Stdout = f
	} else {
		cmd.Stdout = &errOut
	}
	t := time.Now()
	if err := cmd.Start(); err != nil {
		return Child{}, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var c Child
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	var err error
	for waiting := true; waiting; {
		if kb, e := StatusKB(cmd.Process.Pid, "VmHWM"); e == nil && kb > c.PeakKiB {
			c.PeakKiB = kb
		}
		select {
		case err = <-done:
			waiting = false
		case <-tick.C:
		}
	}
	c.Wall, c.Out = time.Since(t), errOut.String()
	if err != nil {
		return c, fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, tail(c.Out, 2000))
	}
	return c, nil
}

// attendanceSQL is the export's query (data/sqlite EachAttendance) written
// out for the sqlite3 command-line shell: the same rows, joins and order.
const attendanceSQL = `SELECT c.id, c.visitor_id, c.pass_key_id, c.pass_no, c.event_id, c.session_start_ms,
	c.direction, c.method, c.device_id, c.wall_ms, c.run_id, c.run_ms, c.verified, c.outcome, c.reason, c.staff,
	c.backfilled, c.subject, coalesce(e.title, ''), coalesce(e.start_ms, 0), coalesce(e.end_ms, 0),
	coalesce(e.site_id, ''), coalesce(s.name, ''), coalesce(v.phone, ''), coalesce(v.name, ''),
	coalesce(v.community_id, ''), coalesce(cs.name, ''),
	CASE WHEN c.upload_status IN ('stored', 'already_stored') THEN c.uploaded_ms ELSE 0 END
	FROM checkins c
	LEFT JOIN events e ON e.id = c.event_id
	LEFT JOIN sites s ON s.id = e.site_id
	LEFT JOIN visitors v ON v.id = c.visitor_id
	LEFT JOIN sites cs ON cs.id = v.community_id`

// Export measures kioskctl export (CSV, XLSX) and kioskctl hours over the
// latest days of the large store's history that hold target records,
// each run as a child process, against the sqlite3 shell writing the same
// rows as CSV.
func Export(ctx context.Context, dir string, bins Binaries, k *Kiosk, info LargeInfo, target int) ([]Figure, error) {
	// fromDay returns the latest day from which on at least n records were
	// made.
	midnight := func(ms int64) time.Time {
		t := time.UnixMilli(ms).In(info.Loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, info.Loc)
	}
	fromDay := func(n int) (time.Time, error) {
		lo, hi := midnight(info.FromMS), midnight(info.ToMS) // at least n records from lo on (or lo is the first day)
		for hi.Sub(lo) > 36*time.Hour {
			m := midnight(lo.UnixMilli() + hi.Sub(lo).Milliseconds()/2 + 12*3_600_000)
			var c int
			if err := k.Raw.QueryRowContext(ctx, `SELECT count(*) FROM checkins WHERE wall_ms >= ?`, m.UnixMilli()).Scan(&c); err != nil {
				return lo, err
			}
			if c >= n {
				lo = m
			} else {
				hi = m
			}
		}
		return lo, nil
	}
	lo, err := fromDay(target)
	if err != nil {
		return nil, err
	}
	tenth, err := fromDay(target / 10)
	if err != nil {
		return nil, err
	}
	day := lo.Format("2006-01-02")
	dayStart := lo.UnixMilli()
	rows, err := k.Store.CountAttendance(ctx, sqlite.AttendanceFilter{FromMS: dayStart})
	if err != nil {
		return nil, err
	}
	hoursRows, err := k.Store.CountAttendance(ctx, sqlite.AttendanceFilter{SessionFromMS: dayStart, AcceptedOnly: true})
	if err != nil {
		return nil, err
	}
	db := k.Store.Path()
	reps := 1
	if rows < 200_000 {
		reps = 3
	}
	out := func(name string) string { return filepath.Join(dir, name) }
	exportCmd := func(format, file string) func() (Child, error) {
		return func() (Child, error) {
			return RunChild("", bins.Kioskctl, "export", "--db", db, "--format", format, "--out", out(file), "--from", day)
		}
	}
	hoursCmd := func() (Child, error) {
		return RunChild("", bins.Kioskctl, "hours", "--db", db, "--format", "xlsx", "--out", out("hours.xlsx"), "--from", day)
	}
	dump := func(where string) func() (Child, error) {
		return func() (Child, error) {
			return RunChild(out("sqlite3.csv"), "sqlite3", "-csv", "-readonly", db,
				attendanceSQL+" "+where+" ORDER BY c.wall_ms, c.id")
		}
	}
	base := dump(fmt.Sprintf("WHERE c.wall_ms >= %d", dayStart))
	hoursBase := dump(fmt.Sprintf("WHERE c.session_start_ms >= %d AND c.outcome = 'accepted'", dayStart))

	// pair runs the figure's command and its baseline reps times, alternating.
	pair := func(f func() (Child, error), b func() (Child, error)) (fs, bs []Child, err error) {
		for i := range reps {
			order := []bool{false, true}
			if i%2 == 1 {
				order = []bool{true, false}
			}
			for _, isBase := range order {
				run := f
				if isBase {
					run = b
				}
				c, err := run()
				if err != nil {
					return nil, nil, err
				}
				if isBase {
					bs = append(bs, c)
				} else {
					fs = append(fs, c)
				}
			}
		}
		return fs, bs, nil
	}
	timeFig := func(id, name string, fs, bs []Child, baseline string) Figure {
		f := Figure{ID: id, Section: "Export", Name: name, Unit: "s", Baseline: baseline}
		var a, b []float64
		for i := range fs {
			a, b = append(a, seconds(fs[i].Wall)), append(b, seconds(bs[i].Wall))
			f.Ratios = append(f.Ratios, ratio(a[i], b[i]))
		}
		f.Value, f.Base = Median(a), Median(b)
		return f
	}
	memFig := func(id, name string, fs, bs []Child, baseline string) Figure {
		f := Figure{ID: id, Section: "Export", Name: name, Unit: "MiB", Baseline: baseline}
		var a, b []float64
		for i := range fs {
			a, b = append(a, float64(fs[i].PeakKiB)/1024), append(b, float64(bs[i].PeakKiB)/1024)
			f.Ratios = append(f.Ratios, ratio(a[i], b[i]))
		}
		f.Value, f.Base = Median(a), Median(b)
		return f
	}
	dumpName := fmt.Sprintf("sqlite3 -csv, same %d rows and joins", rows)

	csvF, csvB, err := pair(exportCmd("csv", "attendance.csv"), base)
	if err != nil {
		return nil, err
	}
	var xlsxF []Child // against the same sqlite3 runs as the CSV export
	for range reps {
		c, err := exportCmd("xlsx", "attendance.xlsx")()
		if err != nil {
			return nil, err
		}
		xlsxF = append(xlsxF, c)
	}
	xlsxB := csvB
	small, err := k.Store.CountAttendance(ctx, sqlite.AttendanceFilter{FromMS: tenth.UnixMilli()})
	if err != nil {
		return nil, err
	}
	var smallF []Child // the same export of a tenth of the records: bounded memory does not grow
	for range reps {
		c, err := RunChild("", bins.Kioskctl, "export", "--db", db, "--format", "xlsx", "--out", out("tenth.xlsx"),
			"--from", tenth.Format("2006-01-02"))
		if err != nil {
			return nil, err
		}
		smallF = append(smallF, c)
	}
	hF, hB, err := pair(hoursCmd, hoursBase)
	if err != nil {
		return nil, err
	}
	size := func(name string) float64 {
		st, err := os.Stat(out(name))
		if err != nil {
			return 0
		}
		return float64(st.Size()) / (1 << 20)
	}
	figs := []Figure{
		timeFig("export.csv", fmt.Sprintf("attendance log to CSV, %d rows (kioskctl export)", rows), csvF, csvB, dumpName),
		memFig("export.csv.rss", "peak RSS of that CSV export", csvF, csvB, "peak RSS of sqlite3 -csv"),
		timeFig("export.xlsx", fmt.Sprintf("attendance log to XLSX, %d rows", rows), xlsxF, xlsxB, dumpName),
		memFig("export.xlsx.rss", "peak RSS of that XLSX export", xlsxF, xlsxB, "peak RSS of sqlite3 -csv"),
		memFig("export.xlsx.growth", "peak RSS of that XLSX export, against a tenth of the rows", xlsxF, smallF,
			fmt.Sprintf("peak RSS of the same export of %d rows", small)),
		timeFig("export.hours", fmt.Sprintf("service-hours report (XLSX) over %d records (kioskctl hours)", hoursRows), hF, hB,
			fmt.Sprintf("sqlite3 -csv of the same %d records", hoursRows)),
		memFig("export.hours.rss", "peak RSS of the hours report", hF, hB, "peak RSS of sqlite3 -csv"),
	}
	figs[0].Note = fmt.Sprintf("from %s to today; files: CSV %.0f MiB, XLSX %.0f MiB (sqlite3's CSV %.0f MiB); "+
		"kioskctl first runs its automatic check-out sweep", day, size("attendance.csv"), size("attendance.xlsx"), size("sqlite3.csv"))
	return figs, nil
}
