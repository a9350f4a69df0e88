package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/sqlite"
)

func init() {
	commands["visitors"] = command{"find visitors by phone or its last 4 digits, revoke or re-issue a pass, delete a visitor on request: " +
		"visitors --db PATH --find PHONE|1234 [--json] | --revoke V | --reissue V [--png FILE] | --delete V  [--by STAFF]  (V: visitor id or phone)", visitorsCmd}
}

// visitorRow is one line of `kioskctl visitors --find`. The phone is masked.
type visitorRow struct {
	ID        string `json:"id"`
	Phone     string `json:"phone"` // masked, e.g. 138****8000
	Name      string `json:"name"`
	Community string `json:"community"`
	Pass      string `json:"pass"` // KEYID/NO of the current pass, "" when none
	LastSeen  string `json:"last_seen"`
}

func visitorsCmd(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("visitors", flag.ContinueOnError)
	db := dbFlag(fs)
	find := fs.String("find", "", "a mobile number, or its last 4 digits")
	asJSON := fs.Bool("json", false, "with --find: print JSON (one array) instead of a table")
	revoke := fs.String("revoke", "", "revoke the visitor's pass (a lost card)")
	reissue := fs.String("reissue", "", "revoke the visitor's pass and print a new pass code")
	png := fs.String("png", "", "with --reissue: also write the new pass as a printable PNG to this file")
	del := fs.String("delete", "", "delete the visitor on their request: phone and name removed, attendance kept anonymised")
	by := fs.String("by", "kioskctl", "the staff member doing this, for the audit log")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	n := 0
	for _, v := range []string{*find, *revoke, *reissue, *del} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return errors.New("give exactly one of --find, --revoke, --reissue or --delete")
	}
	st, err := openStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	if *find != "" {
		return findVisitors(ctx, st, *find, *asJSON, out)
	}
	svc, err := checkin.New(ctx, st, checkin.Options{Now: ctlNow})
	if err != nil {
		return err
	}
	switch {
	case *revoke != "":
		v, err := visitorArg(ctx, st, *revoke)
		if err != nil {
			return err
		}
		k, err := svc.StaffRevoke(ctx, v.ID, *by)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "revoked %d pass(es) of %s\n", k, data.MaskPhone(v.Phone))
	case *reissue != "":
		v, err := visitorArg(ctx, st, *reissue)
		if err != nil {
			return err
		}
		reg, err := svc.StaffReissue(ctx, v.ID, *by)
		if err != nil {
			return err
		}
		if *png != "" {
			img, err := pass.PNG(reg.Code, true, 8)
			if err != nil {
				return err
			}
			if err := os.WriteFile(*png, img, 0o644); err != nil {
				return err
			}
		}
		fmt.Fprintln(out, reg.Code)
	case *del != "":
		v, err := visitorArg(ctx, st, *del)
		if err != nil {
			return err
		}
		res, err := svc.StaffDeleteVisitor(ctx, v.ID, *by)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "deleted visitor %s: phone and name removed, %d attendance records kept anonymised, %d pass(es) revoked\n",
			v.ID, res.RecordsKept, res.PassesRevoked)
	}
	return nil
}

// visitorArg finds a visitor by id, or by a full mobile number. Deleted
// visitors are not found.
func visitorArg(ctx context.Context, st *sqlite.Store, arg string) (data.Visitor, error) {
	var v data.Visitor
	var err error
	if p, ok := data.NormalisePhone(arg); ok {
		v, err = st.VisitorByPhone(ctx, p)
	} else {
		v, err = st.Visitor(ctx, arg)
	}
	if err == nil {
		var deleted bool
		if deleted, err = st.VisitorDeleted(ctx, v.ID); err == nil && deleted {
			err = fmt.Errorf("visitor %s was deleted: %w", v.ID, data.ErrNotFound)
		}
	}
	if errors.Is(err, data.ErrNotFound) {
		return v, fmt.Errorf("no visitor %q (give the id from --find, or the full phone number)", arg)
	}
	return v, err
}

func findVisitors(ctx context.Context, st *sqlite.Store, query string, asJSON bool, out io.Writer) error {
	ms, err := st.FindVisitors(ctx, query, 50)
	if err != nil {
		return err
	}
	loc, err := st.Zone(ctx)
	if err != nil {
		return err
	}
	names := map[string]string{}
	if sites, err := st.Sites(ctx); err == nil {
		for _, s := range sites {
			names[s.ID] = s.Name
		}
	}
	rows := make([]visitorRow, 0, len(ms))
	for _, m := range ms {
		r := visitorRow{ID: m.ID, Phone: m.MaskedPhone, Name: m.Name, Community: names[m.CommunityID]}
		if !m.Pass.IsZero() {
			r.Pass = fmt.Sprintf("%d/%d", m.Pass.KeyID, m.Pass.No)
		}
		if m.LastSeenMS != 0 {
			r.LastSeen = time.UnixMilli(m.LastSeenMS).In(loc).Format(time.RFC3339)
		}
		rows = append(rows, r)
	}
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(out, "no visitor found")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPHONE\tNAME\tCOMMUNITY\tPASS\tLAST SEEN")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Phone, r.Name, r.Community, r.Pass, r.LastSeen)
	}
	return tw.Flush()
}
