// Package bench measures Civic Kiosk against baselines taken in the same
// run: every figure is reported with its baseline and the ratio between the
// two, so that a noisy machine moves both and the ratio stays meaningful.
//
// The measurements are plain functions returning Figures; bench/run prints
// them as a table (scripts/bench runs it), and the Benchmark functions of
// this package wrap the same code paths for `go test -bench` and pprof.
package bench

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"time"
)

// Figure is one measured figure and its baseline.
type Figure struct {
	ID       string  // short key, e.g. "checkin.p99"
	Section  string  // e.g. "Check-in"
	Name     string  // what was measured
	Value    float64 // median over repetitions
	Baseline string  // what the baseline is
	Base     float64 // the baseline's median over repetitions
	Unit     string  // unit of Value and Base
	// Ratios holds Value/Base of each repetition (one per repetition); the
	// reported ratio is their median, the spread their range.
	Ratios []float64
	Note   string
}

// Ratio returns the median ratio of the figure to its baseline.
func (f Figure) Ratio() float64 { return Median(f.Ratios) }

// Spread returns the smallest and largest ratio over the repetitions.
func (f Figure) Spread() (lo, hi float64) {
	if len(f.Ratios) == 0 {
		return math.NaN(), math.NaN()
	}
	lo, hi = f.Ratios[0], f.Ratios[0]
	for _, r := range f.Ratios {
		lo, hi = math.Min(lo, r), math.Max(hi, r)
	}
	return lo, hi
}

// ratio is a/b, NaN when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}

// Median returns the median of xs (NaN for none). xs is not modified.
func Median(xs []float64) float64 { return Quantile(xs, 0.5) }

// Quantile returns the q-quantile of xs by the nearest-rank method (NaN for
// none). xs is not modified.
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// ms converts durations to float milliseconds.
func ms(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = float64(d) / float64(time.Millisecond)
	}
	return out
}

// seconds returns d in float seconds.
func seconds(d time.Duration) float64 { return d.Seconds() }

// Sizes are the data sizes of a run. Full is what BENCHMARKS.md reports;
// Scaled shrinks every size for quick runs.
type Sizes struct {
	Scans         int // check-ins of the latency run
	Rounds        int // interleaved rounds of the latency run
	LargeCheckIns int // check-ins of the large store ("five years")
	LargeEvents   int
	LargeVisitors int
	LargeScans    int // check-ins timed on the large store
	PassCards     int // cards of a team sheet
	Upload        int // queued check-ins uploaded by one kiosk
	Kiosks        int // kiosks pushing to the hub at once
	KioskRecords  int // records each of those kiosks pushes
	KioskBatch    int // records per push of those kiosks
	WindowRuns    int // start-ups of each window
	IdleSeconds   int // idle CPU window
	ExportRows    int // at least this many records are exported (of the large store)
}

// Full are the sizes of the published figures.
var Full = Sizes{
	Scans: 10_000, Rounds: 10,
	LargeCheckIns: 2_000_000, LargeEvents: 5_000, LargeVisitors: 50_000, LargeScans: 2_000,
	PassCards: 500,
	Upload:    100_000, Kiosks: 500, KioskRecords: 100, KioskBatch: 50,
	WindowRuns: 3, IdleSeconds: 20, ExportRows: 1_000_000,
}

// Scaled returns Full with every data size multiplied by f (at least a
// small minimum each), for quick runs; f = 1 is Full.
func Scaled(f float64) Sizes {
	if f >= 1 {
		return Full
	}
	sc := func(n, least int) int { return max(int(math.Round(float64(n)*f)), least) }
	s := Sizes{
		Scans: sc(Full.Scans, 200), Rounds: Full.Rounds,
		LargeCheckIns: sc(Full.LargeCheckIns, 2000), LargeEvents: sc(Full.LargeEvents, 50),
		LargeVisitors: sc(Full.LargeVisitors, 200), LargeScans: sc(Full.LargeScans, 100),
		PassCards: sc(Full.PassCards, 20),
		Upload:    sc(Full.Upload, 1000), Kiosks: sc(Full.Kiosks, 10), KioskRecords: sc(Full.KioskRecords, 20),
		KioskBatch: Full.KioskBatch,
		WindowRuns: 1, IdleSeconds: max(sc(Full.IdleSeconds, 5), 5),
	}
	s.KioskBatch = min(s.KioskBatch, s.KioskRecords)
	s.ExportRows = s.LargeCheckIns / 2
	return s
}

// ScaleFromEnv reads BENCH_SCALE (default 1).
func ScaleFromEnv() (float64, error) {
	v := os.Getenv("BENCH_SCALE")
	if v == "" {
		return 1, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f <= 0 {
		return 0, fmt.Errorf("BENCH_SCALE=%q: want a number > 0", v)
	}
	return f, nil
}

// Logf reports progress on stderr.
var Logf = func(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}
