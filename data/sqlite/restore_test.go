package sqlite

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
)

// TestRestoreGivesANewKey: the tester's steps — a backup, a pass issued
// after it, the backup restored, a new visitor — give the new visitor a pass
// of a new key, never the number of the pass lost with the database.
func TestRestoreGivesANewKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	dev, _ := s.DeviceID(ctx)
	k1, err := s.NewOwnKey(ctx, "centre", 1000)
	if err != nil {
		t.Fatal(err)
	}
	issue := func(s *Store, phone string) data.PassRef {
		t.Helper()
		v, _, err := s.Register(ctx, data.Visitor{Phone: phone})
		if err != nil {
			t.Fatal(err)
		}
		own, _, _, err := s.OwnKey(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := s.IssuePass(ctx, v.ID, own, time.Now().UnixMilli())
		if err != nil {
			t.Fatal(err)
		}
		return ref
	}
	issue(s, "13000000001")
	bak := filepath.Join(dir, "rbak.db")
	if err := s.Backup(ctx, bak); err != nil {
		t.Fatal(err)
	}
	lost := issue(s, "13011112222") // k1:2, lost with the database
	if lost != (data.PassRef{KeyID: k1, No: 2}) {
		t.Fatalf("second pass %+v", lost)
	}
	if _, err := Restore(ctx, path, bak, 2000, false); !errors.Is(err, ErrInUse) {
		t.Fatalf("restore while the database is open: %v, want ErrInUse", err)
	}
	s.Close()

	r, err := Restore(ctx, path, bak, 2000, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.DeviceID != dev || r.KeyID == k1 || r.KeyID == 0 || r.Previous != path+RestoreSuffix+"-19700101-000002" {
		t.Fatalf("restore: %+v (device %s, old key %d)", r, dev, k1)
	}
	if _, err := os.Stat(r.Previous); err != nil {
		t.Fatalf("the replaced database was not kept: %v", err)
	}
	for _, f := range []string{path + ".restoring", path + "-wal"} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s left behind", f)
		}
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if id, _ := s.DeviceID(ctx); id != dev {
		t.Fatalf("device id %s after the restore, want %s", id, dev)
	}
	if own, _, _, _ := s.OwnKey(ctx); own != r.KeyID {
		t.Fatalf("own key %d after the restore, want the new %d", own, r.KeyID)
	}
	if _, found, _ := s.PublicKey(ctx, k1); !found {
		t.Fatal("the old key's public key is gone: its passes no longer verify")
	}
	if got := issue(s, "13033334444"); got.KeyID != r.KeyID || got == lost {
		t.Fatalf("new visitor after the restore got pass %+v", got)
	}
	if v, _, err := s.PassHolder(ctx, lost); err != nil || v.ID != "" {
		t.Fatalf("the lost pass %+v is held here by %+v (%v)", lost, v, err)
	}

	s.Close()
	// A damaged backup leaves the database as it is.
	bad := filepath.Join(dir, "bad.db")
	os.WriteFile(bad, []byte("not a database, but long enough to look like one's header......"), 0o600)
	if _, err := Restore(ctx, path, bad, 3000, false); err == nil {
		t.Fatal("a damaged backup was restored")
	}
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	if own, _, _, _ := s.OwnKey(ctx); own != r.KeyID {
		t.Fatal("a refused restore changed the database")
	}
	s.Close()
	// The usual case: the kiosk's database is damaged.
	damaged := filepath.Join(dir, "damaged.db")
	os.WriteFile(damaged, []byte("SQLite format 3\x00 and then garbage where the pages should be......"), 0o600)
	if r, err := Restore(ctx, damaged, bak, 3000, false); err != nil || r.DeviceID != dev {
		t.Fatalf("restore over a damaged database: %+v %v", r, err)
	}
	empty := filepath.Join(dir, "empty.db")
	e, _ := Open(empty)
	e.Close()
	if _, err := Restore(ctx, path, empty, 3000, false); !errors.Is(err, ErrNotKioskDB) {
		t.Fatalf("restore of a database without a device id: %v", err)
	}
}

