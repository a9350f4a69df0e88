package ui

import (
	"testing"

	"fyne.io/fyne/v2/lang"
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
}
