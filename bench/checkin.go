package bench

import (
	"context"
	"time"
)

// Latency holds interleaved timings of the check-in path and of its
// baseline, one slice per round.
type Latency struct {
	Scan, Raw         [][]time.Duration
	ScanWall, RawWall []time.Duration // wall time of each round's block
}

// MeasureCheckIn times n scans through the check-in path and n raw single-row
// INSERTs on the same database, in rounds that alternate which goes first,
// after a short warm-up of each.
func MeasureCheckIn(ctx context.Context, k *Kiosk, n, rounds int) (Latency, error) {
	var l Latency
	warm := min(50, max(n/100, 5))
	for range warm {
		if _, err := k.Scan(ctx); err != nil {
			return l, err
		}
		if _, err := k.RawInsert(ctx); err != nil {
			return l, err
		}
	}
	per := max(n/rounds, 1)
	block := func(f func(context.Context) (time.Duration, error)) ([]time.Duration, time.Duration, error) {
		ds := make([]time.Duration, 0, per)
		t := time.Now()
		for range per {
			d, err := f(ctx)
			if err != nil {
				return nil, 0, err
			}
			ds = append(ds, d)
		}
		return ds, time.Since(t), nil
	}
	for r := range rounds {
		var scan, raw []time.Duration
		var sw, rw time.Duration
		var err error
		if r%2 == 0 {
			if raw, rw, err = block(k.RawInsert); err == nil {
				scan, sw, err = block(k.Scan)
			}
		} else {
			if scan, sw, err = block(k.Scan); err == nil {
				raw, rw, err = block(k.RawInsert)
			}
		}
		if err != nil {
			return l, err
		}
		l.Scan, l.Raw = append(l.Scan, scan), append(l.Raw, raw)
		l.ScanWall, l.RawWall = append(l.ScanWall, sw), append(l.RawWall, rw)
	}
	return l, nil
}

// Figures turns the timings into p50, p99 and throughput figures.
func (l Latency) Figures(prefix, section, what string) []Figure {
	var all, allRaw []float64
	for i := range l.Scan {
		all = append(all, ms(l.Scan[i])...)
		allRaw = append(allRaw, ms(l.Raw[i])...)
	}
	q := func(id string, p float64, label string) Figure {
		f := Figure{ID: prefix + "." + id, Section: section, Name: what + " " + label,
			Value: Quantile(all, p), Base: Quantile(allRaw, p), Unit: "ms",
			Baseline: "raw single-row INSERT " + label + ", same file and pragmas"}
		for i := range l.Scan {
			f.Ratios = append(f.Ratios, ratio(Quantile(ms(l.Scan[i]), p), Quantile(ms(l.Raw[i]), p)))
		}
		return f
	}
	tp := Figure{ID: prefix + ".rate", Section: section, Name: what + " throughput, one after another",
		Unit: "/s", Baseline: "raw single-row INSERTs one after another"}
	var rates, raws []float64
	for i := range l.Scan {
		a := float64(len(l.Scan[i])) / seconds(l.ScanWall[i])
		b := float64(len(l.Raw[i])) / seconds(l.RawWall[i])
		rates, raws = append(rates, a), append(raws, b)
		tp.Ratios = append(tp.Ratios, ratio(a, b))
	}
	tp.Value, tp.Base = Median(rates), Median(raws)
	return []Figure{q("p50", 0.50, "p50"), q("p99", 0.99, "p99"), tp}
}

// CheckIn measures the check-in path on a new kiosk database in dir: s.Scans
// visitors check in to one lecture, interleaved with as many raw INSERTs.
func CheckIn(ctx context.Context, dir string, s Sizes) ([]Figure, error) {
	k, err := newKioskAt(ctx, dir, s.Scans+200)
	if err != nil {
		return nil, err
	}
	defer k.Close()
	l, err := MeasureCheckIn(ctx, k, s.Scans, s.Rounds)
	if err != nil {
		return nil, err
	}
	fs := l.Figures("checkin", "Check-in", "check-in (scan → durable → result)")
	fs[0].Note = "each scan: parse and verify the pass, look up the holder, find the open session, decide and commit (synchronous=FULL)"
	return fs, nil
}
