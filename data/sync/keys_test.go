package sync_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// hubDevice returns the hub's record of a device.
func hubDevice(t *testing.T, st hubsync.Store, id string) hubsync.Device {
	t.Helper()
	ds, err := st.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("the hub does not list device %s", id)
	return hubsync.Device{}
}

// TestACopyCannotEnrolAndARestoreSendsItsNewKey: a copy of an enrolled
// kiosk's database is refused at enrolment (the original keeps its site and
// token) until the original is revoked; a restored backup keeps the device
// and its enrolment, and its new signing key reaches the hub and, through
// the feed, the other kiosks, the old key staying there.
func TestACopyCannotEnrolAndARestoreSendsItsNewKey(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), centre(time.Now()), false)
		a := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{})
		b := newKiosk(t, h, "st-b", h.URL(), hubsync.ClientOptions{})
		dev := a.svc.DeviceID()
		oldKey, _, _, _ := a.st.OwnKey(ctx)
		dir := t.TempDir()

		// The copy.
		copyPath := filepath.Join(dir, "copy.db")
		if err := a.st.Backup(ctx, copyPath); err != nil {
			t.Fatal(err)
		}
		cp, err := sqlite.Open(copyPath)
		if err != nil {
			t.Fatal(err)
		}
		defer cp.Close()
		code, _, err := hubsync.NewEnrolCode(ctx, h.store(), "st-b", 0, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hubsync.Enrol(ctx, cp, h.URL(), code, nil); !errors.Is(err, hubsync.ErrDeviceEnrolled) {
			t.Fatalf("enrolment of a copy: %v, want ErrDeviceEnrolled", err)
		}
		if d := hubDevice(t, h.store(), dev); d.SiteID != "st-a" || d.RevokedMS != 0 {
			t.Fatalf("the copy's enrolment moved the original: %+v", d)
		}
		if _, err := a.cl.Round(ctx); err != nil {
			t.Fatalf("the original after its copy tried to enrol: %v", err)
		}

		// A restore: same device, new key, sent up at the next round.
		bak := filepath.Join(dir, "bak.db")
		if err := a.st.Backup(ctx, bak); err != nil {
			t.Fatal(err)
		}
		path := a.st.Path()
		a.st.Close()
		r, err := sqlite.Restore(ctx, path, bak, time.Now().UnixMilli(), false)
		if err != nil || r.DeviceID != dev || r.KeyID == oldKey {
			t.Fatalf("restore: %+v %v", r, err)
		}
		st, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := hubsync.NewClient(st, hubsync.ClientOptions{}).Round(ctx); err != nil {
			t.Fatalf("round after the restore: %v", err)
		}
		if d := hubDevice(t, h.store(), dev); d.KeyID != r.KeyID || d.SiteID != "st-a" || d.RevokedMS != 0 {
			t.Fatalf("the hub holds %+v after the restore, want key %d", d, r.KeyID)
		}
		if _, err := b.cl.Round(ctx); err != nil {
			t.Fatal(err)
		}
		for _, id := range []uint32{oldKey, r.KeyID} {
			if _, found, err := b.st.PublicKey(ctx, id); err != nil || !found {
				t.Fatalf("kiosk B lacks kiosk A's key %d (%v)", id, err)
			}
		}
		// A pass issued after the restore verifies at kiosk B.
		a2, err := checkin.New(ctx, st, checkin.Options{SiteID: "st-a"})
		if err != nil {
			t.Fatal(err)
		}
		reg, err := a2.Register(ctx, "13033334444", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if res, err := b.svc.Scan(ctx, reg.Code, checkin.Target{Event: "ev-b"}); err != nil || res.Outcome != data.Accepted {
			t.Fatalf("kiosk B scanning a pass issued after the restore: %+v %v", res, err)
		}

		// Revoked, the old device's id may enrol again (a replacement).
		if err := h.store().RevokeDevice(ctx, dev, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		if _, err := hubsync.Enrol(ctx, cp, h.URL(), code, nil); err != nil {
			t.Fatalf("enrolment after the revocation: %v", err)
		}
	})
}

// TestARestoreOfABackupFromBeforeTheEnrolmentStaysEnrolled: a kiosk's own
// backup taken before it enrolled, restored, leaves the kiosk enrolled (it
// is not a copy to enrol again): its next round works and sends the new key.
func TestARestoreOfABackupFromBeforeTheEnrolmentStaysEnrolled(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), centre(time.Now()), false)
		dir := t.TempDir()
		path := filepath.Join(dir, "kiosk.db")
		st, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		dev, _ := st.DeviceID(ctx)
		bak := filepath.Join(dir, "bak.db")
		if err := st.Backup(ctx, bak); err != nil {
			t.Fatal(err)
		}
		code, _, err := hubsync.NewEnrolCode(ctx, h.store(), "st-a", 0, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := hubsync.Enrol(ctx, st, h.URL(), code, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := hubsync.NewClient(st, hubsync.ClientOptions{}).Round(ctx); err != nil {
			t.Fatal(err)
		}
		st.Close()

		r, err := sqlite.Restore(ctx, path, bak, time.Now().UnixMilli(), false)
		if err != nil || !r.KeptEnrolment {
			t.Fatalf("restore: %+v %v", r, err)
		}
		if st, err = sqlite.Open(path); err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := hubsync.NewClient(st, hubsync.ClientOptions{}).Round(ctx); err != nil {
			t.Fatalf("round after restoring a backup from before the enrolment: %v", err)
		}
		if d := hubDevice(t, h.store(), dev); d.KeyID != r.KeyID || d.SiteID != "st-a" {
			t.Fatalf("the hub holds %+v after the restore, want key %d", d, r.KeyID)
		}
	})
}