// TestIssuePassSkipsNumbersSeenInCheckIns: a database restored without a
// new key still never gives out a number its key's passes were scanned
// with.
func TestIssuePassSkipsNumbersSeenInCheckIns(t *testing.T) {
	s := openTemp(t)
	dev, _ := s.DeviceID(ctx)
	k, err := s.NewOwnKey(ctx, "centre", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AppendCheckIn(ctx, data.CheckIn{ID: "01900000-0000-7000-8000-000000000001", Pass: data.PassRef{KeyID: k, No: 38},
		Direction: data.In, Method: data.MethodQR, DeviceID: dev, WallMS: 1, RunID: "r", Outcome: data.Refused,
		Reason: data.ReasonUnreadable}); err != nil {
		t.Fatal(err)
	}
	v, _, _ := s.Register(ctx, data.Visitor{Phone: "13033334444"})
	ref, err := s.IssuePass(ctx, v.ID, k, 2)
	if err != nil || ref.No != 39 {
		t.Fatalf("pass %+v (%v), want number 39", ref, err)
	}
}

// TestOwnActivePass: a visitor's pass of any key whose private key the
// kiosk holds is found, the newest first, with that key; passes of other
// kiosks' keys and revoked passes are not.
func TestOwnActivePass(t *testing.T) {
	s := openTemp(t)
	k1, err := s.NewOwnKey(ctx, "centre", 1000)
	if err != nil {
		t.Fatal(err)
	}
	_, want, _, _ := s.OwnKey(ctx)
	v, _, _ := s.Register(ctx, data.Visitor{Phone: "13033334444"})
	if _, _, _, found, err := s.OwnActivePass(ctx, v.ID); err != nil || found {
		t.Fatalf("a visitor without a pass: found %v (%v)", found, err)
	}
	other := data.PassRef{KeyID: k1 + 1, No: 7} // another kiosk's, known here by sync
	if _, err := s.w.ExecContext(ctx, `INSERT INTO keys(key_id, public, site_id, created_ms) VALUES(?, ?, 'wenhuayuan', 0)`,
		other.KeyID, make([]byte, 32)); err != nil {
		t.Fatal(err)
	}
	mine, err := s.IssuePass(ctx, v.ID, k1, 2000)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := s.NewOwnKey(ctx, "centre", 3000) // a restore's new key
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.IssuePass(ctx, v.ID, other.KeyID, 4000); err != nil {
		t.Fatal(err)
	}
	if ref, _, _, _ := s.ActivePass(ctx, v.ID); ref.KeyID != other.KeyID {
		t.Fatalf("newest pass %+v, want the other kiosk's", ref)
	}
	ref, issued, priv, found, err := s.OwnActivePass(ctx, v.ID)
	if err != nil || !found || ref != mine || issued != 2000 || !bytes.Equal(priv, want) {
		t.Fatalf("own pass %+v issued %d found %v (%v), want %+v of key %d", ref, issued, found, err, mine, k1)
	}
	if _, err := s.ReissuePass(ctx, v.ID, k2, "王老师", 5000); err != nil {
		t.Fatal(err)
	}
	if ref, _, _, _, _ := s.OwnActivePass(ctx, v.ID); ref.KeyID != k2 {
		t.Fatalf("after a reissue the own pass is %+v, want one of key %d", ref, k2)
	}
}

// TestRestoreKeepsEveryReplacedDatabase: restoring twice, even in the same
// second, keeps both replaced databases, each named with the restore's time.
func TestRestoreKeepsEveryReplacedDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	s.DeviceID(ctx)
	bak := filepath.Join(dir, "bak.db")
	if err := s.Backup(ctx, bak); err != nil {
		t.Fatal(err)
	}
	s.Close()
	now := time.Date(2026, 11, 29, 11, 22, 33, 0, time.UTC).UnixMilli()
	want := []string{path + ".before-restore-20261129-112233", path + ".before-restore-20261129-112233-2",
		path + ".before-restore-20261129-112234"}
	for i, at := range []int64{now, now + 500, now + 1000} {
		r, err := Restore(ctx, path, bak, at, false)
		if err != nil {
			t.Fatal(err)
		}
		if r.Previous != want[i] {
			t.Fatalf("restore %d kept the replaced database as %s, want %s", i+1, r.Previous, want[i])
		}
	}
	keys := map[uint32]bool{}
	for _, f := range want {
		p, err := Open(f)
		if err != nil {
			t.Fatal(err)
		}
		k, _, _, _ := p.OwnKey(ctx)
		p.Close()
		keys[k] = true
	}
	if len(keys) != 3 {
		t.Fatalf("the kept databases hold own keys %v: one was overwritten", keys)
	}
}

