package sqlite

import (
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
)

func TestTeamMembers(t *testing.T) {
	s := openTemp(t)
	if err := s.LoadContent(ctx, demo(t, time.Now())); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, phone := range []string{"13800138000", "13900139000", "13700137000"} {
		v, _, err := s.Register(ctx, data.Visitor{Phone: phone, CreatedMS: 1})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, v.ID)
	}
	if n, gone, err := s.SetTeamMembers(ctx, "jingsao", []string{ids[0], ids[2]}, 100); err != nil || n != 2 || gone != 0 {
		t.Fatalf("first members: %d, %d, %v", n, gone, err)
	}
	// A new list: the second is new, the first keeps its time, the third
	// is no longer a member.
	if n, gone, err := s.SetTeamMembers(ctx, "jingsao", ids[:2], 200); err != nil || n != 1 || gone != 1 {
		t.Fatalf("the new list: %d new, %d removed, %v; want 1, 1", n, gone, err)
	}
	if v, err := s.Visitor(ctx, ids[2]); err != nil || v.Phone != "13700137000" {
		t.Errorf("the member removed from the team: %+v, %v", v, err)
	}
	if n, _, err := s.SetTeamMembers(ctx, "longcheng", ids[1:2], 300); err != nil || n != 1 {
		t.Fatalf("a second team: %d, %v", n, err)
	}
	got, err := s.TeamMembers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []data.TeamMember{{TeamID: "jingsao", VisitorID: ids[0], AddedMS: 100}, {TeamID: "jingsao", VisitorID: ids[1], AddedMS: 200},
		{TeamID: "longcheng", VisitorID: ids[1], AddedMS: 300}}
	if ids[0] > ids[1] {
		want[0], want[1] = want[1], want[0]
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("members %+v, want %+v", got, want)
	}

	// An unknown visitor stores nothing of the batch.
	if _, _, err := s.SetTeamMembers(ctx, "jingsao", []string{ids[0], "nobody"}, 400); err == nil {
		t.Error("a membership of an unknown visitor was stored")
	}
	if _, _, err := s.SetTeamMembers(ctx, "no-such-team", ids, 400); err == nil {
		t.Error("a membership of an unknown team was stored")
	}
	if got, _ := s.TeamMembers(ctx); len(got) != 3 {
		t.Errorf("after refused batches %d memberships, want 3", len(got))
	}

	// A team deleted by the hub takes its members with it.
	if err := s.ApplyChanges(ctx, []Change{{Kind: "team", ID: "jingsao", Deleted: true}}, 1); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.TeamMembers(ctx); len(got) != 1 || got[0].TeamID != "longcheng" {
		t.Errorf("after the team's deletion: %+v", got)
	}
}
