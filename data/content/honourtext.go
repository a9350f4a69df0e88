package content

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
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
// GB18030/GBK (Notepad's "ANSI" on Chinese Windows), as DecodeText reads
// them.
//
// Errors: ErrHonourNotText when src is none of those (wrapping the
// *TextError naming the line) or holds control characters,
// ErrHonourTextEmpty when it has no non-empty line, ErrHonourNameLong when
// the name has more than MaxHonourName characters, ErrHonourStoryLong when
// the story has more than MaxHonourStory.
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

// decodeText returns src as UTF-8 without a BOM (DecodeText). It returns
// ErrHonourNotText when src is not text (wrapping DecodeText's error) or
// holds control characters other than tabs and line ends.
func decodeText(src []byte) ([]byte, error) {
	b, err := DecodeText(src)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrHonourNotText, err)
	}
	if _, ok := checkText(b); !ok {
		return nil, ErrHonourNotText
	}
	return b, nil
}
