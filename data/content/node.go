package content

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"
)

// item is one YAML mapping being read: a list entry (an event, a site…), the
// centre, or the top level. Reading a key marks it used; keys that are not
// allowed are reported by newItem.
type item struct {
	errs    *Errors
	subject Subject // of every problem found in the mapping
	line    int     // the mapping's first line
	vals    map[string]*yaml.Node
	keys    map[string]*yaml.Node
}

// resolve follows YAML aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or an empty/null value.
func isNull(n *yaml.Node) bool {
	n = resolve(n)
	return n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// kindName names a node's kind for messages.
func kindName(n *yaml.Node) Term {
	switch resolve(n).Kind {
	case yaml.MappingNode:
		return TermMapping
	case yaml.SequenceNode:
		return TermList
	default:
		return TermText
	}
}

// newItem reads mapping n, the subject of its problems being kind and the
// item's id (or its position when it has none; kind "" for the top level),
// and reports duplicate keys and keys not in allowed.
func newItem(errs *Errors, n *yaml.Node, kind Term, index int, allowed []string) *item {
	it := &item{errs: errs, line: n.Line, vals: map[string]*yaml.Node{}, keys: map[string]*yaml.Node{}}
	it.subject = Subject{Kind: kind, Index: index}
	if v := resolve(mapValue(n, "id")); v != nil && v.Kind == yaml.ScalarNode && strings.TrimSpace(v.Value) != "" {
		it.subject.ID = strings.TrimSpace(v.Value)
	}
	ok := map[string]bool{}
	for _, k := range allowed {
		ok[k] = true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name := k.Value
		switch {
		case name == "<<" && k.Tag == "!!merge":
			it.errf(k.Line, "key.merge", nil)
			continue
		case k.Kind != yaml.ScalarNode:
			it.errf(k.Line, "key.notWord", map[string]any{"Got": kindName(k)})
			continue
		case !ok[name]:
			it.errf(k.Line, "key.unknown", map[string]any{"Key": name, "Suggest": suggest(name, allowed),
				"Allowed": strings.Join(allowed, ", ")})
			continue
		}
		if first, dup := it.keys[name]; dup {
			it.errf(k.Line, "key.twice", map[string]any{"Key": name, "First": first.Line})
			continue
		}
		it.keys[name] = k
		it.vals[name] = v
	}
	return it
}

// mapValue returns the value of key in mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// errf records the problem code with args at line, in the item.
func (it *item) errf(line int, code string, args map[string]any) {
	*it.errs = append(*it.errs, newProblem(line, it.subject, code, args))
}

// has reports whether key was given with a non-null value.
func (it *item) has(key string) bool { return !isNull(it.vals[key]) }

// lineOf returns the line of key's value, or the item's line when the key is
// absent.
func (it *item) lineOf(key string) int {
	if v := it.vals[key]; v != nil {
		return v.Line
	}
	return it.line
}

// str returns key's value as trimmed text; "" when absent or null. A list or
// mapping is reported.
func (it *item) str(key string) string {
	v := resolve(it.vals[key])
	if isNull(v) {
		return ""
	}
	if v.Kind != yaml.ScalarNode {
		it.errf(v.Line, "value.notText", map[string]any{"Key": key, "Got": kindName(v)})
		return ""
	}
	return text(v)
}

// text returns a scalar's value, trimmed. In folded text (">"), the spaces
// that folding puts between two lines are dropped where both sides are
// Chinese characters or punctuation, so Chinese paragraphs can be wrapped.
func text(v *yaml.Node) string {
	s := strings.TrimSpace(v.Value)
	if v.Style&yaml.FoldedStyle == 0 || !strings.Contains(s, " ") {
		return s
	}
	r := []rune(s)
	out := make([]rune, 0, len(r))
	for i, c := range r {
		if c == ' ' && i > 0 && i+1 < len(r) && isCJK(r[i-1]) && isCJK(r[i+1]) {
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

// isCJK reports whether r is a Chinese character or a punctuation mark
// used in Chinese text.
func isCJK(r rune) bool {
	switch {
	case unicode.Is(unicode.Han, r):
		return true
	case r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFFEF: // CJK punctuation, full-width forms
		return true
	}
	return strings.ContainsRune("“”‘’…—·", r)
}

// required returns key's text, reporting it when missing or empty.
func (it *item) required(key string) string {
	v := resolve(it.vals[key])
	s := it.str(key)
	if s == "" && (v == nil || v.Kind == yaml.ScalarNode) {
		it.errf(it.lineOf(key), "value.missing", map[string]any{"Key": key})
	}
	return s
}

// strList returns key's value as a list of trimmed, non-empty texts. A
// single text counts as a list of one.
func (it *item) strList(key string) []string {
	v := resolve(it.vals[key])
	if isNull(v) {
		return nil
	}
	if v.Kind == yaml.ScalarNode {
		return []string{text(v)}
	}
	if v.Kind != yaml.SequenceNode {
		it.errf(v.Line, "value.notList", map[string]any{"Key": key, "Got": kindName(v)})
		return nil
	}
	var out []string
	for _, e := range v.Content {
		e = resolve(e)
		if isNull(e) {
			continue
		}
		if e.Kind != yaml.ScalarNode {
			it.errf(e.Line, "value.entryNotText", map[string]any{"Key": key, "Got": kindName(e)})
			continue
		}
		if s := text(e); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// integer returns key's value as a whole number, 0 when absent. Anything
// else is reported.
func (it *item) integer(key string) int {
	s := it.str(key)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		it.errf(it.lineOf(key), "value.notNumber", map[string]any{"Key": key, "Value": s})
		return 0
	}
	return n
}

// boolean returns key's value as a yes/no, false when absent. It accepts
// true/false, yes/no and 是/否.
func (it *item) boolean(key string) bool {
	s := it.str(key)
	switch strings.ToLower(s) {
	case "", "false", "no", "否":
		return false
	case "true", "yes", "是":
		return true
	}
	it.errf(it.lineOf(key), "value.notBool", map[string]any{"Key": key, "Value": s})
	return false
}

// suggest returns the word of words closest to w when it is close enough to
// be a likely typo, else "".
func suggest(w string, words []string) string {
	best, bestD := "", 3
	for _, c := range words {
		if d := editDistance(strings.ToLower(w), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// suggestID is suggest over the keys of a set, for unknown references.
func suggestID(w string, ids map[string]int) string {
	words := make([]string, 0, len(ids))
	for id := range ids {
		words = append(words, id)
	}
	sort.Strings(words)
	return suggest(w, words)
}

// editDistance is the number of single-rune insertions, deletions,
// substitutions and swaps of neighbours that turn a into b (optimal string
// alignment distance).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
