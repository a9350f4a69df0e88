package content

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a content file: Line is the 1-based line
// of the file it was found on, Msg says what is wrong in English.
type Problem struct {
	Line int
	Msg  string
}

// String renders p as "line 42: event "taiji": time "9:00-8:00" ends before
// it starts".
func (p Problem) String() string {
	if p.Line <= 0 {
		return p.Msg
	}
	return "line " + strconv.Itoa(p.Line) + ": " + p.Msg
}

// Errors is every problem found in a content file, ordered by line. Parse
// returns it as a *Errors whenever the file is rejected; use errors.As to
// get at the individual problems.
type Errors []Problem

// Error renders the problems one per line, each as Problem.String does.
func (e *Errors) Error() string {
	if e == nil || len(*e) == 0 {
		return "no problems"
	}
	lines := make([]string, len(*e))
	for i, p := range *e {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// add records a problem.
func (e *Errors) add(line int, format string, args ...any) {
	*e = append(*e, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// sortByLine orders the problems by line, keeping the order of problems
// found on the same line.
func (e *Errors) sortByLine() {
	sort.SliceStable(*e, func(i, j int) bool { return (*e)[i].Line < (*e)[j].Line })
}

var (
	yamlLineRE   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlAnchorRE = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// parserProblems are the problems raised by the YAML parser (as opposed to
// its scanner). yaml.v3 reports their line 0-based, so one is added.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// blockProblems are parser problems in block (indented) structure. yaml.v3
// reports them at the start of the enclosing list or mapping, which may be
// far above the line at fault.
var blockProblems = map[string]bool{
	"did not find expected key":           true,
	"did not find expected '-' indicator": true,
	"did not find expected node content":  true,
}

// firstFailingLine returns the first line k, from line on, such that the
// first k lines of src alone fail to parse with the same problem: the line
// at fault. It returns line when there is none.
func firstFailingLine(src []byte, line int, problem string) int {
	lines := bytes.SplitAfter(src, []byte{'\n'})
	fails := func(k int) bool {
		var n yaml.Node
		err := yaml.Unmarshal(bytes.Join(lines[:k], nil), &n)
		if err == nil {
			return false
		}
		m := yamlLineRE.FindStringSubmatch(err.Error())
		return m != nil && m[2] == problem
	}
	lo, hi := max(line, 1), len(lines)
	if lo > hi || !fails(hi) {
		return line
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if fails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// syntaxProblem turns a yaml.v3 syntax error into a Problem with the best
// line number that can be had for it.
func syntaxProblem(src []byte, err error) Problem {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if parserProblems[m[2]] {
			line++
		}
		if strings.HasPrefix(m[2], "found a tab character") {
			line = tabLine(src, line)
		}
		if blockProblems[m[2]] {
			line = firstFailingLine(src, line, m[2])
		}
		return Problem{Line: line, Msg: "YAML syntax: " + m[2]}
	}
	if m := yamlAnchorRE.FindStringSubmatch(msg); m != nil {
		return Problem{Line: lineOf(src, "*"+m[1]), Msg: fmt.Sprintf("YAML syntax: unknown anchor %q referenced", m[1])}
	}
	// Without a line, yaml.v3's marks were both on the first line.
	return Problem{Line: 1, Msg: "YAML syntax: " + strings.TrimPrefix(msg, "yaml: ")}
}

// tabLine returns the first line from line on whose indentation holds a tab.
// yaml.v3 reports tab problems at the start of the scalar before the tab.
func tabLine(src []byte, line int) int {
	for i, l := range bytes.Split(src, []byte{'\n'}) {
		if i+1 < line {
			continue
		}
		indent := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]
		if bytes.IndexByte(indent, '\t') >= 0 {
			return i + 1
		}
	}
	return line
}

// lineOf returns the 1-based line of the first occurrence of s in src, or 1.
func lineOf(src []byte, s string) int {
	i := bytes.Index(src, []byte(s))
	if i < 0 {
		return 1
	}
	return 1 + bytes.Count(src[:i], []byte{'\n'})
}

// checkText reports the first problem that makes src unusable as text: not
// UTF-8 (a GBK/ANSI or UTF-16 file) or holding control characters. ok is
// true when src is fine.
func checkText(src []byte) (Problem, bool) {
	if len(src) >= 2 && (src[0] == 0xFF && src[1] == 0xFE || src[0] == 0xFE && src[1] == 0xFF) {
		return Problem{Line: 1, Msg: "the file is UTF-16 text; save it as UTF-8"}, false
	}
	line := 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return Problem{Line: line, Msg: "the file is not UTF-8 text (GBK/ANSI is not supported); save it as UTF-8"}, false
		case r == '\n':
			line++
		case r == '\t' || r == '\r' || r == 0xFEFF && i == 0:
		case r < 0x20 || r == 0x7F || r >= 0x80 && r < 0xA0 || r == 0xFFFE || r == 0xFFFF:
			return Problem{Line: line, Msg: fmt.Sprintf("the file holds a control character (U+%04X); remove it", r)}, false
		}
		i += size
	}
	return Problem{}, true
}
