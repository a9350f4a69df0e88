package content

import (
	"errors"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func TestDecodeText(t *testing.T) {
	const text = "手机号,姓名\r\n13800138000,张三丰\r\n13900139000,警嫂志愿服务队的队员\r\n"
	enc := func(e interface{ String(string) (string, error) }) string {
		s, err := e.String(text)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for name, src := range map[string]string{
		"UTF-8":        text,
		"UTF-8 BOM":    "\uFEFF" + text,
		"UTF-16LE BOM": enc(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder()),
		"UTF-16BE BOM": enc(unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder()),
		"GB18030":      enc(simplifiedchinese.GB18030.NewEncoder()),
	} {
		got, err := DecodeText([]byte(src))
		if err != nil || string(got) != text {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	// GB18030 text where two bytes form a valid UTF-8 sequence by chance
	// ("的队" holds C4 B6) is still GB18030.
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String("警嫂志愿服务队的队员名单")
	if got, err := DecodeText([]byte(gb)); err != nil || string(got) != "警嫂志愿服务队的队员名单" {
		t.Errorf("GB18030 with a UTF-8 look-alike: %q, %v", got, err)
	}

	for name, c := range map[string]struct {
		src  string
		line int
		want error
	}{
		"UTF-8 with a stray byte": {"13800138000,张三丰\n13900139000,李四\n13700137000,Jos\xe9\n", 3, ErrStrayByte},
		"stray byte first":        {"\xe9张三丰\n", 1, ErrStrayByte},
		"binary":                  {"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x81", 3, ErrNotText},
		"bad GB18030":             {"\x81\x20\x81", 1, ErrNotText},
		"odd UTF-16":              {"\xFF\xFEa\x00\n\x00\x20", 2, ErrNotText},
	} {
		_, err := DecodeText([]byte(c.src))
		var te *TextError
		if !errors.As(err, &te) || te.Line != c.line || !errors.Is(err, c.want) || !errors.Is(err, ErrNotText) {
			t.Errorf("%s: %v, want line %d: %v", name, err, c.line, c.want)
		}
	}
}
