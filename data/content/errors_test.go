package content

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// codeFiles holds for every problem code a file that has that problem,
// after sitesYAML (site "c") unless it starts with "!".
var codeFiles = map[string]string{
	"text.utf16":   "!\xFF\xFEs\x00",
	"text.notUTF8": "!sites: \xB9\xE3\n",
	"text.control": "!sites: a\x07\n",

	"syntax":         "!sites: [a\n",
	"syntax.tab":     "!sites:\n  - id: c\n\tname: x\n",
	"syntax.colon":   "!sites:\n  - id: c\n    name: a: b\n",
	"syntax.indent":  "!sites:\n  - id: c\n    name: a\n   level: 1\n",
	"syntax.noColon": "!sites:\n  - id: c\n    name\n    level: 1\n",
	"syntax.anchor":  "!sites: *nowhere\n",

	"file.empty":       "!# nothing\n",
	"file.twoDocs":     "!sites: []\n---\nteams: []\n",
	"file.notMapping":  "!- a\n",
	"zone.unknown":     "zone: Mars/Olympus\n",
	"section.notList":  "events: a\n",
	"entry.notMapping": "events:\n  - a\n",

	"key.merge":   "events:\n  - <<: {id: a}\n",
	"key.notWord": "events:\n  - [a]: b\n",
	"key.unknown": "events:\n  - titel: a\n",
	"key.twice":   "events:\n  - id: a\n    id: b\n",

	"value.missing":      "teams:\n  - id: t\n    site: c\n    kind: 社会\n",
	"value.notText":      "teams:\n  - id: t\n    site: c\n    name: [a]\n    kind: 社会\n",
	"value.notList":      "centre:\n  name: a\n  rooms: {a: b}\n",
	"value.entryNotText": "centre:\n  name: a\n  rooms: [[a]]\n",
	"value.notNumber":    "teams:\n  - id: t\n    site: c\n    name: a\n    kind: 社会\n    members: 很多\n",
	"value.notBool":      "honour:\n  - id: h\n    site: c\n    name: a\n    hidden: 也许\n",

	"id.tooLong": "honour:\n  - id: " + strings.Repeat("a", MaxIDLength+1) + "\n    site: c\n    name: a\n",
	"id.bad":     "honour:\n  - id: Zhao Li\n    site: c\n    name: a\n",
	"id.twice":   "honour:\n  - {id: h, site: c, name: a}\n  - {id: h, site: c, name: b}\n",

	"ref.unknown":      "honour:\n  - {id: h, site: d, name: a}\n",
	"ref.unknownKnown": "known\nhonour:\n  - {id: h, site: d, name: a}\n",

	"centre.notMapping": "centre: a\n",
	"centre.second":     "  - {id: d, level: centre, name: b}\n",
	"centre.parent":     "  - {id: d, parent: c, level: centre, name: b}\n",
	"level.bad":         "  - {id: d, parent: c, level: 5, name: b}\n",
	"parent.missing":    "  - {id: d, level: station, name: b}\n",
	"parent.self":       "  - {id: d, parent: d, level: station, name: b}\n",
	"parent.notHigher":  "  - {id: d, parent: c, level: station, name: b}\n  - {id: e, parent: d, level: institute, name: e}\n",

	"capacity.negative": "events:\n  - {id: e, site: c, title: a, date: today, time: \"09:00-10:00\", capacity: -1}\n",
	"members.negative":  "teams:\n  - {id: t, site: c, name: a, kind: 社会, members: -1}\n",
	"kind.bad":          "teams:\n  - {id: t, site: c, name: a, kind: 民间}\n",

	"time.notRange":    "events:\n  - {id: e, site: c, title: a, date: today, time: \"09:00\"}\n",
	"time.notClock":    "events:\n  - {id: e, site: c, title: a, date: today, time: \"25:00-26:00\"}\n",
	"time.endsBefore":  "events:\n  - {id: e, site: c, title: a, date: today, time: \"10:00-09:00\"}\n",
	"time.endsAtStart": "events:\n  - {id: e, site: c, title: a, date: today, time: \"10:00-10:00\"}\n",

	"date.andWeekly":    "events:\n  - {id: e, site: c, title: a, date: today, weekly: 周二, time: \"09:00-10:00\"}\n",
	"date.missing":      "events:\n  - {id: e, site: c, title: a, time: \"09:00-10:00\"}\n",
	"date.empty":        "events:\n  - {id: e, site: c, title: a, date: , time: \"09:00-10:00\"}\n",
	"weekly.empty":      "events:\n  - {id: e, site: c, title: a, weekly: , time: \"09:00-10:00\"}\n",
	"weekly.bad":        "events:\n  - {id: e, site: c, title: a, weekly: 周八, time: \"09:00-10:00\"}\n",
	"weekly.only":       "events:\n  - {id: e, site: c, title: a, date: today, from: today, time: \"09:00-10:00\"}\n",
	"until.beforeFirst": "events:\n  - {id: e, site: c, title: a, weekly: 周二, from: 2025-06-10, until: 2025-06-01, time: \"09:00-10:00\"}\n",

	"day.tooFar":        "events:\n  - {id: e, site: c, title: a, date: today+9999, time: \"09:00-10:00\"}\n",
	"day.notInCalendar": "events:\n  - {id: e, site: c, title: a, date: 2025-02-30, time: \"09:00-10:00\"}\n",
	"day.year":          "events:\n  - {id: e, site: c, title: a, date: 1900-01-01, time: \"09:00-10:00\"}\n",
	"day.bad":           "events:\n  - {id: e, site: c, title: a, weekly: 周二, from: 明天, time: \"09:00-10:00\"}\n",

	"photo.notAllowed": "nodir\nhonour:\n  - {id: h, site: c, name: a, photo: a.jpg}\n",
	"photo.absolute":   "honour:\n  - {id: h, site: c, name: a, photo: 'C:\\a.jpg'}\n",
	"photo.outside":    "honour:\n  - {id: h, site: c, name: a, photo: ../a.jpg}\n",
	"photo.missing":    "honour:\n  - {id: h, site: c, name: a, photo: none.jpg}\n",
	"photo.unreadable": "honour:\n  - {id: h, site: c, name: a, photo: broken/a.jpg}\n",
	"photo.folder":     "honour:\n  - {id: h, site: c, name: a, photo: photos}\n",
	"photo.tooLarge":   "honour:\n  - {id: h, site: c, name: a, photo: huge.jpg}\n",
	"photo.notImage":   "honour:\n  - {id: h, site: c, name: a, photo: notes.txt}\n",
}

