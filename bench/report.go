package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
)

// num formats a figure's number with sensible precision.
func num(v float64) string {
	switch a := math.Abs(v); {
	case math.IsNaN(v):
		return "–"
	case a == 0:
		return "0"
	case a < 0.1:
		return fmt.Sprintf("%.3f", v)
	case a < 10:
		return fmt.Sprintf("%.2f", v)
	case a < 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// ratioText formats a ratio as "1.23×".
func ratioText(r float64) string {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return "–"
	}
	return num(r) + "×"
}

// spreadText formats the spread of f's ratios, "–" for one repetition.
func spreadText(f Figure) string {
	if len(f.Ratios) < 2 {
		return "– (1 run)"
	}
	lo, hi := f.Spread()
	return fmt.Sprintf("%s–%s (%d runs)", num(lo), num(hi), len(f.Ratios))
}

// WriteTable prints the figures as a plain-text table.
func WriteTable(w io.Writer, figs []Figure) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	section := ""
	for _, f := range figs {
		if f.Section != section {
			section = f.Section
			fmt.Fprintf(tw, "\n%s\t\t\t\t\t\n", strings.ToUpper(section))
		}
		fmt.Fprintf(tw, "  %s\t%s %s\t%s %s\t%s\t%s\t\n", f.Name, num(f.Value), f.Unit, num(f.Base), f.Unit,
			ratioText(ratio(f.Value, f.Base)), spreadText(f))
		fmt.Fprintf(tw, "    vs %s\t\t\t\t\t\n", f.Baseline)
	}
	return tw.Flush()
}

// Markdown returns the figures as Markdown tables, one per section, with
// their notes below each table.
func Markdown(figs []Figure) string {
	var b strings.Builder
	section := ""
	var notes []string
	flush := func() {
		if len(notes) > 0 {
			b.WriteString("\n")
		}
		for _, n := range notes {
			b.WriteString(n + "\n")
		}
		notes = nil
	}
	for _, f := range figs {
		if f.Section != section {
			if section != "" {
				flush()
				b.WriteString("\n")
			}
			section = f.Section
			fmt.Fprintf(&b, "### %s\n\n", section)
			b.WriteString("| figure | value | baseline | baseline value | ratio | spread of the ratio |\n")
			b.WriteString("|---|---:|---|---:|---:|---|\n")
		}
		name := f.Name
		if f.Note != "" {
			notes = append(notes, fmt.Sprintf("- `%s`: %s", f.ID, f.Note))
		}
		fmt.Fprintf(&b, "| %s <br>`%s` | %s %s | %s | %s %s | **%s** | %s |\n", name, f.ID, num(f.Value), f.Unit,
			f.Baseline, num(f.Base), f.Unit, ratioText(ratio(f.Value, f.Base)), spreadText(f))
	}
	flush()
	return b.String()
}

// Markers delimit the numbers section of BENCHMARKS.md that Splice rewrites.
const (
	BeginMarker = "<!-- numbers:begin (written by scripts/bench) -->"
	EndMarker   = "<!-- numbers:end -->"
)

// Splice replaces the text between the markers of the file at path with
// body.
func Splice(path, body string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	i := bytes.Index(old, []byte(BeginMarker))
	j := bytes.Index(old, []byte(EndMarker))
	if i < 0 || j < i {
		return errors.New(path + ": no numbers markers")
	}
	var b bytes.Buffer
	b.Write(old[:i+len(BeginMarker)])
	b.WriteString("\n" + body)
	b.Write(old[j:])
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
