package content

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/template"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a content file: Line is the 1-based line
// of the file it was found on; Subject is the entry it is in; Code says
// what is wrong and Args fill in the details, so that a user interface can
// say it in its own language; Msg says it all in English, Subject first.
type Problem struct {
	Line    int
	Subject Subject
	// Code is one of Codes(); each has the Args named in its English
	// message (see messages).
	Code string
	// Args are texts and whole numbers as written in the file or found,
	// and Terms: words to translate.
	Args map[string]any
	Msg  string
}

// Subject is the part of a content file a problem is in: an entry of a
// list, the centre, or (Kind "") the file as a whole.
type Subject struct {
	Kind  Term   // TermSite, TermEvent, TermHonour, TermTeam or TermCentre
	ID    string // the entry's id, when it has one
	Index int    // else its 1-based place in its list; 0 for the centre
}

// Term is a word of a problem's Args or Subject that a user interface
// translates: a kind of entry, a site level, or what a YAML value is.
type Term string

// The terms.
const (
	TermSite        Term = "item.site"
	TermEvent       Term = "item.event"
	TermHonour      Term = "item.honour"
	TermTeam        Term = "item.team"
	TermCentre      Term = "item.centre"
	TermMapping     Term = "node.mapping"
	TermList        Term = "node.list"
	TermText        Term = "node.text"
	TermLevelCentre Term = "level.centre"
	TermLevelInst   Term = "level.institute"
	TermLevelStat   Term = "level.station"
	TermLevelPoint  Term = "level.point"
)

// englishTerms are the terms in English messages.
var englishTerms = map[Term]string{
	TermSite: "site", TermEvent: "event", TermHonour: "honour entry", TermTeam: "team", TermCentre: "centre",
	TermMapping: "a mapping (key: value lines)", TermList: "a list", TermText: "text",
	TermLevelCentre: "centre (区中心)", TermLevelInst: "institute (街乡所)", TermLevelStat: "station (村居站)",
	TermLevelPoint: "point (文明单位点)",
}

