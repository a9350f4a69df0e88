package bench

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// The Benchmark functions run the measured code paths under `go test -bench`
// for profiling, e.g.
//
//	go test -run '^$' -bench CheckIn -benchtime 3000x -cpuprofile cpu.prof ./bench/
//
// They make no assertions on time; the figures of BENCHMARKS.md come from
// bench/run (scripts/bench).

var ctx = context.Background()

// kiosk returns a new kiosk database with n unscanned passes.
func kiosk(b *testing.B, n int) *Kiosk {
	b.Helper()
	k, err := newKioskAt(ctx, b.TempDir(), n)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { k.Close() })
	return k
}

// BenchmarkCheckIn is one scan through checkin.Service.Scan.
func BenchmarkCheckIn(b *testing.B) {
	k := kiosk(b, b.N+1)
	b.ResetTimer()
	for range b.N {
		if _, err := k.Scan(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawInsert is the check-in path's baseline: one single-row INSERT.
func BenchmarkRawInsert(b *testing.B) {
	k := kiosk(b, 1)
	b.ResetTimer()
	for range b.N {
		if _, err := k.RawInsert(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// large opens the large kiosk database at $BENCH_LARGE_DB, building it
// there at full size first when it is missing (a temporary one of BENCH_SCALE
// when the variable is unset), with n more unscanned passes.
func large(b *testing.B, n int) (*Kiosk, LargeInfo) {
	b.Helper()
	scale, err := ScaleFromEnv()
	if err != nil {
		b.Fatal(err)
	}
	path := os.Getenv("BENCH_LARGE_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "large.db")
	}
	_, statErr := os.Stat(path)
	k, err := OpenKiosk(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { k.Close() })
	var info LargeInfo
	if statErr != nil {
		if info, err = BuildLarge(ctx, k, Scaled(scale)); err != nil {
			b.Fatal(err)
		}
	}
	if err := k.AddVisitors(ctx, n); err != nil {
		b.Fatal(err)
	}
	return k, info
}

// BenchmarkCheckInLarge is one scan on the large store.
func BenchmarkCheckInLarge(b *testing.B) {
	k, _ := large(b, b.N+1)
	b.ResetTimer()
	for range b.N {
		if _, err := k.Scan(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawInsertLarge is the baseline of BenchmarkCheckInLarge.
func BenchmarkRawInsertLarge(b *testing.B) {
	k, _ := large(b, 1)
	b.ResetTimer()
	for range b.N {
		if _, err := k.RawInsert(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
