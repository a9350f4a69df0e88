package sqlite

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// bigStore builds a store of n check-ins: one session a day going back
// n/(2*perSession) days from now, perSession visitors in and out of each.
// It is written in one transaction (fast; not how the kiosk writes).
func bigStore(b *testing.B, n, perSession int) (*Store, int64) {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "big.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	now := time.Date(2029, 6, 1, 8, 0, 0, 0, time.UTC).UnixMilli()
	days := n / (2 * perSession)
	first := now - int64(days)*24*3600_000
	visitors := 20_000
	err = s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO sites(id, level, name) VALUES('c', 1, '中心')`); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO events(id, site_id, title, start_ms, end_ms, weekly, capacity) VALUES('e', 'c', '活动', ?, ?, 0, 600)`,
			first, first+2*3600_000); err != nil {
			return err
		}
		vst, err := tx.Prepare(`INSERT INTO visitors(id, phone, name, created_ms) VALUES(?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		for i := 0; i < visitors; i++ {
			if _, err := vst.Exec("v"+strconv.Itoa(i), fmt.Sprintf("139%08d", i), "居民", first); err != nil {
				return err
			}
		}
		cst, err := tx.Prepare(`INSERT INTO checkins(id, subject, visitor_id, event_id, session_start_ms, direction, method,
			device_id, wall_ms, run_id, run_ms, outcome) VALUES(?, ?, ?, 'e', ?, ?, 'qr', 'd', ?, 'r', 0, 'accepted')`)
		if err != nil {
			return err
		}
		k := 0
		for d := 0; d < days; d++ {
			start := first + int64(d)*24*3600_000
			for p := 0; p < perSession; p++ {
				v := "v" + strconv.Itoa((d*perSession/3+p)%visitors)
				for _, dir := range []string{"in", "out"} {
					wall := start + int64(p)*1000
					if dir == "out" {
						wall += 90 * 60_000
					}
					if _, err := cst.Exec(fmt.Sprintf("%012d", k), v, v, start, dir, wall); err != nil {
						return err
					}
					k++
				}
			}
		}
		_, err = tx.Exec(`ANALYZE`)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return s, now
}

// BenchmarkStaffQueriesBig measures the staff screens' queries on a store of
// 2 million check-ins. It takes a minute or two to build the store, so it
// runs only when CIVICKIOSK_BENCH_BIG is set:
//
//	CIVICKIOSK_BENCH_BIG=1 go test ./data/sqlite -run '^$' -bench StaffQueriesBig -benchtime 20x
func BenchmarkStaffQueriesBig(b *testing.B) {
	if os.Getenv("CIVICKIOSK_BENCH_BIG") == "" {
		b.Skip("set CIVICKIOSK_BENCH_BIG=1 to build a 2M check-in store")
	}
	s, now := bigStore(b, 2_000_000, 700)
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	var last int64
	s.r.QueryRow(`SELECT max(session_start_ms) FROM checkins`).Scan(&last)
	b.Run("Roster", func(b *testing.B) {
		for b.Loop() {
			r, err := s.Roster(ctx, "e", last)
			if err != nil || r.CheckedIn != 700 {
				b.Fatalf("%+v, %v", r.CheckedIn, err)
			}
		}
	})
	b.Run("AttendancePerDay8Weeks", func(b *testing.B) {
		for b.Loop() {
			days, err := s.AttendancePerDay(ctx, now-56*24*3600_000, now, shanghai)
			if err != nil || len(days) < 56 {
				b.Fatalf("%d days, %v", len(days), err)
			}
		}
	})
	b.Run("FindVisitorsLast4", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.FindVisitors(ctx, "0042", 20); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("FindVisitorsPhone", func(b *testing.B) {
		for b.Loop() {
			if m, err := s.FindVisitors(ctx, "13900000042", 20); err != nil || len(m) != 1 {
				b.Fatal(err)
			}
		}
	})
	b.Run("DeleteVisitor", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := s.DeleteVisitor(ctx, "v"+strconv.Itoa(i), "bench", now); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("RetentionFirstRun", func(b *testing.B) {
		start := time.Now()
		first, err := s.ApplyRetention(ctx, now, 3)
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		for b.Loop() {
			if r, err := s.ApplyRetention(ctx, now, 3); err != nil || r.Records != 0 {
				b.Fatalf("%+v, %v", r, err)
			}
		}
		b.ReportMetric(float64(first.Records), "first-run-records")
		b.ReportMetric(took.Seconds(), "first-run-s")
	})
}
