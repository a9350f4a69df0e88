// Package assets embeds the files the kiosk ships with: the demo centre's
// content file, the bundled CJK fonts, the translations and the app icon.
// It imports no Fyne; the ui package wraps these bytes in Fyne resources.
package assets

import "embed"

// DemoCentre is the demo centre's content file (YAML, see
// docs/content-format.md), derived from the Xiaodian district centre.
//
//go:embed centre.yaml
var DemoCentre []byte

// FontRegular and FontBold are Noto Sans CJK SC subset to GB2312 plus Latin
// (OpenType/CFF, SIL Open Font License 1.1, see fonts/LICENSE.txt).
var (
	//go:embed fonts/NotoSansSC-Regular.otf
	FontRegular []byte
	//go:embed fonts/NotoSansSC-Bold.otf
	FontBold []byte
)

// Icon is the app icon, a 512×512 PNG.
//
//go:embed icon.png
var Icon []byte

// Translations holds the UI strings, one JSON file per language in
// translations/ (fyne lang format: zh-CN.json is the default, en.json).
//
//go:embed translations
var Translations embed.FS
