package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

func init() {
	commands["enrol"] = command{"print a one-time enrolment code for a kiosk, and with --url write it as a QR code for the kiosk's staff mode: enrol --site ID [--ttl 168h] [--url URL [--qr FILE]]", enrol}
	commands["revoke"] = command{"revoke a kiosk's token (it gets 401 until enrolled again): revoke --device ID", revoke}
	commands["devices"] = command{"list enrolled kiosks, their last contact and clock error", devices}
	commands["import"] = command{"publish a centre content file to the kiosks: import [--replace [--force]] FILE", importContent}
	commands["stats"] = command{"check-ins per site per day: stats [--from YYYY-MM-DD] [--to YYYY-MM-DD]", stats}
}

func enrol(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("enrol", flag.ContinueOnError)
	sf := addStoreFlags(fs)
	site := fs.String("site", "", "the site the kiosk stands at (a site id of the hub's content)")
	ttl := fs.Duration("ttl", hubsync.DefaultCodeTTL, "how long the code stays valid")
	hubURL := fs.String("url", "", "the hub's address as kiosks reach it, https://HOST[:PORT]: also write the code with it as a QR code")
	qr := fs.String("qr", "", "the QR code's PNG file, with --url (default enrol-SITE.png)")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	if *site == "" {
		return errors.New("give --site ID")
	}
	if *qr != "" && *hubURL == "" {
		return errors.New("--qr needs --url: the QR code carries the hub's address")
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if *hubURL == "" {
		code, exp, err := hubsync.NewEnrolCode(ctx, st, *site, *ttl, time.Now())
		if err != nil {
			return siteHint(ctx, st, err)
		}
		fmt.Fprintln(out, code)
		fmt.Fprintf(os.Stderr, "one-time code for site %s, valid until %s: kioskctl enrol --hub URL --code %s"+
			" (give --url to write it as a QR code for the kiosk's staff mode)\n",
			*site, time.UnixMilli(exp).Format(time.RFC3339), code)
		return nil
	}
	if *qr == "" {
		*qr = "enrol-" + *site + ".png"
	}
	// The QR code is written to a file made beside it before the code is
	// made, so that a folder that is missing or not writable leaves no live
	// code behind.
	f, err := os.CreateTemp(filepath.Dir(*qr), ".enrol-*.png")
	if err != nil {
		return fmt.Errorf("cannot write the QR code to %s, no code was made: %w", *qr, err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	in, exp, err := hubsync.NewInvite(ctx, st, *hubURL, *site, *ttl, time.Now())
	if err != nil {
		return siteHint(ctx, st, err)
	}
	fmt.Fprintln(out, in.Code)
	png, err := in.PNG()
	if err != nil {
		return err
	}
	if _, err := f.Write(png); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), *qr); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "one-time code for site %s, valid until %s, and as a QR code in %s: on the kiosk, "+
		"staff mode → 同步 → 加入中心平台, scan it (or kioskctl enrol --hub %s --code %s)\n",
		*site, time.UnixMilli(exp).Format(time.RFC3339), *qr, in.HubURL, in.Code)
	return nil
}

// siteHint adds to an unknown site's error what to do and a few of the
// hub's sites; other errors are returned as they are.
func siteHint(ctx context.Context, st hubsync.Store, err error) error {
	if !errors.Is(err, data.ErrNotFound) {
		return err
	}
	sites, lerr := st.LiveContent(ctx, hubsync.KindSite)
	if lerr != nil {
		return errors.Join(err, lerr)
	}
	if len(sites) == 0 {
		return fmt.Errorf("%w: the hub has no sites yet: import the centre's content first (hub import FILE)", err)
	}
	const shown = 8
	ids := make([]string, 0, shown)
	for _, c := range sites[:min(len(sites), shown)] {
		ids = append(ids, c.ID)
	}
	more := ""
	if len(sites) > shown {
		more = fmt.Sprintf(" and %d more", len(sites)-shown)
	}
	return fmt.Errorf("%w: give one of the hub's sites (%s%s), or import the centre's content first (hub import FILE)",
		err, strings.Join(ids, ", "), more)
}