// TestRestoreRefusesAnotherKiosksBackup: a backup of kiosk B restored over
// kiosk A's database is refused, naming both device ids, and changes
// nothing; with force it is restored as B, without A's hub enrolment.
func TestRestoreRefusesAnotherKiosksBackup(t *testing.T) {
	a, b := openTemp(t), openTemp(t)
	devA, _ := a.DeviceID(ctx)
	devB, _ := b.DeviceID(ctx)
	if err := a.SetHubEnrolment(ctx, Enrolment{HubURL: "https://hub.example", Token: "tokA", SiteID: "c"}); err != nil {
		t.Fatal(err)
	}
	bak := filepath.Join(t.TempDir(), "B.db")
	if err := b.Backup(ctx, bak); err != nil {
		t.Fatal(err)
	}
	path := a.Path()
	a.Close()
	_, err := Restore(ctx, path, bak, 2000, false)
	if !errors.Is(err, ErrOtherKiosk) || !strings.Contains(err.Error(), devA) || !strings.Contains(err.Error(), devB) {
		t.Fatalf("restore of another kiosk's backup: %v, want ErrOtherKiosk naming %s and %s", err, devA, devB)
	}
	if kept, _ := filepath.Glob(path + RestoreSuffix + "*"); len(kept) != 0 {
		t.Fatalf("a refused restore moved the database: %v", kept)
	}
	a, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := a.DeviceID(ctx); id != devA {
		t.Fatalf("device %s after a refused restore, want %s", id, devA)
	}
	a.Close()

	r, err := Restore(ctx, path, bak, 2000, true)
	if err != nil || r.DeviceID != devB || r.Replaced != devA || r.KeptEnrolment {
		t.Fatalf("forced restore: %+v %v", r, err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok, _ := s.HubEnrolment(ctx); ok {
		t.Fatal("kiosk A's hub enrolment went to the restored kiosk B")
	}
}

// TestRestoreKeepsTheEnrolment: a kiosk's own backup from before it enrolled
// comes back enrolled as the replaced database was; a backup from when it
// was enrolled keeps its own (older) change-feed cursor. The summary counts
// what the replaced database had that the backup lacks.
func TestRestoreKeepsTheEnrolment(t *testing.T) {
	s := honourStore(t)
	path := s.Path()
	dir := t.TempDir()
	dev, _ := s.DeviceID(ctx)
	v, _, _ := s.Register(ctx, data.Visitor{Phone: "13000000001"})
	in := func(id string) data.CheckIn {
		return data.CheckIn{ID: id, Pass: data.PassRef{KeyID: 1, No: 1}, VisitorID: v.ID, Direction: data.In,
			Method: data.MethodQR, DeviceID: dev, WallMS: 1, RunID: "r", Outcome: data.Accepted}
	}
	if err := s.AppendCheckIn(ctx, in("01900000-0000-7000-8000-000000000001")); err != nil {
		t.Fatal(err)
	}
	unenrolled := filepath.Join(dir, "unenrolled.db")
	if err := s.Backup(ctx, unenrolled); err != nil {
		t.Fatal(err)
	}
	e := Enrolment{HubURL: "https://hub.example", Token: "tok", SiteID: "c"}
	if err := s.SetHubEnrolment(ctx, e); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(ctx, SettingSyncCursor, "10"); err != nil {
		t.Fatal(err)
	}
	enrolled := filepath.Join(dir, "enrolled.db")
	if err := s.Backup(ctx, enrolled); err != nil {
		t.Fatal(err)
	}
	// After the backups: a cursor further on, two visitors, three check-ins
	// (one sent to the hub), an event edited in staff mode.
	if err := s.SetSetting(ctx, SettingSyncCursor, "42"); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"13000000002", "13000000003"} {
		s.Register(ctx, data.Visitor{Phone: p})
	}
	for _, id := range []string{"01900000-0000-7000-8000-000000000002", "01900000-0000-7000-8000-000000000003",
		"01900000-0000-7000-8000-000000000004"} {
		if err := s.AppendCheckIn(ctx, in(id)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.MarkUploaded(ctx, []UploadResult{{ID: "01900000-0000-7000-8000-000000000002", Status: "stored"}}, 5); err != nil {
		t.Fatal(err)
	}
	if err := s.PutEvent(ctx, data.Event{ID: "e1", SiteID: "c", Title: "讲座", StartMS: 1000, EndMS: 2000}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	restore := func(from string) *Store {
		t.Helper()
		r, err := Restore(ctx, path, from, time.Now().UnixMilli(), false)
		if err != nil || r.Replaced != dev || !r.KeptEnrolment {
			t.Fatalf("restore of %s: %+v %v", from, r, err)
		}
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if got, ok, _ := s.HubEnrolment(ctx); !ok || got != e {
			t.Fatalf("enrolment after restoring %s: %+v, want %+v", from, got, e)
		}
		return s
	}
	r, err := Restore(ctx, path, unenrolled, time.Now().UnixMilli(), false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Lost == nil || *r.Lost != (Lost{CheckIns: 3, CheckInsUnsent: 2, Visitors: 2, ContentEdits: 1}) {
		t.Fatalf("what the replaced database had that the backup lacks: %+v", r.Lost)
	}
	if err := os.Rename(r.Previous, path); err != nil { // undo, to restore the other backup over the same database
		t.Fatal(err)
	}
	s = restore(unenrolled)
	if c, _ := s.SyncCursor(ctx); c != 0 {
		t.Fatalf("cursor %d after restoring a backup from before the enrolment, want 0", c)
	}
	s.Close()
	s = restore(enrolled)
	if c, _ := s.SyncCursor(ctx); c != 10 {
		t.Fatalf("cursor %d after restoring a backup at cursor 10, want the backup's", c)
	}
}
