//go:build e2e

package main

import (
	"context"
	"database/sql"
	"fmt"
	"image"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/sqlite"
)

// crashScans is how many passes are scanned in the crash test.
const crashScans = 40

// kill9 ends the kiosk with SIGKILL, as a power cut or a crash would.
func (k *kiosk) kill9(t *testing.T) {
	t.Helper()
	if err := k.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	k.exited(10 * time.Second)
}

// mustHold opens the database left by a killed kiosk, checks the whole
// file with PRAGMA integrity_check and fails unless every visitor in acked
// has an accepted check-in.
func mustHold(t *testing.T, db string, acked map[string]bool) {
	t.Helper()
	raw, err := sql.Open("sqlite3", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	var res string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity_check after kill -9: %q, %v", res, err)
	}
	raw.Close()
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	for phone := range acked {
		v, err := st.VisitorByPhone(ctx, phone)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := st.CheckIns(ctx, sqlite.CheckInFilter{VisitorID: v.ID, AcceptedOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 || recs[0].Direction != data.In {
			t.Errorf("visitor %s was shown a green screen but has records %+v", phone, recs)
		}
	}
}

func TestKillNineLosesNoAcknowledgedCheckIn(t *testing.T) {
	d := startXvfb(t, 1024, 600)
	db := filepath.Join(t.TempDir(), "kiosk.db")
	prepareDB(t, db)
	phones := make([]string, crashScans)
	codes := make([]string, crashScans)
	for i := range phones {
		phones[i] = fmt.Sprintf("139%08d", i)
		codes[i] = ctl(t, "register", "--db", db, "--phone", phones[i], "--name", fmt.Sprintf("Crash %02d", i))
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	green := near(colourGreen)
	acked := map[string]bool{}
	k := startKiosk(t, d, db)
	var last image.Image // the last green screen seen
	// ack looks at the screen once and notes the scan of phone as
	// acknowledged when a new green screen is up.
	ack := func(phone string) bool {
		img := capture(t, d)
		if share(img, green) < 0.5 || (last != nil && sameImage(img, last)) {
			return false
		}
		last = img
		acked[phone] = true
		return true
	}
	kills := 0
	for i, code := range codes {
		scanCode(t, d, code)
		if rng.IntN(4) == 0 {
			time.Sleep(time.Duration(rng.IntN(500)) * time.Millisecond)
			ack(phones[i])
			k.kill9(t)
			kills++
			mustHold(t, db, acked)
			// A fresh X server for each start, as after a reboot: the
			// start must not depend on what the killed process left in
			// the old one.
			d = startXvfb(t, 1024, 600)
			k = startKiosk(t, d, db)
			time.Sleep(time.Second) // let it take the keyboard
			last = nil
			continue
		}
		deadline := time.Now().Add(10 * time.Second)
		seen := map[string]int{} // what the screen showed meanwhile
		for !ack(phones[i]) {
			if time.Now().After(deadline) {
				_, path := screenshot(t, d, fmt.Sprintf("crash-scan-%02d", i))
				t.Fatalf("scan %d was not answered with a green screen (screens seen: %v): %s", i, seen, path)
			}
			img := capture(t, d)
			seen[fmt.Sprintf("green %.1f, red %.1f, amber %.1f", share(img, green),
				share(img, near(colourError)), share(img, near(colourAmber)))]++
			time.Sleep(30 * time.Millisecond)
		}
	}
	k.kill9(t)
	kills++
	mustHold(t, db, acked)
	t.Logf("%d scans, %d acknowledged, %d kills", crashScans, len(acked), kills)
	if len(acked) < crashScans/2 {
		t.Errorf("only %d of %d scans were acknowledged", len(acked), crashScans)
	}
}
