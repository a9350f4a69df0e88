package data

import (
	"testing"
	"time"
)

func TestHonourTitleRoundTrip(t *testing.T) {
	for _, c := range HonourCategories {
		for _, year := range []int{0, 1999, 2024} {
			title := HonourTitle(c, year)
			if gc, gy := ParseHonourTitle(title); gc != c || gy != year {
				t.Errorf("%q reads as %q, %d; want %q, %d", title, gc, gy, c, year)
			}
		}
	}
	if got := HonourTitle(HonourNextDoor, 2024); got != "2024年度身边好人" {
		t.Errorf("title %q", got)
	}
}

func TestParseHonourTitleOfContentFiles(t *testing.T) {
	for title, want := range map[string]struct {
		c    HonourCategory
		year int
	}{
		"全国道德模范":         {HonourModel, 0},
		"2023年中国好人":      {HonourGoodChina, 2023},
		" 2021 年度 身边好人 ": {HonourNextDoor, 2021},
		"优秀志愿者":          {"", 0},
		"2022年优秀志愿者":     {"", 2022},
	} {
		if c, year := ParseHonourTitle(title); c != want.c || year != want.year {
			t.Errorf("%q: %q, %d; want %q, %d", title, c, year, want.c, want.year)
		}
	}
}

func TestValidHonourYear(t *testing.T) {
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for year, want := range map[int]bool{1948: false, 1949: true, 2026: true, 2027: false, 0: false} {
		if got := ValidHonourYear(year, now); got != want {
			t.Errorf("%d: %v, want %v", year, got, want)
		}
	}
}
