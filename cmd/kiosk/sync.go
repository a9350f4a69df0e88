package main

import (
	"context"
	"path/filepath"

	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
	"github.com/civickiosk/kiosk/ui"
)

// hubSync is the kiosk's background sync with the district hub. It runs
// whether or not the kiosk is enrolled: a round without a hub ends at once
// and the next one a minute later, so an enrolment made with kioskctl while
// the kiosk runs is picked up. Scans never wait for it.
type hubSync struct {
	*hubsync.Syncer
	shell *ui.Shell // shows the sync state; set before the loop starts
}

// newHubSync prepares the sync loop on st. Records go up stamped with the
// check-in service's run clock, so the hub can repair a wrong wall clock.
func newHubSync(st *sqlite.Store, svc *checkin.Service) *hubSync {
	h := &hubSync{}
	h.Syncer = hubsync.NewSyncer(st, hubsync.ClientOptions{RunClock: svc.RunClock},
		hubsync.LoopOptions{OnChange: func(hubsync.Status) { h.shell.SyncChanged() }})
	return h
}

// start runs the loop in the background and shows its state on shell. Call
// the returned function to stop it; it waits for the loop to end.
func (h *hubSync) start(shell *ui.Shell) (stop func()) {
	h.shell = shell
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// staffOptions is what staff mode needs: the store, and exports/ beside it
// for exports when no USB stick is in.
func staffOptions(st *sqlite.Store) ui.StaffOptions {
	return ui.StaffOptions{Store: st, ExportsDir: filepath.Join(filepath.Dir(st.Path()), "exports")}
}
