package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/staff"
)

func init() {
	commands["set-pin"] = command{"set a staff PIN (4-8 digits, not 0000, 1234 or the like), creating the staff member: set-pin --db PATH [--staff NAME] --pin N | --pin-stdin", setPIN}
	commands["staff"] = command{"list staff members and the PIN lock: staff --db PATH [--disable NAME | --enable NAME | --unlock]", staffCmd}
	commands["staff-card"] = command{"print a staff member's card code: staff-card --db PATH --staff NAME [--png FILE] [--new]", staffCard}
}

// defaultStaff is the name of the staff member set-pin and staff-card act
// on without --staff, as the kiosk's first-run prompt names its first
// member.
const defaultStaff = "管理员"

// pinInput is where --pin-stdin reads the PIN from.
var pinInput io.Reader = os.Stdin

// ctlNow is the clock of the staff and personal-data commands.
var ctlNow = time.Now

func setPIN(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("set-pin", flag.ContinueOnError)
	db := dbFlag(fs)
	name := fs.String("staff", defaultStaff, `the staff member's display name, e.g. 王老师 ("" for the unnamed member of older kiosks)`)
	pin := fs.String("pin", "", "the PIN, 4 to 8 digits (visible to other users of this machine; prefer --pin-stdin)")
	fromStdin := fs.Bool("pin-stdin", false, "read the PIN from the first line of standard input")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	if (*pin == "") == !*fromStdin {
		return errors.New("give one of --pin or --pin-stdin")
	}
	if *fromStdin {
		line, err := bufio.NewReader(pinInput).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return fmt.Errorf("reading the PIN from standard input: %w", err)
		}
		*pin = strings.TrimRight(line, "\r\n")
	}
	if err := staff.ValidateNewPIN(*pin); err != nil {
		return err
	}
	st, err := createStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	m, created, err := st.SetPIN(ctx, *name, *pin, ctlNow().UnixMilli())
	if err != nil {
		return err
	}
	verb := "changed the PIN of"
	if created {
		verb = "created"
	}
	fmt.Fprintf(out, "%s staff member %s (%s)\n", verb, label(m), m.ID)
	if m.Disabled {
		fmt.Fprintln(out, "note: this staff member is disabled; enable with: kioskctl staff --enable NAME")
	}
	return nil
}

// label names a staff member for people: the display name, or a note that
// it is the unnamed one.
func label(m staff.Member) string {
	if m.Name == "" {
		return "(unnamed)"
	}
	return m.Name
}

func staffCmd(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("staff", flag.ContinueOnError)
	db := dbFlag(fs)
	disable := fs.String("disable", "", "disable the staff member with this name")
	enable := fs.String("enable", "", "enable the staff member with this name again")
	unlock := fs.Bool("unlock", false, "clear the lock after wrong PINs")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	now := ctlNow().UnixMilli()
	for name, off := range map[string]bool{*disable: true, *enable: false} {
		if name == "" {
			continue
		}
		m, err := st.StaffByName(ctx, name)
		if err != nil {
			return err
		}
		if err := st.SetStaffDisabled(ctx, m.ID, off, now); err != nil {
			return err
		}
	}
	if *unlock {
		if err := st.ResetStaffLockout(ctx, now); err != nil {
			return err
		}
	}
	loc, err := st.Zone(ctx)
	if err != nil {
		return err
	}
	members, err := st.StaffMembers(ctx)
	if err != nil {
		return err
	}
	if len(members) == 0 {
		fmt.Fprintln(out, "no staff members: the kiosk asks for a PIN on first use, or run kioskctl set-pin")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tSTATE\tCARD\tPIN SET")
	for _, m := range members {
		state := "enabled"
		if m.Disabled {
			state = "disabled"
		}
		card := "-"
		if ref, _, found, err := st.StaffCard(ctx, m.ID); err != nil {
			return err
		} else if found {
			card = fmt.Sprintf("%d/%d", ref.KeyID, ref.No)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", label(m), m.ID, state, card,
			time.UnixMilli(m.UpdatedMS).In(loc).Format("2006-01-02 15:04"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	a, err := st.StaffLockout(ctx)
	if err != nil {
		return err
	}
	p, err := st.StaffPolicy(ctx)
	if err != nil {
		return err
	}
	if p.Check(a, now) != nil {
		fmt.Fprintf(out, "staff mode is LOCKED until %s (clear with --unlock)\n",
			time.UnixMilli(a.LockedUntilMS).In(loc).Format("2006-01-02 15:04:05"))
	} else {
		fmt.Fprintf(out, "PIN tries left: %d of %d\n", p.TriesLeft(a, now), p.MaxTries)
	}
	return nil
}

func staffCard(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("staff-card", flag.ContinueOnError)
	db := dbFlag(fs)
	name := fs.String("staff", defaultStaff, `the staff member's display name ("" for the unnamed member of older kiosks)`)
	png := fs.String("png", "", "also write the card's QR code as a printable PNG to this file")
	renew := fs.Bool("new", false, "issue a new card, revoking the current one (a lost card)")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	m, err := st.StaffByName(ctx, *name)
	if errors.Is(err, data.ErrNotFound) {
		return fmt.Errorf("no staff member named %q: set a PIN first with kioskctl set-pin", *name)
	}
	if err != nil {
		return err
	}
	svc, err := checkin.New(ctx, st, checkin.Options{Now: ctlNow})
	if err != nil {
		return err
	}
	code, issued, err := svc.StaffCardCode(ctx, m.ID, *renew)
	if err != nil {
		return err
	}
	if *png != "" {
		img, err := pass.PNG(code, true, 8)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*png, img, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintln(out, code)
	fmt.Fprintf(os.Stderr, "staff card of %s %s\n", label(m), map[bool]string{true: "issued", false: "re-shown"}[issued])
	return nil
}
