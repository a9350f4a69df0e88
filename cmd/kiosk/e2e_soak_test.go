//go:build e2e && soak

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// procSample is the kiosk process's resident memory and threads.
type procSample struct {
	at      time.Duration
	rssKB   int
	threads int
}

// procStatus reads VmRSS and Threads from /proc/PID/status.
func procStatus(t *testing.T, pid int) (rssKB, threads int) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			rssKB, _ = strconv.Atoi(f[1])
		case "Threads:":
			threads, _ = strconv.Atoi(f[1])
		}
	}
	return rssKB, threads
}

// cpuTicks reads the user and system CPU time of a process from
// /proc/PID/stat, in clock ticks (1/100 s).
func cpuTicks(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+2:])
	utime, _ := strconv.Atoi(f[11])
	stime, _ := strconv.Atoi(f[12])
	return utime + stime
}

// median returns the median RSS of samples.
func median(samples []procSample) int {
	v := make([]int, len(samples))
	for i, s := range samples {
		v[i] = s.rssKB
	}
	sort.Ints(v)
	return v[len(v)/2]
}

// TestSoakRealKiosk runs the real kiosk at 1920×1080 under Xvfb for
// SOAK_MINUTES (default 10), tapping through its screens and scanning
// passes the whole time, and samples its resident memory and threads every
// 10 s; they must not grow from the second quarter of the run to the last.
// Then it leaves the kiosk alone until the attract loop runs and measures
// the CPU the kiosk uses there over a minute. Run with:
// go test -tags e2e,soak -run SoakRealKiosk -v -timeout 60m ./cmd/kiosk
func TestSoakRealKiosk(t *testing.T) {
	minutes := 10.0
	if v := os.Getenv("SOAK_MINUTES"); v != "" {
		var err error
		if minutes, err = strconv.ParseFloat(v, 64); err != nil {
			t.Fatal(err)
		}
	}
	const w, h, scale = 1920, 1080, 1.5
	d := startXvfb(t, w, h)
	db := filepath.Join(t.TempDir(), "kiosk.db")
	prepareDB(t, db)
	codes := make([]string, 20)
	for i := range codes {
		codes[i] = ctl(t, "register", "--db", db, "--phone", fmt.Sprintf("137%08d", i))
	}
	k := startKiosk(t, d, db, "--idle", "20s")
	pid := k.cmd.Process.Pid
	time.Sleep(2 * time.Second)
	img, path := screenshot(t, d, "soak-home")
	tiles := homeTiles(t, img, path)
	home := func() { tap(t, d, w-40, 30) }
	resultBack := func() { tap(t, d, w/2, h-int(56*scale)) }

	var samples []procSample
	start := time.Now()
	next := start
	taps, scans := 0, 0
	for i := 0; time.Since(start) < time.Duration(minutes*float64(time.Minute)); i++ {
		for _, tile := range []int{2, 3, 4, 5, 0} { // events, honour, teams, about, check-in
			tapBox(t, d, tiles[tile])
			x, y := centre(tiles[0])
			tap(t, d, x, y) // a card, a choice or the page, whatever is there
			home()
			taps += 3
		}
		scanCode(t, d, codes[i%len(codes)])
		scans++
		time.Sleep(500 * time.Millisecond)
		resultBack()
		taps++
		if time.Now().After(next) {
			rss, threads := procStatus(t, pid)
			samples = append(samples, procSample{time.Since(start), rss, threads})
			next = next.Add(10 * time.Second)
		}
	}
	var csv strings.Builder
	csv.WriteString("seconds,rss_kb,threads\n")
	for _, s := range samples {
		fmt.Fprintf(&csv, "%.0f,%d,%d\n", s.at.Seconds(), s.rssKB, s.threads)
	}
	t.Logf("%.0f minutes: %d taps and %d scans\n%s", minutes, taps, scans, csv.String())
	if err := os.WriteFile(filepath.Join(artefacts(t), "soak-rss.csv"), []byte(csv.String()), 0o644); err != nil {
		t.Error(err)
	}
	q := len(samples) / 4
	if q == 0 {
		t.Fatal("too short a run to judge")
	}
	second, last := median(samples[q:2*q]), median(samples[len(samples)-q:])
	t.Logf("RSS median: %d MB in the second quarter, %d MB in the last", second>>10, last>>10)
	if float64(last) > 1.1*float64(second) {
		t.Errorf("RSS grew from %d MB to %d MB", second>>10, last>>10)
	}

	// Idle on the attract loop.
	time.Sleep(30 * time.Second)
	screenshot(t, d, "soak-attract")
	before, rssBefore := cpuTicks(t, pid), samples[len(samples)-1].rssKB
	time.Sleep(time.Minute)
	used := cpuTicks(t, pid) - before
	rss, _ := procStatus(t, pid)
	t.Logf("attract loop: %.1f%% of one core over a minute (%d ticks); RSS %d MB (was %d MB)",
		float64(used)/60, used, rss>>10, rssBefore>>10)
}
