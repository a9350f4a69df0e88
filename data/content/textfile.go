package content

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// Errors of DecodeText, wrapped in a TextError.
var (
	// ErrNotText is a file that is not text in UTF-8, UTF-16 (with a BOM)
	// or GB18030.
	ErrNotText = errors.New("not text in UTF-8, UTF-16 or GB18030")
	// ErrStrayByte is a UTF-8 file holding a byte that is not UTF-8 (a name
	// pasted from a file in another encoding): it is refused rather than
	// read whole as GB18030, which would garble every other line.
	// A TextError with it is ErrNotText too.
	ErrStrayByte = errors.New("a byte that is not UTF-8 in a file otherwise UTF-8")
)

// TextError is a text file that DecodeText refuses, with the line (from 1)
// of the first byte it cannot read.
type TextError struct {
	Line int
	Err  error // ErrNotText or ErrStrayByte
}

func (e *TextError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap gives Err and, for ErrStrayByte, ErrNotText.
func (e *TextError) Unwrap() []error {
	if e.Err == ErrNotText {
		return []error{e.Err}
	}
	return []error{e.Err, ErrNotText}
}

// DecodeText returns the text of a file as saved by Windows Notepad, Excel
// or WPS, as UTF-8 without a BOM. src may be:
//   - UTF-8, with or without a BOM;
//   - UTF-16 with a BOM, little- or big-endian (Notepad's "Unicode");
//   - GB18030/GBK (Notepad's and Excel's "ANSI" on Chinese Windows), taken
//     when src is not valid UTF-8, reads as GB18030 without a bad byte, and
//     holds fewer valid multi-byte UTF-8 sequences than bytes that are not
//     UTF-8 (two bytes of GB18030 text form a valid UTF-8 sequence now and
//     then, so a few of them do not make a GB18030 file UTF-8).
//
// A file that is otherwise UTF-8 but holds a stray byte (such as "José"
// saved in Latin-1 in a UTF-8 list) gives a *TextError wrapping
// ErrStrayByte naming the line of the first stray byte; any other file that
// is none of the above, a *TextError wrapping ErrNotText with the line of
// its first unreadable character.
func DecodeText(src []byte) ([]byte, error) {
	if bytes.HasPrefix(src, []byte{0xFF, 0xFE}) || bytes.HasPrefix(src, []byte{0xFE, 0xFF}) {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(src)
		return checkDecoded(b, err)
	}
	if utf8.Valid(src) {
		return bytes.TrimPrefix(src, []byte("\uFEFF")), nil
	}
	multi, stray, first := 0, 0, -1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			stray++
			if first < 0 {
				first = i
			}
		case size > 1:
			multi++
		}
		i += size
	}
	b, err := simplifiedchinese.GB18030.NewDecoder().Bytes(src)
	gb := err == nil && !bytes.ContainsRune(b, utf8.RuneError) && multi < stray
	if !gb && multi > 0 {
		return nil, &TextError{Line: 1 + bytes.Count(src[:first], []byte{'\n'}), Err: ErrStrayByte}
	}
	return checkDecoded(b, err)
}

// checkDecoded returns b, decoded from a text file, unless decoding failed
// or b holds U+FFFD (a byte the decoder could not read), for which it gives
// a *TextError wrapping ErrNotText with the line of that character.
func checkDecoded(b []byte, err error) ([]byte, error) {
	if err != nil {
		return nil, &TextError{Line: 1, Err: ErrNotText}
	}
	if i := bytes.IndexRune(b, utf8.RuneError); i >= 0 {
		return nil, &TextError{Line: 1 + bytes.Count(b[:i], []byte{'\n'}), Err: ErrNotText}
	}
	return b, nil
}
