package sqlite

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
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
	if _, err := Restore(ctx, path, bak, 2000); !errors.Is(err, ErrInUse) {
		t.Fatalf("restore while the database is open: %v, want ErrInUse", err)
	}
	s.Close()

	r, err := Restore(ctx, path, bak, 2000)
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
	if _, err := Restore(ctx, path, bad, 3000); err == nil {
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
	if r, err := Restore(ctx, damaged, bak, 3000); err != nil || r.DeviceID != dev {
		t.Fatalf("restore over a damaged database: %+v %v", r, err)
	}
	empty := filepath.Join(dir, "empty.db")
	e, _ := Open(empty)
	e.Close()
	if _, err := Restore(ctx, path, empty, 3000); !errors.Is(err, ErrNotKioskDB) {
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
		r, err := Restore(ctx, path, bak, at)
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