// brokenFS is a folder whose files cannot be statted.
type brokenFS struct{ fstest.MapFS }

func (b brokenFS) Stat(name string) (fs.FileInfo, error) {
	if strings.HasPrefix(name, "broken/") {
		return nil, errors.New("input/output error")
	}
	return b.MapFS.Stat(name)
}

// tinyJPEG returns a JPEG image of one pixel.
func tinyJPEG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Every code is reported for a file that has its problem, with its
// subject and an English message that names its values.
func TestEveryCode(t *testing.T) {
	dir := brokenFS{fstest.MapFS{
		"photos/a.jpg": {Data: tinyJPEG(t)},
		"huge.jpg":     {Data: make([]byte, MaxPhotoBytes+1)},
		"notes.txt":    {Data: []byte("x")},
	}}
	now := time.Date(2025, 6, 10, 10, 0, 0, 0, shanghai(t))
	for _, code := range Codes() {
		src, ok := codeFiles[code]
		if !ok {
			t.Errorf("no file for %s", code)
			continue
		}
		opts := Options{Now: now, Dir: dir}
		if rest, ok := strings.CutPrefix(src, "known\n"); ok {
			src, opts.KnownSites = rest, map[string]bool{"x": true}
		}
		if rest, ok := strings.CutPrefix(src, "nodir\n"); ok {
			src, opts.Dir = rest, nil
		}
		if rest, ok := strings.CutPrefix(src, "!"); ok {
			src = rest
		} else {
			src = sitesYAML + src
		}
		_, err := Parse([]byte(src), opts)
		var errs *Errors
		if !errors.As(err, &errs) {
			t.Errorf("%s: %v", code, err)
			continue
		}
		if !slices.ContainsFunc(*errs, func(p Problem) bool { return p.Code == code }) {
			t.Errorf("%s: not reported; got %v", code, errs)
		}
		for _, p := range *errs {
			if strings.Contains(p.Msg, "<no value>") || strings.Contains(p.Msg, "%!") {
				t.Errorf("%s: message %q", p.Code, p.Msg)
			}
		}
	}
	for code := range codeFiles {
		if !slices.Contains(Codes(), code) {
			t.Errorf("a file for the unknown code %s", code)
		}
	}
}

func TestProblemSubjectAndArgs(t *testing.T) {
	errs := problems(t, sitesYAML+`events:
  - id: taiji
    site: c
    title: 太极拳
    date: today
    time: "10:00-09:00"
  - site: cc
    title: a
    date: today
    time: "09:00-10:00"
`, Options{})
	if len(errs) != 3 {
		t.Fatalf("problems %v", &errs)
	}
	p := errs[0]
	if p.Line != 10 || p.Subject != (Subject{Kind: TermEvent, ID: "taiji", Index: 1}) || p.Code != "time.endsBefore" ||
		p.Args["Value"] != "10:00-09:00" || p.Msg != `event "taiji": time "10:00-09:00" ends before it starts` {
		t.Errorf("first problem %+v", p)
	}
	p = errs[2]
	if p.Subject != (Subject{Kind: TermEvent, Index: 2}) || p.Code != "ref.unknown" || p.Args["Suggest"] != "c" ||
		p.Msg != `event #2: site "cc" is not a site of this file (did you mean "c"?)` {
		t.Errorf("third problem %+v", p)
	}
	if got := errs[2].String(); got != `line 11: event #2: site "cc" is not a site of this file (did you mean "c"?)` {
		t.Errorf("String %q", got)
	}
}
