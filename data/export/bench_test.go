package export_test

import (
	"io"
	"os"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data/export"
	"github.com/civickiosk/kiosk/data/export/exporttest"
	"github.com/civickiosk/kiosk/data/sqlite"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if bulk.dir != "" {
		os.RemoveAll(bulk.dir)
	}
	os.Exit(code)
}

// bulk is the benchmarks' database, built once per process with
// KIOSK_BENCH_ROWS records (default 100000). It is built in /dev/shm when
// there is one, where fsync is free (one durable transaction per record),
// and removed at the end. With KIOSK_BENCH_DB=PATH the database at PATH is
// used, built there first when missing, and kept.
var bulk struct {
	once sync.Once
	dir  string // removed at the end
	path string
	rows int
}

func bulkStore(b *testing.B) (*sqlite.Store, int) {
	b.Helper()
	bulk.once.Do(func() {
		if p := os.Getenv("KIOSK_BENCH_DB"); p != "" {
			bulk.path = p
			if _, err := os.Stat(p); err == nil {
				st, err := sqlite.Open(p)
				if err != nil {
					b.Fatal(err)
				}
				defer st.Close()
				if bulk.rows, err = st.CountAttendance(ctx, sqlite.AttendanceFilter{}); err != nil {
					b.Fatal(err)
				}
				return
			}
		}
		bulk.rows = 100_000
		if s := os.Getenv("KIOSK_BENCH_ROWS"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				b.Fatalf("KIOSK_BENCH_ROWS=%q", s)
			}
			bulk.rows = n
		}
		base := ""
		if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
			base = "/dev/shm"
		}
		dir, err := os.MkdirTemp(base, "kiosk-bench-")
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		f := exporttest.Bulk(b, dir, bulk.rows)
		b.Logf("built %d records in %v", bulk.rows, time.Since(start).Round(time.Millisecond))
		if bulk.path == "" {
			bulk.dir, bulk.path = dir, f.Path
			return
		}
		f.Store.Close()
		if err := copyFile(f.Path, bulk.path); err != nil {
			b.Fatal(err)
		}
		os.RemoveAll(dir)
	})
	st, err := sqlite.Open(bulk.path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st, bulk.rows
}

// copyFile copies a closed database file (its WAL checkpointed) to dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return export.WriteFile(dst, func(w io.Writer) error { _, err := io.Copy(w, in); return err })
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// peakHeap samples the Go heap (live and unswept objects) every 2 ms until
// stop is called, which returns the highest sample in bytes. Memory that
// SQLite allocates in C is not included.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

func benchAttendance(b *testing.B, f export.Format) {
	st, rows := bulkStore(b)
	src := st.AttendanceSource(ctx, sqlite.AttendanceFilter{})
	var size int64
	stop := peakHeap()
	for b.Loop() {
		w := &countWriter{}
		n, err := export.WriteAttendance(w, f, src, export.Options{})
		if err != nil || n != rows {
			b.Fatalf("wrote %d rows, %v; want %d", n, err, rows)
		}
		size = w.n
	}
	peak := stop()
	b.SetBytes(size)
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(size), "file-bytes")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// BenchmarkExportCSV streams the attendance log of the bulk store to CSV.
func BenchmarkExportCSV(b *testing.B) { benchAttendance(b, export.CSV) }

// BenchmarkExportXLSX streams the attendance log of the bulk store to XLSX.
func BenchmarkExportXLSX(b *testing.B) { benchAttendance(b, export.XLSX) }

// BenchmarkHours computes the hours report of the bulk store and writes it
// as XLSX.
func BenchmarkHours(b *testing.B) {
	st, rows := bulkStore(b)
	src := st.AttendanceSource(ctx, sqlite.AttendanceFilter{AcceptedOnly: true})
	stop := peakHeap()
	for b.Loop() {
		rep, err := export.ComputeHours(src)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := export.WriteHoursXLSX(io.Discard, rep, export.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	peak := stop()
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}
