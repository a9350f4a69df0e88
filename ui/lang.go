package ui

import (
	"fmt"
	"os"

	"fyne.io/fyne/v2/lang"

	"github.com/civickiosk/kiosk/assets"
)

// Languages are the UI languages the kiosk has translations for; the first
// is the default.
var Languages = []string{"zh-CN", "en"}

// UseLanguage loads the kiosk's translations and makes tag (one of
// Languages) the UI language whatever the system locale. Call it before
// building any screen.
func UseLanguage(tag string) error {
	known := false
	for _, l := range Languages {
		known = known || l == tag
	}
	if !known {
		return fmt.Errorf("unknown language %q (want one of %v)", tag, Languages)
	}
	// Fyne's lang package picks the language from the environment as gettext
	// does: LANGUAGE, unless the first of LC_ALL, LC_MESSAGES and LANG that is
	// set is C or POSIX, or none is set.
	if err := os.Setenv("LANGUAGE", tag); err != nil {
		return err
	}
	name := "LC_MESSAGES"
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if os.Getenv(v) != "" {
			name = v
			break
		}
	}
	if v := os.Getenv(name); v == "" || v == "C" || v == "POSIX" {
		if err := os.Setenv(name, tag); err != nil {
			return err
		}
	}
	return lang.AddTranslationsFS(assets.Translations, "translations")
}
