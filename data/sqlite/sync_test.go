package sqlite_test

import (
	"context"
	"testing"

	"github.com/civickiosk/kiosk/data/sqlite"
)

// TestMarkUploaded: the hub's answers take records out of the outbox with
// their status and reason; the first answer for an id counts, an answer
// without a status and an answer for a record already answered change
// nothing.
func TestMarkUploaded(t *testing.T) {
	ctx := context.Background()
	st := scenario(t).Store
	out, err := st.Outbox(ctx, 100)
	if err != nil || len(out) < 6 {
		t.Fatalf("outbox: %d records, %v (want at least 6)", len(out), err)
	}
	err = st.MarkUploaded(ctx, []sqlite.UploadResult{
		{ID: out[0].ID, Status: "stored"}, {ID: out[1].ID, Status: "rejected", Reason: "unknown_event"},
		{ID: out[2].ID, Status: "already_stored"}, {ID: out[3].ID, Status: "rejected", Reason: "invalid: direction"},
		{ID: out[4].ID, Status: "stored"}, {ID: out[1].ID, Status: "stored"}, {ID: out[5].ID}}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.MarkUploaded(ctx, []sqlite.UploadResult{{ID: out[0].ID, Status: "rejected", Reason: "late"}}, 2000); err != nil {
		t.Fatal(err)
	}
	left, err := st.Outbox(ctx, 100)
	if err != nil || len(left) != len(out)-5 || left[0].ID != out[5].ID {
		t.Fatalf("outbox after the answers: %d records (first %v), %v; want %d starting with %s", len(left), left, err,
			len(out)-5, out[5].ID)
	}
	rej, err := st.RejectedCheckIns(ctx)
	if err != nil || len(rej) != 2 {
		t.Fatalf("rejected: %+v, %v; want 2", rej, err)
	}
	for i, want := range []struct{ id, reason string }{{out[1].ID, "unknown_event"}, {out[3].ID, "invalid: direction"}} {
		if rej[i].ID != want.id || rej[i].Reason != want.reason || rej[i].AnsweredMS != 1000 {
			t.Errorf("rejected %d: %s %q at %d; want %s %q at 1000", i, rej[i].ID, rej[i].Reason, rej[i].AnsweredMS,
				want.id, want.reason)
		}
	}
}
