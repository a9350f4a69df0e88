package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/civickiosk/kiosk/cmd/internal/cliargs"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

func init() {
	commands["sync"] = command{"run one sync round with the hub (push check-ins and content edits, then pull content) and list the edits the hub refused; exit 0 when the round completes: sync --db PATH", syncRound}
}

func syncRound(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	db := dbFlag(fs)
	timeout := fs.Duration("timeout", 60*time.Second, "timeout of each request to the hub")
	if _, err := cliargs.Parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	cl := hubsync.NewClient(st, hubsync.ClientOptions{HTTP: &http.Client{Timeout: *timeout}, Progress: func(p hubsync.Progress) {
		if p.Pending > 0 {
			fmt.Fprintf(out, "  sent %d, %d still to send\n", p.Sent, p.Pending)
		}
	}})
	r, err := cl.Round(ctx)
	// A round that fails stops where it is: what moved is in r, what waits
	// and how far the feed was read are in the store.
	pending, perr := st.OutboxCount(ctx)
	cursor, cerr := st.SyncCursor(ctx)
	if perr != nil || cerr != nil {
		return errors.Join(err, perr, cerr)
	}
	fmt.Fprintf(out, "up: %d stored, %d already stored, %d rejected, %d revocations, "+
		"content edits %d sent, %d stored, %d rejected; down: %d changes (cursor %d); %d waiting\n",
		r.Stored, r.Already, r.Rejected, r.Revocations, r.Edits+r.EditsRejected, r.Edits, r.EditsRejected,
		r.Changes, cursor, pending)
	if r.Rejected > 0 {
		rej, _ := st.RejectedCheckIns(ctx)
		for _, x := range rej {
			fmt.Fprintf(out, "  rejected %s: %s\n", x.ID, x.Reason)
		}
	}
	// Every edit the hub refused, this round or before, stays on this kiosk
	// as edited until it is edited again: all are listed at every round.
	kept, kerr := st.RejectedEdits(ctx)
	if kerr != nil {
		return errors.Join(err, kerr)
	}
	if len(kept) > 0 {
		fmt.Fprintf(out, "%d edits kept on this kiosk, refused by the hub:\n", len(kept))
		for _, x := range kept {
			fmt.Fprintf(out, "  %s %s: %s\n", x.Kind, x.ID, x.Reason)
		}
	}
	if r.ClockOffsetMS > hubsync.MaxClockSkewMS || -r.ClockOffsetMS > hubsync.MaxClockSkewMS {
		fmt.Fprintf(out, "warning: this kiosk's clock is %s off the hub's\n", time.Duration(r.ClockOffsetMS)*time.Millisecond)
	}
	if err != nil {
		if f := hubsync.ClassifyFailure(err); f.Advice != "" {
			return fmt.Errorf("the round stopped: %s\n  (%w)", f.Advice, err)
		}
		return fmt.Errorf("the round stopped: %w", err)
	}
	return nil
}
