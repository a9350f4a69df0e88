package content

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Limits of an honour-wall text file.
const (
	// MaxHonourTextBytes is the largest honour-wall text file read, in bytes.
	MaxHonourTextBytes = 64 << 10
	// MaxHonourName is the longest name (the file's first line), in
	// characters.
	MaxHonourName = 32
	// MaxHonourStory is the longest story (the rest of the file), in
	// characters.
	MaxHonourStory = 2000
)

// Errors of ParseHonourText.
var (
	ErrHonourTextEmpty = errors.New("the text file holds no name")
	ErrHonourNameLong  = errors.New("the first line of the text file (the name) is too long")
	ErrHonourStoryLong = errors.New("the story in the text file is too long")
	ErrHonourNotText   = errors.New("the file is not text in UTF-8, GB18030 or UTF-16")
)

// HonourText is the text of an honour-wall entry read from a text file.
type HonourText struct {
	Name  string
	Story string
}

// ParseHonourText reads the name and story of an honour-wall entry from a
// plain text file as saved by any editor: its first non-empty line is the
// name, its other non-empty lines, trimmed and joined by "\n", the story
// (the deeds or citation). The file may be UTF-8 (with or without a BOM,
// as Windows Notepad saves it), UTF-16 with a BOM (Notepad's "Unicode") or
// GB18030/GBK (Notepad's "ANSI" on Chinese Windows).
//
// Errors: ErrHonourNotText when src is none of those (or holds control
// characters), ErrHonourTextEmpty when it has no non-empty line,
// ErrHonourNameLong when the name has more than MaxHonourName characters,
// ErrHonourStoryLong when the story has more than MaxHonourStory.
func ParseHonourText(src []byte) (HonourText, error) {
	b, err := decodeText(src)
	if err != nil {
		return HonourText{}, err
	}
	var lines []string
	for l := range strings.Lines(string(b)) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	switch {
	case len(lines) == 0:
		return HonourText{}, ErrHonourTextEmpty
	case utf8.RuneCountInString(lines[0]) > MaxHonourName:
		return HonourText{}, ErrHonourNameLong
	}
	h := HonourText{Name: lines[0], Story: strings.Join(lines[1:], "\n")}
	if utf8.RuneCountInString(h.Story) > MaxHonourStory {
		return HonourText{}, ErrHonourStoryLong
	}
	return h, nil
}

// decodeText returns src as UTF-8 without a BOM: src is UTF-16 with a BOM,
// UTF-8 or else GB18030. It returns ErrHonourNotText when src is none of
// them or holds control characters other than tabs and line ends.
func decodeText(src []byte) ([]byte, error) {
	var b []byte
	var err error
	switch {
	case bytes.HasPrefix(src, []byte{0xFF, 0xFE}) || bytes.HasPrefix(src, []byte{0xFE, 0xFF}):
		b, err = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(src)
	case utf8.Valid(src):
		b = bytes.TrimPrefix(src, []byte("\uFEFF"))
	default:
		b, err = simplifiedchinese.GB18030.NewDecoder().Bytes(src)
	}
	if err != nil || bytes.ContainsRune(b, utf8.RuneError) {
		return nil, ErrHonourNotText
	}
	if _, ok := checkText(b); !ok {
		return nil, ErrHonourNotText
	}
	return b, nil
}
