package content

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

func TestParseHonourText(t *testing.T) {
	const story = "退役军人，社区志愿服务队骨干。\n疫情防控、文明劝导，哪里需要就出现在哪里。"
	utf8File := "\n  刘建国 \r\n\r\n退役军人，社区志愿服务队骨干。\r\n   \r\n疫情防控、文明劝导，哪里需要就出现在哪里。\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(utf8File)
	if err != nil {
		t.Fatal(err)
	}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(utf8File)
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{
		"UTF-8":        utf8File,
		"UTF-8 BOM":    "\uFEFF" + utf8File,
		"GB18030":      gb,
		"UTF-16 BOM":   utf16,
		"no trailing ": strings.TrimSpace(utf8File),
	} {
		h, err := ParseHonourText([]byte(src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if h.Name != "刘建国" || h.Story != story {
			t.Errorf("%s: %+v", name, h)
		}
	}
	if h, err := ParseHonourText([]byte("张丽")); err != nil || h.Name != "张丽" || h.Story != "" {
		t.Errorf("a name alone: %+v, %v", h, err)
	}
}

func TestParseHonourTextRefusals(t *testing.T) {
	for name, c := range map[string]struct {
		src  string
		want error
	}{
		"empty":        {"", ErrHonourTextEmpty},
		"blank lines":  {"\uFEFF \r\n\t\n　\n", ErrHonourTextEmpty},
		"long name":    {strings.Repeat("好", MaxHonourName+1) + "\n事迹", ErrHonourNameLong},
		"long story":   {"张丽\n" + strings.Repeat("好", MaxHonourStory+1), ErrHonourStoryLong},
		"binary":       {"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ErrHonourNotText},
		"control char": {"张丽\n送餐\x07志愿者", ErrHonourNotText},
		"bad GB18030":  {"\x81\x20\x81", ErrHonourNotText},
		"odd UTF-16":   {"\xFF\xFE\x20", ErrHonourNotText},
		"stray byte":   {"刘建国\n退役军人，志愿服务队骨干。\n\xe9\n", ErrStrayByte},
	} {
		if _, err := ParseHonourText([]byte(c.src)); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	if _, err := ParseHonourText([]byte(strings.Repeat("好", MaxHonourName) + "\n" + strings.Repeat("事", MaxHonourStory))); err != nil {
		t.Errorf("a text at the limits: %v", err)
	}
}
