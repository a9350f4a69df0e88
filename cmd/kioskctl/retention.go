package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data/sqlite"
)

func init() {
	commands["retention"] = command{"anonymise check-ins older than the retention period (default 3 years): retention --db PATH [--years N] [--save] [--dry-run]", retention}
	commands["audit"] = command{"show the audit log of staff and personal-data actions: audit --db PATH [--limit N] [--json]", auditCmd}
}

func retention(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("retention", flag.ContinueOnError)
	db := dbFlag(fs)
	years := fs.Int("years", 0, "retention period in years (default: the kiosk's setting, else 3)")
	save := fs.Bool("save", false, "store --years as the kiosk's setting for its daily run")
	dry := fs.Bool("dry-run", false, "only count what would be anonymised")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	if *years == 0 {
		if *save {
			return fmt.Errorf("--save needs --years")
		}
		if *years, err = st.RetentionYears(ctx); err != nil {
			return err
		}
	}
	if *years < 1 {
		return fmt.Errorf("--years %d: want at least 1", *years)
	}
	if *save && !*dry {
		if err := st.SetSetting(ctx, sqlite.SettingRetentionYears, strconv.Itoa(*years)); err != nil {
			return err
		}
	}
	loc, err := st.Zone(ctx)
	if err != nil {
		return err
	}
	now := ctlNow().UnixMilli()
	var r sqlite.RetentionResult
	verb := "anonymised"
	if *dry {
		r, err = st.PreviewRetention(ctx, now, *years)
		verb = "would be anonymised (dry run, nothing changed)"
	} else {
		r, err = st.ApplyRetention(ctx, now, *years)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "retention %d years, cutoff %s: %d check-in records %s; %d visitors' phone and name removed\n",
		r.Years, time.UnixMilli(r.CutoffMS).In(loc).Format("2006-01-02 15:04"), r.Records, verb, r.Visitors)
	return nil
}

// auditRow is one line of `kioskctl audit`.
type auditRow struct {
	Time    string         `json:"time"`
	Staff   string         `json:"staff"`
	Action  string         `json:"action"`
	Details map[string]any `json:"details"`
}

func auditCmd(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	db := dbFlag(fs)
	limit := fs.Int("limit", 50, "at most this many entries, newest first (0 = all)")
	asJSON := fs.Bool("json", false, "print JSON (one array) instead of a table")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
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
	log, err := st.AuditLog(ctx, *limit)
	if err != nil {
		return err
	}
	members, err := st.StaffMembers(ctx)
	if err != nil {
		return err
	}
	// An unnamed staff member is logged by id: show it as label does.
	names := make(map[string]string, len(members))
	for _, m := range members {
		names[m.ID] = label(m)
	}
	rows := make([]auditRow, 0, len(log))
	for _, e := range log {
		who := e.Staff
		if n, ok := names[who]; ok {
			who = n
		}
		rows = append(rows, auditRow{Time: time.UnixMilli(e.MS).In(loc).Format(time.RFC3339), Staff: who, Action: e.Action, Details: e.Details})
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tSTAFF\tACTION\tDETAILS")
	for _, r := range rows {
		d, _ := json.Marshal(r.Details)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Time, r.Staff, r.Action, d)
	}
	return tw.Flush()
}
