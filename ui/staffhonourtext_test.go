package ui

import (
	"strings"
	"testing"

	"github.com/civickiosk/kiosk/data/content"
)

// TestHonourTextStrayByte: a UTF-8 honour-wall text with a stray byte is
// refused in plain words naming its line.
func TestHonourTextStrayByte(t *testing.T) {
	_, err := content.ParseHonourText([]byte("刘建国\n退役军人，志愿服务队骨干。\nJos\xe9\n"))
	if got := honourTextProblem(err); !strings.Contains(got, "第 3 行有无法识别的字符") {
		t.Errorf("a stray byte: %q", got)
	}
	_, err = content.ParseHonourText([]byte("\x89PNG\r\n\x1a\n\x00\x00"))
	if got := honourTextProblem(err); !strings.Contains(got, "不是文字文件") {
		t.Errorf("not text: %q", got)
	}
}
