package data

import "testing"

func TestMayEditSite(t *testing.T) {
	sites := map[string]Site{
		"c":  {ID: "c", Level: LevelCentre},
		"s1": {ID: "s1", ParentID: "c", Level: LevelStation},
		"p1": {ID: "p1", ParentID: "s1", Level: LevelPoint},
		"s2": {ID: "s2", ParentID: "c", Level: LevelStation},
	}
	for _, tc := range []struct {
		enrolled, site string
		want           bool
	}{
		{"", "c", true}, {"", "s2", true},
		{"c", "c", true}, {"c", "p1", true},
		{"s1", "s1", true}, {"s1", "p1", true}, {"s1", "c", false}, {"s1", "s2", false}, {"s1", "gone", false},
		{"p1", "s1", false},
	} {
		if got := MayEditSite(sites, tc.enrolled, tc.site); got != tc.want {
			t.Errorf("MayEditSite(enrolled %q, site %q) = %v, want %v", tc.enrolled, tc.site, got, tc.want)
		}
	}
}
