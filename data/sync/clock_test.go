package sync_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/export"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// TestClockRepair: a kiosk whose wall clock runs two hours fast. Records of
// the run the kiosk is in are placed by the run's monotonic clock, anchored at
// the push; records of an earlier run by the wall clock less the measured
// offset. The kiosk is flagged.
func TestClockRepair(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), centre(time.Now()), false)
		const skew = 2 * time.Hour
		runStart := time.Now().Add(-20 * time.Minute) // the kiosk's current run, "run-2"
		fast := func() time.Time { return time.Now().Add(skew) }
		k := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{})
		k.cl = hubsync.NewClient(k.st, hubsync.ClientOptions{Now: fast,
			RunClock: func() (string, int64) { return "run-2", time.Since(runStart).Milliseconds() }})
		dev := k.svc.DeviceID()
		real := time.Now().Add(-10 * time.Minute) // when the scans really happened
		mk := func(n int, run string, runMS int64) data.CheckIn {
			return data.CheckIn{ID: fmt.Sprintf("01900000-0000-7000-8000-%012d", n), Direction: data.In,
				Method: data.MethodQR, DeviceID: dev, EventID: "ev-a", SessionStartMS: 1, Pass: data.PassRef{KeyID: 9, No: uint32(n)},
				WallMS: real.Add(skew).UnixMilli(), RunID: run, RunMS: runMS, Outcome: data.Accepted}
		}
		anchored := mk(1, "run-2", real.Sub(runStart).Milliseconds())
		earlier := mk(2, "run-1", 5000)
		for _, r := range []data.CheckIn{anchored, earlier} {
			if err := k.st.AppendCheckIn(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		r, err := k.cl.Round(ctx)
		if err != nil || r.Stored != 2 {
			t.Fatalf("round: %+v %v", r, err)
		}
		if d := time.Duration(r.ClockOffsetMS) * time.Millisecond; (d - skew).Abs() > 5*time.Second {
			t.Fatalf("measured offset %v, want about %v", d, skew)
		}
		hub := hubRecords(t, h.store())
		for _, id := range []string{anchored.ID, earlier.ID} {
			got := time.UnixMilli(hub[id].TrueMS)
			if d := got.Sub(real).Abs(); d > 5*time.Second {
				t.Errorf("record %s placed at %v, %v from the true time", id, got, d)
			}
			if e := time.Duration(hub[id].ClockErrorMS) * time.Millisecond; (e - skew).Abs() > 5*time.Second {
				t.Errorf("record %s clock error %v, want about %v", id, e, skew)
			}
		}
		// The district export shows the repaired time, not the kiosk's:
		// this kiosk's clock is off by more than MaxClockSkewMS.
		src, err := hubsync.DistrictSource(ctx, h.store(), hubsync.DistrictFilter{})
		if err != nil {
			t.Fatal(err)
		}
		err = src(func(r export.AttendanceRow) error {
			if r.WallMS != hub[r.ID].TrueMS {
				t.Errorf("district export places record %s at %d, the hub's estimate is %d", r.ID, r.WallMS, hub[r.ID].TrueMS)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		ds, err := h.store().Devices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.ID == dev && !d.ClockSuspect() {
				t.Errorf("a kiosk two hours off is not flagged: %+v", d)
			}
			if d.ID != dev && d.ClockSuspect() {
				t.Errorf("a kiosk with a good clock is flagged: %+v", d)
			}
		}
	})
}

// TestPullUpdatesLastSeenAndClock: a kiosk whose outbox is empty only pulls;
// the hub still records its contact and measures its clock from the pull.
func TestPullUpdatesLastSeenAndClock(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		h := startHub(t, open)
		importCentre(t, h.store(), centre(time.Now()), false)
		k := newKiosk(t, h, "st-a", h.URL(), hubsync.ClientOptions{})
		dev := k.svc.DeviceID()
		device := func() hubsync.Device {
			ds, err := h.store().Devices(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if d.ID == dev {
					return d
				}
			}
			t.Fatalf("device %s not listed", dev)
			return hubsync.Device{}
		}
		before := time.Now().UnixMilli()
		time.Sleep(5 * time.Millisecond)
		const skew = 3 * time.Hour
		k.cl = hubsync.NewClient(k.st, hubsync.ClientOptions{Now: func() time.Time { return time.Now().Add(-skew) }})
		r, err := k.cl.Round(ctx)
		if err != nil || r.Stored != 0 {
			t.Fatalf("round with an empty outbox: %+v %v", r, err)
		}
		d := device()
		if d.LastSeenMS <= before || d.ClockCheckedMS <= before {
			t.Fatalf("a pull did not update the last contact or the clock check: %+v (round began at %d)", d, before)
		}
		if off := time.Duration(d.ClockOffsetMS) * time.Millisecond; (off+skew).Abs() > 5*time.Second || !d.ClockSuspect() {
			t.Fatalf("clock offset from a pull %v, want about -%v, flagged", off, skew)
		}
	})
}