// Terms returns every term, sorted.
func Terms() []Term {
	out := make([]Term, 0, len(englishTerms))
	for t := range englishTerms {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// messages are the English messages of the problems' codes, as
// text/template templates of their Args; q quotes a text as %q does.
var messages = map[string]string{
	"text.utf16":   "the file is UTF-16 text; save it as UTF-8",
	"text.notUTF8": "the file is not UTF-8 text (GBK/ANSI is not supported); save it as UTF-8",
	"text.control": "the file holds a control character (U+{{.Char}}); remove it",

	"syntax":         "YAML syntax: {{.Detail}}",
	"syntax.tab":     "YAML syntax: {{.Detail}}",
	"syntax.colon":   "YAML syntax: {{.Detail}}",
	"syntax.indent":  "YAML syntax: {{.Detail}}",
	"syntax.noColon": "YAML syntax: {{.Detail}}",
	"syntax.anchor":  "YAML syntax: unknown anchor {{q .Name}} referenced",

	"file.empty":       "the file is empty",
	"file.twoDocs":     `the file holds more than one YAML document (a second "---"); keep everything in one`,
	"file.notMapping":  "the file must be a mapping of the keys {{.Keys}}, not {{.Got}}",
	"zone.unknown":     "zone {{q .Zone}} is not an IANA time zone such as {{.Example}}",
	"section.notList":  `{{.Key}} must be a list (lines starting with "- "), not {{.Got}}`,
	"entry.notMapping": "{{.Kind}} #{{.Index}} must be a mapping (key: value lines), not {{.Got}}",

	"key.merge":   "YAML merge keys (<<) are not supported; write the keys out",
	"key.notWord": "a key must be a plain word, not {{.Got}}",
	"key.unknown": "unknown key {{q .Key}}{{if .Suggest}} (did you mean {{q .Suggest}}?){{end}}; allowed keys: {{.Allowed}}",
	"key.twice":   "key {{q .Key}} given twice (first at line {{.First}})",

	"value.missing":      "missing {{.Key}}",
	"value.notText":      "{{.Key}} must be text, not {{.Got}}",
	"value.notList":      "{{.Key}} must be a list of texts, not {{.Got}}",
	"value.entryNotText": "{{.Key}}: each entry must be text, not {{.Got}}",
	"value.notNumber":    "{{.Key}} {{q .Value}} is not a whole number",
	"value.notBool":      "{{.Key}} {{q .Value}} must be true or false",

	"id.tooLong": "id is longer than {{.Max}} characters",
	"id.bad":     "id {{q .ID}} must be a short ASCII slug: lower-case letters a-z, digits, '-' and '_', starting with a letter or digit",
	"id.twice":   "id {{q .ID}} is used twice (first at line {{.First}})",

	"ref.unknown":      "{{.Key}} {{q .ID}} is not a site of this file{{if .Suggest}} (did you mean {{q .Suggest}}?){{end}}",
	"ref.unknownKnown": "{{.Key}} {{q .ID}} is not a site of this file nor an existing site{{if .Suggest}} (did you mean {{q .Suggest}}?){{end}}",

	"centre.notMapping": "centre must be a mapping (key: value lines), not {{.Got}}",
	"centre.second":     "a second centre; a file holds at most one (the first is at line {{.First}})",
	"centre.parent":     "a centre has no parent; remove parent {{q .Parent}}",
	"level.bad":         "level {{q .Value}} must be one of centre, institute, station, point (or 区中心, 街乡所, 村居站, 文明单位点)",
	"parent.missing":    "missing parent: a {{.Level}} belongs to a site of a higher level",
	"parent.self":       "a site cannot be its own parent",
	"parent.notHigher":  "parent {{q .Parent}} is a {{.ParentLevel}}, not of a higher level than this {{.Level}}",

	"capacity.negative": "capacity {{.N}} must be 0 (no limit) or more",
	"members.negative":  "members {{.N}} must be 0 (unknown) or more",
	"kind.bad":          "kind {{q .Value}} must be 党群, 专业 or 社会 (party, professional, social)",

	"time.notRange":    `time {{q .Value}} is not a time range; write it as "09:00-11:00"`,
	"time.notClock":    "time {{q .Value}}: {{.Clock}} is not a time of day",
	"time.endsBefore":  "time {{q .Value}} ends before it starts",
	"time.endsAtStart": "time {{q .Value}} ends when it starts",

	"date.andWeekly":    "give either date (a one-off event) or weekly (a weekly class), not both",
	"date.missing":      "missing date (a one-off event) or weekly (a weekly class)",
	"date.empty":        "date is empty; write the day of the event, such as 2020-07-11 or today+3",
	"weekly.empty":      "weekly is empty; write the day of the class, such as 周二",
	"weekly.bad":        "weekly {{q .Value}} is not a day of the week; write 周一…周日, mon…sun or 1–7 (1 = Monday)",
	"weekly.only":       "{{.Key}} applies to weekly classes only; a one-off event has just a date",
	"until.beforeFirst": "until {{.Until}} is before the first class ({{.Weekly}} {{.First}}), so the class never takes place",

	"day.tooFar":        "{{.Key}} {{q .Value}} is too far away (at most today±{{.Max}})",
	"day.notInCalendar": "{{.Key}} {{q .Value}} is not a day of the calendar",
	"day.year":          "{{.Key}} {{q .Value}}: the year must be between {{.From}} and {{.To}}",
	"day.bad":           "{{.Key}} {{q .Value}} is not a date; write 2020-07-11, today, today+3 or today-30",

	"photo.notAllowed": "photo {{q .Name}}: photos are not allowed here (no folder to read them from)",
	"photo.absolute":   "photo {{q .Name}} must be a path relative to the content file, such as photos/zhao.jpg",
	"photo.outside":    "photo {{q .Name}} must be inside the content file's folder",
	"photo.missing":    "photo {{q .Name}}: no such file",
	"photo.unreadable": "photo {{q .Name}}: {{.Detail}}",
	"photo.folder":     "photo {{q .Name}} is a folder, not a file",
	"photo.tooLarge":   "photo {{q .Name}} is {{.Bytes}} bytes; at most {{.MaxMB}} MB is allowed",
	"photo.notImage":   "photo {{q .Name}} is not a PNG or JPEG image",
}

// englishTemplates are messages, parsed.
var englishTemplates = func() map[string]*template.Template {
	out := make(map[string]*template.Template, len(messages))
	for code, m := range messages {
		out[code] = template.Must(template.New(code).Funcs(template.FuncMap{"q": strconv.Quote}).
			Option("missingkey=error").Parse(m))
	}
	return out
}()

// Codes returns the code of every problem Parse reports, sorted.
func Codes() []string {
	out := make([]string, 0, len(messages))
	for c := range messages {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// newProblem makes the problem code with args at line in subject s,
// writing its English message.
func newProblem(line int, s Subject, code string, args map[string]any) Problem {
	english := make(map[string]any, len(args))
	for k, v := range args {
		if t, ok := v.(Term); ok {
			v = englishTerms[t]
		}
		english[k] = v
	}
	var b strings.Builder
	if err := englishTemplates[code].Execute(&b, english); err != nil {
		panic(fmt.Sprintf("content problem %s: %v", code, err)) // a bug: tests render every code
	}
	msg := b.String()
	if label := s.english(); label != "" {
		msg = label + ": " + msg
	}
	return Problem{Line: line, Subject: s, Code: code, Args: args, Msg: msg}
}

// english names s in English messages: `event "taiji"`, "event #3",
// "centre", or "" for the file as a whole.
func (s Subject) english() string {
	kind := englishTerms[s.Kind]
	switch {
	case s.Kind == "":
		return ""
	case s.ID != "":
		return fmt.Sprintf("%s %q", kind, s.ID)
	case s.Index > 0:
		return fmt.Sprintf("%s #%d", kind, s.Index)
	}
	return kind
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

// add records a problem of the file as a whole.
func (e *Errors) add(line int, code string, args map[string]any) {
	*e = append(*e, newProblem(line, Subject{}, code, args))
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

// syntaxCodes are the codes of YAML syntax problems that are common in
// hand-written files, by the start of yaml.v3's message; others are
// "syntax".
var syntaxCodes = []struct{ prefix, code string }{
	{"found a tab character", "syntax.tab"},
	{"mapping values are not allowed in this context", "syntax.colon"},
	{"did not find expected key", "syntax.indent"},
	{"did not find expected '-' indicator", "syntax.indent"},
	{"could not find expected ':'", "syntax.noColon"},
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
		code := "syntax"
		for _, c := range syntaxCodes {
			if strings.HasPrefix(m[2], c.prefix) {
				code = c.code
				break
			}
		}
		return newProblem(line, Subject{}, code, map[string]any{"Detail": m[2]})
	}
	if m := yamlAnchorRE.FindStringSubmatch(msg); m != nil {
		return newProblem(lineOf(src, "*"+m[1]), Subject{}, "syntax.anchor", map[string]any{"Name": m[1]})
	}
	// Without a line, yaml.v3's marks were both on the first line.
	return newProblem(1, Subject{}, "syntax", map[string]any{"Detail": strings.TrimPrefix(msg, "yaml: ")})
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
		return newProblem(1, Subject{}, "text.utf16", nil), false
	}
	line := 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return newProblem(line, Subject{}, "text.notUTF8", nil), false
		case r == '\n':
			line++
		case r == '\t' || r == '\r' || r == 0xFEFF && i == 0:
		case r < 0x20 || r == 0x7F || r >= 0x80 && r < 0xA0 || r == 0xFFFE || r == 0xFFFF:
			return newProblem(line, Subject{}, "text.control", map[string]any{"Char": fmt.Sprintf("%04X", r)}), false
		}
		i += size
	}
	return Problem{}, true
}
