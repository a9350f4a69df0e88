// Command run measures Civic Kiosk against its baselines and prints the
// figures as a table (see BENCHMARKS.md; scripts/bench builds the programs
// and runs this).
//
// Usage: run --bin DIR [--scale F] [--dir DIR] [--only LIST] [--md FILE] [--json FILE]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/civickiosk/kiosk/bench"
)

var sections = []string{"checkin", "pass", "large", "export", "window", "hub"}

func main() {
	def, err := bench.ScaleFromEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	scale := flag.Float64("scale", def, "data sizes as a share of the published ones (BENCH_SCALE; 1 = full)")
	bin := flag.String("bin", "", "folder holding the kiosk, barewindow and kioskctl programs (needed by window and export)")
	dir := flag.String("dir", "", "working folder, on the disk to measure (default: a new one in $TMPDIR, removed at the end)")
	only := flag.String("only", "", "comma-separated sections to run, of "+strings.Join(sections, ","))
	md := flag.String("md", "", "rewrite the numbers section of this Markdown file (BENCHMARKS.md)")
	js := flag.String("json", "", "write the figures as JSON to this file")
	flag.Parse()
	if err := run(*scale, *bin, *dir, *only, *md, *js); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(scale float64, bin, dir, only, md, js string) error {
	want := map[string]bool{}
	for _, s := range strings.Split(only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			want[s] = true
		}
	}
	for s := range want {
		if !contains(sections, s) {
			return fmt.Errorf("--only %q: unknown section (want %s)", s, strings.Join(sections, ","))
		}
	}
	on := func(s string) bool { return len(want) == 0 || want[s] }
	if dir == "" {
		d, err := os.MkdirTemp("", "kiosk-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	bins := bench.Binaries{Kiosk: filepath.Join(bin, "kiosk"), Bare: filepath.Join(bin, "barewindow"),
		Kioskctl: filepath.Join(bin, "kioskctl")}
	if (on("window") || on("export")) && bin == "" {
		return fmt.Errorf("--bin is needed for the window and export sections")
	}
	s := bench.Scaled(scale)
	ctx := context.Background()
	start := time.Now()
	var figs []bench.Figure
	step := func(name string, f func() ([]bench.Figure, error)) error {
		t := time.Now()
		bench.Logf("%s …", name)
		fs, err := f()
		if err != nil {
			if len(figs) > 0 {
				fmt.Println("Figures measured before the failure:")
				bench.WriteTable(os.Stdout, figs)
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		bench.Logf("%s done in %s", name, time.Since(t).Round(time.Second))
		figs = append(figs, fs...)
		return nil
	}
	sub := func(name string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(p, 0o755)
		return p
	}

	if on("checkin") {
		if err := step("check-in", func() ([]bench.Figure, error) { return bench.CheckIn(ctx, sub("checkin"), s) }); err != nil {
			return err
		}
	}
	if on("pass") {
		if err := step("passes", func() ([]bench.Figure, error) { return bench.Passes(s) }); err != nil {
			return err
		}
	}
	var large *bench.Kiosk
	var info bench.LargeInfo
	if on("large") || on("export") || on("window") {
		t := time.Now()
		bench.Logf("building the large store (%d check-ins, %d events, %d visitors) …", s.LargeCheckIns, s.LargeEvents, s.LargeVisitors)
		k, err := bench.OpenKiosk(ctx, filepath.Join(sub("large"), "kiosk.db"))
		if err != nil {
			return err
		}
		defer k.Close()
		if info, err = bench.BuildLarge(ctx, k, s); err != nil {
			return err
		}
		large = k
		bench.Logf("built in %s", time.Since(t).Round(time.Second))
	}
	if on("large") {
		if err := step("large data", func() ([]bench.Figure, error) { return bench.Large(ctx, large, info, s) }); err != nil {
			return err
		}
	}
	if on("export") {
		if err := step("export", func() ([]bench.Figure, error) {
			return bench.Export(ctx, sub("export"), bins, large, info, s.ExportRows)
		}); err != nil {
			return err
		}
	}
	if on("window") {
		if err := step("kiosk window", func() ([]bench.Figure, error) {
			return bench.Window(sub("window"), bins, s, large.Store.Path())
		}); err != nil {
			return err
		}
	}
	if on("hub") {
		if err := step("hub upload", func() ([]bench.Figure, error) { return bench.Upload(ctx, sub("upload"), s) }); err != nil {
			return err
		}
		if err := step("hub fleet on SQLite", func() ([]bench.Figure, error) {
			f, err := bench.FleetSQLite(ctx, sub("fleet"), s)
			return []bench.Figure{f}, err
		}); err != nil {
			return err
		}
		if err := step("hub fleet on PostgreSQL", func() ([]bench.Figure, error) {
			f, err := bench.FleetPostgres(ctx, s)
			return []bench.Figure{f}, err
		}); err != nil {
			return err
		}
	}
	took := time.Since(start).Round(time.Second)

	host, _ := os.Hostname()
	head := fmt.Sprintf("Run of %s on %s: %d CPUs, %s, scale %g, %s in all, working folder %s.",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), host, runtime.NumCPU(), runtime.Version(), scale, took, dir)
	fmt.Println(head)
	if err := bench.WriteTable(os.Stdout, figs); err != nil {
		return err
	}
	if js != "" {
		b, err := json.MarshalIndent(figs, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(js, b, 0o644); err != nil {
			return err
		}
	}
	if md != "" {
		body := head + "\n\n" + bench.Markdown(figs)
		if err := bench.Splice(md, body); err != nil {
			return err
		}
		bench.Logf("wrote the numbers into %s", md)
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