func revoke(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("revoke", flag.ContinueOnError)
	sf := addStoreFlags(fs)
	dev := fs.String("device", "", "device id (see hub devices)")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	if *dev == "" {
		return errors.New("give --device ID")
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RevokeDevice(ctx, *dev, time.Now().UnixMilli()); err != nil {
		return err
	}
	fmt.Fprintf(out, "revoked device %s\n", *dev)
	return nil
}

func devices(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("devices", flag.ContinueOnError)
	sf := addStoreFlags(fs)
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ds, err := st.Devices(ctx)
	if err != nil {
		return err
	}
	when := func(ms int64) string {
		if ms == 0 {
			return "-"
		}
		return time.UnixMilli(ms).Format("2006-01-02T15:04:05Z07:00")
	}
	fmt.Fprintf(out, "%-36s  %-16s  %-10s  %-25s  %s\n", "DEVICE", "SITE", "STATE", "LAST SEEN", "CLOCK")
	for _, d := range ds {
		state := "active"
		if d.RevokedMS != 0 {
			state = "revoked"
		}
		clock := "-"
		if d.ClockCheckedMS != 0 {
			clock = fmt.Sprintf("%+.1fs", float64(d.ClockOffsetMS)/1000)
			if d.ClockSuspect() {
				clock += " OFF BY MORE THAN 5 MIN"
			}
		}
		fmt.Fprintf(out, "%-36s  %-16s  %-10s  %-25s  %s\n", d.ID, d.SiteID, state, when(d.LastSeenMS), clock)
	}
	return nil
}

func importContent(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	sf := addStoreFlags(fs)
	replace := fs.Bool("replace", false, "delete the events, honour-wall entries, teams and sites the file does not list")
	force := fs.Bool("force", false, "with --replace, delete sites even where kiosks are still enrolled")
	pos, err := cliargs.Parse(fs, args, "FILE (the content file: import [--replace] FILE)")
	if err != nil {
		return err
	}
	name := pos[0]
	src, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	f, err := content.Parse(src, content.Options{Now: time.Now(), Dir: os.DirFS(filepath.Dir(name))})
	if err != nil {
		return fmt.Errorf("%s: nothing was imported:\n%w", name, err)
	}
	st, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if *replace && !*force {
		ds, err := hubsync.DevicesAtDroppedSites(ctx, st, f)
		if err != nil {
			return err
		}
		if len(ds) > 0 {
			var at []string
			for _, d := range ds {
				at = append(at, fmt.Sprintf("site %s (device %s)", d.SiteID, d.ID))
			}
			return fmt.Errorf("%s: nothing was imported: --replace would delete sites where kiosks are still enrolled: %s; "+
				"add them to the file, revoke the devices first (hub revoke --device ID), or give --force",
				name, strings.Join(at, ", "))
		}
	}
	n, err := hubsync.ImportContent(ctx, st, f, *replace, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("%s: nothing was imported: %w", name, err)
	}
	fmt.Fprintf(out, "imported %s: %d sites, %d events, %d honour-wall entries, %d teams; %d changes for the kiosks\n",
		name, len(f.Sites), len(f.Events), len(f.Honour), len(f.Teams), n)
	return nil
}

// dayRange parses --from/--to dates (inclusive) in loc into [fromMS, toMS).
func dayRange(from, to string, loc *time.Location) (int64, int64, error) {
	var fromMS, toMS int64
	if from != "" {
		d, err := time.ParseInLocation("2006-01-02", from, loc)
		if err != nil {
			return 0, 0, fmt.Errorf("--from: want YYYY-MM-DD")
		}
		fromMS = d.UnixMilli()
	}
	if to != "" {
		d, err := time.ParseInLocation("2006-01-02", to, loc)
		if err != nil {
			return 0, 0, fmt.Errorf("--to: want YYYY-MM-DD")
		}
		toMS = d.AddDate(0, 0, 1).UnixMilli()
	}
	if from != "" && to != "" && toMS <= fromMS {
		return 0, 0, fmt.Errorf("--to %s is before --from %s", to, from)
	}
	return fromMS, toMS, nil
}

// period is a range of days in the centre's zone.
type period struct {
	loc          *time.Location
	fromMS, toMS int64 // [fromMS, toMS), 0 = open
}

// openPeriod opens the hub's store and reads --from/--to (days, included)
// in the centre's zone. The caller closes the store.
func openPeriod(ctx context.Context, sf storeFlags, from, to string) (hubsync.Store, period, error) {
	var p period
	st, err := sf.open(ctx)
	if err != nil {
		return nil, p, err
	}
	p.loc, err = hubsync.HubZone(ctx, st)
	if err == nil {
		p.fromMS, p.toMS, err = dayRange(from, to, p.loc)
	}
	if err != nil {
		st.Close()
		return nil, p, err
	}
	return st, p, nil
}

func stats(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("stats", flag.ContinueOnError)
	sf := addStoreFlags(fs)
	from := fs.String("from", "", "first day, YYYY-MM-DD in the centre's zone")
	to := fs.String("to", "", "last day, YYYY-MM-DD")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	st, p, err := openPeriod(ctx, sf, *from, *to)
	if err != nil {
		return err
	}
	defer st.Close()
	days, err := hubsync.Stats(ctx, st, p.loc, p.fromMS, p.toMS)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%-10s  %-16s  %s\n", "DAY", "SITE", "CHECK-INS")
	for _, d := range days {
		fmt.Fprintf(out, "%-10s  %-16s  %d\n", d.Day, d.SiteID, d.CheckIns)
	}
	return nil
}
