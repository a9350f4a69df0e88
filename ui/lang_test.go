package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/civickiosk/kiosk/assets"
	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
)

func TestUseLanguage(t *testing.T) {
	for _, c := range []struct{ tag, want string }{{"en", "Events"}, {"zh-CN", "活动安排"}} {
		if err := UseLanguage(c.tag); err != nil {
			t.Fatal(err)
		}
		if got := lang.L("home.events"); got != c.want {
			t.Errorf("%s: got %q, want %q", c.tag, got, c.want)
		}
	}
	if err := UseLanguage("fr"); err == nil {
		t.Error("an unknown language was accepted")
	}
}

// translationKeys returns the keys of one translation file.
func translationKeys(t *testing.T, name string) map[string]bool {
	t.Helper()
	b, err := assets.Translations.ReadFile("translations/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	keys := map[string]bool{}
	for k := range m {
		keys[k] = true
	}
	return keys
}

// refusals are the reasons a refused check-in shows on the red screen; a
// choice of event and repeated scans have screens of their own.
var refusals = []data.Reason{data.ReasonUnreadable, data.ReasonTampered, data.ReasonRevoked, data.ReasonNoEvent,
	data.ReasonUnknownEvent, data.ReasonNotOpen, data.ReasonUnknownPhone, data.ReasonBadPhone, data.ReasonStorage}

func TestTranslationsAreComplete(t *testing.T) {
	used := map[string]bool{"app.title": true} // the window title, set by cmd/kiosk
	for i := 0; i < 7; i++ {
		for _, p := range []string{"weekday.", "weekday.short.", "weekly."} {
			used[p+strconv.Itoa(i)] = true
		}
	}
	for i := 1; i <= 12; i++ {
		used["month."+strconv.Itoa(i)] = true
	}
	for _, k := range teamKindKeys {
		used[k] = true
	}
	for _, k := range honourCategoryKeys {
		used[k] = true
	}
	for _, c := range content.Codes() {
		used["content."+c] = true
	}
	for _, t := range content.Terms() {
		used["content.term."+string(t)] = true
	}
	for _, r := range refusals {
		used["reason."+string(r)] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	call := regexp.MustCompile(`lang\.L\("([^"]+)"[,)]`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllSubmatch(src, -1) {
			used[string(m[1])] = true
		}
	}
	for _, l := range Languages {
		have := translationKeys(t, l)
		var missing, unused []string
		for k := range used {
			if !have[k] {
				missing = append(missing, k)
			}
		}
		for k := range have {
			if !used[k] {
				unused = append(unused, k)
			}
		}
		sort.Strings(missing)
		sort.Strings(unused)
		if len(missing) > 0 {
			t.Errorf("%s.json lacks %q", l, missing)
		}
		if len(unused) > 0 {
			t.Errorf("%s.json has unused keys %q", l, unused)
		}
	}
}
