package cliargs

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	newFS := func() (*flag.FlagSet, *string, *string) {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		return fs, fs.String("code", "", ""), fs.String("event", "", "")
	}
	fs, code, event := newFS()
	if rest, err := Parse(fs, []string{"--code", "nzt7 zmkq", "--event", "e1"}); err != nil || len(rest) != 0 || *code != "nzt7 zmkq" || *event != "e1" {
		t.Fatalf("quoted: %q %v %q %q", rest, err, *code, *event)
	}
	fs, _, _ = newFS()
	if _, err := Parse(fs, []string{"--code", "nzt7", "zmkq", "--event", "e1"}); err == nil || !strings.Contains(err.Error(), `"zmkq" "--event" "e1"`) {
		t.Fatalf("unquoted: %v", err)
	}
	fs, _, _ = newFS()
	if rest, err := Parse(fs, []string{"--code", "a", "f.json"}, "FILE"); err != nil || len(rest) != 1 || rest[0] != "f.json" {
		t.Fatalf("one wanted: %q %v", rest, err)
	}
	fs, _, _ = newFS()
	if _, err := Parse(fs, nil, "FILE"); err == nil || !strings.Contains(err.Error(), "missing FILE") {
		t.Fatalf("missing: %v", err)
	}
	fs, _, _ = newFS()
	if _, err := Parse(fs, []string{"a", "b"}, "FILE"); err == nil || !strings.Contains(err.Error(), `"b"`) {
		t.Fatalf("two for one: %v", err)
	}
}
