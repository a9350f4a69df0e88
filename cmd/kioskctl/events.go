package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data"
	"github.com/google/uuid"
)

func init() {
	commands["events"] = command{"list events, today's and upcoming first: events --db PATH [--json] [--site ID]", listEvents}
	commands["event"] = command{"add a one-off event: event add --db PATH --title T --start RFC3339 --end RFC3339 [--place P]", eventCmd}
}

// eventRow is one line of `kioskctl events`: an event with the session that
// matters now (the current or next one, or the last one for a past event).
// Times are RFC 3339 in the centre's zone.
type eventRow struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	SiteID      string `json:"site_id"`
	Site        string `json:"site"`
	Category    string `json:"category"`
	Place       string `json:"place"`
	Weekly      bool   `json:"weekly"`
	Cancelled   bool   `json:"cancelled"`
	Capacity    int    `json:"capacity"`
	Start       string `json:"start"`
	End         string `json:"end"`
	WindowOpens string `json:"window_opens"`
	WindowEnds  string `json:"window_ends"`
	OpenNow     bool   `json:"open_now"`
	Past        bool   `json:"past"`
	startMS     int64
}

func listEvents(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("events", flag.ContinueOnError)
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON (one array) instead of a table")
	site := fs.String("site", "", "the kiosk's site (default: its setting, else the district centre)")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	here, err := st.KioskSite(ctx, *site)
	if err != nil && !errors.Is(err, data.ErrNotFound) {
		return err
	}
	loc, err := st.Zone(ctx)
	if err != nil {
		return err
	}
	rules, err := st.Rules(ctx)
	if err != nil {
		return err
	}
	evs, err := st.Events(ctx)
	if err != nil {
		return err
	}
	sites, err := st.Sites(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, s := range sites {
		names[s.ID] = s.Name
	}
	now := time.Now().UnixMilli()
	rows := make([]eventRow, 0, len(evs))
	for _, e := range evs {
		ss, past := shownSession(e, now, loc)
		from, to := rules.Window(ss)
		rows = append(rows, eventRow{
			ID: e.ID, Title: e.Title, SiteID: e.SiteID, Site: names[e.SiteID], Category: e.Category,
			Place: e.Place, Weekly: e.Weekly, Cancelled: e.Cancelled, Capacity: e.Capacity,
			Start: rfc(ss.StartMS, loc), End: rfc(ss.EndMS, loc),
			WindowOpens: rfc(from, loc), WindowEnds: rfc(to, loc),
			OpenNow: !e.Cancelled && rules.Open(ss, now), Past: past,
			startMS: ss.StartMS,
		})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Past != b.Past {
			return !a.Past
		}
		if a.Past {
			return a.startMS > b.startMS // most recent history first
		}
		if (a.SiteID == here.ID) != (b.SiteID == here.ID) {
			return a.SiteID == here.ID
		}
		return a.startMS < b.startMS
	})
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTART\tEND\tOPEN\tTITLE\tSITE")
	for _, r := range rows {
		open := ""
		switch {
		case r.Cancelled:
			open = "cancelled"
		case r.OpenNow:
			open = "open"
		case r.Past:
			open = "past"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Start[:16], r.End[11:16], open, r.Title, r.Site)
	}
	return tw.Flush()
}

// shownSession picks the session of e to list at nowMS: the current or next
// one, or else the last one (past is then true). Cancelled events show the
// session they would have had.
func shownSession(e data.Event, nowMS int64, loc *time.Location) (ss data.Session, past bool) {
	const far = 400 * 24 * 3600 * 1000
	plan := e
	plan.Cancelled = false
	if next := plan.Sessions(nowMS, nowMS+far, loc); len(next) > 0 {
		ss = next[0]
	} else if prev := plan.Sessions(plan.StartMS, nowMS, loc); len(prev) > 0 {
		ss, past = prev[len(prev)-1], true
	} else {
		ss, past = data.Session{StartMS: e.StartMS, EndMS: e.EndMS}, e.EndMS <= nowMS
	}
	ss.Event = e
	return ss, past
}

func rfc(ms int64, loc *time.Location) string { return time.UnixMilli(ms).In(loc).Format(time.RFC3339) }

func eventCmd(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return errors.New("usage: event add --db PATH --title T --start RFC3339 --end RFC3339 [--place P] [--site ID] [--category C] [--capacity N]")
	}
	fs := flag.NewFlagSet("event add", flag.ContinueOnError)
	db := dbFlag(fs)
	title := fs.String("title", "", "title (required)")
	start := fs.String("start", "", "start, RFC 3339 (e.g. 2026-12-01T09:00:00+08:00)")
	end := fs.String("end", "", "end, RFC 3339")
	place := fs.String("place", "", "place")
	site := fs.String("site", "", "site id (default: the kiosk's site)")
	category := fs.String("category", "", "category, e.g. 理论宣讲")
	capacity := fs.Int("capacity", 0, "capacity (0 = no limit)")
	if _, err := cliargs.Parse(fs, args[1:]); err != nil {
		return err
	}
	s, err1 := time.Parse(time.RFC3339, *start)
	e, err2 := time.Parse(time.RFC3339, *end)
	switch {
	case *title == "":
		return errors.New("--title is required")
	case err1 != nil || err2 != nil:
		return fmt.Errorf("--start and --end must be RFC 3339 times: %w", errors.Join(err1, err2))
	case !e.After(s):
		return errors.New("--end must be after --start")
	case *capacity < 0:
		return errors.New("--capacity must be 0 or more")
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
	ev := data.Event{ID: "ev-" + uuid.Must(uuid.NewV7()).String(), SiteID: at.ID, Title: *title, Category: *category,
		Place: *place, StartMS: s.UnixMilli(), EndMS: e.UnixMilli(), Capacity: *capacity}
	if err := st.PutEvent(ctx, ev); err != nil {
		return err
	}
	fmt.Fprintln(out, ev.ID)
	return nil
}
