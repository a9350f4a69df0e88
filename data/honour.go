package data

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// HonourCategory is the honour an honour-wall entry records, the three
// of the wall: 道德模范 (moral model), 中国好人 (good person of China) and
// 身边好人 (good person next door). Its value is the Chinese name, as
// written in the entry's Title.
type HonourCategory string

// The honour-wall categories.
const (
	HonourModel     HonourCategory = "道德模范"
	HonourGoodChina HonourCategory = "中国好人"
	HonourNextDoor  HonourCategory = "身边好人"
)

// HonourCategories are the categories in the order the wall ranks them.
var HonourCategories = []HonourCategory{HonourModel, HonourGoodChina, HonourNextDoor}

// MinHonourYear is the earliest year an honour may be given for.
const MinHonourYear = 1949

// ValidHonourYear reports whether year is a year an honour given by now
// can be for: from MinHonourYear to now's year.
func ValidHonourYear(year int, now time.Time) bool {
	return year >= MinHonourYear && year <= now.Year()
}

// HonourTitle is the Title of an entry of category c honoured in year, as
// honour walls write it: "2024年度身边好人", or just "身边好人" when year is
// 0 (not known).
func HonourTitle(c HonourCategory, year int) string {
	if year == 0 {
		return string(c)
	}
	return strconv.Itoa(year) + "年度" + string(c)
}

// honourYearRE matches the year a title starts with: "2024年度…", "2024年…".
var honourYearRE = regexp.MustCompile(`^\s*(\d{4})\s*年度?`)

// ParseHonourTitle reads the category and year out of an entry's Title,
// such as HonourTitle writes or a content file gives ("全国道德模范",
// "2023年中国好人"). c is "" when the title names none of the categories;
// year is 0 when it does not start with one.
func ParseHonourTitle(title string) (c HonourCategory, year int) {
	for _, cat := range HonourCategories {
		if strings.Contains(title, string(cat)) {
			c = cat
			break
		}
	}
	if m := honourYearRE.FindStringSubmatch(title); m != nil {
		year, _ = strconv.Atoi(m[1])
	}
	return c, year
}
