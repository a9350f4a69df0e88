//go:build soak

package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// soakRounds is how many rounds of navigation and scans the soak drives;
// SOAK_ROUNDS overrides it.
const soakRounds = 600

// soakSample is the kiosk's goroutines and live heap after a round.
type soakSample struct {
	round      int
	goroutines int
	heap       uint64 // live heap bytes after a collection
	objects    uint64
}

// measure collects garbage and samples the process.
func measure(round int) soakSample {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return soakSample{round: round, goroutines: runtime.NumGoroutine(), heap: m.HeapAlloc, objects: m.HeapObjects}
}

// TestSoak drives the real shell through thousands of navigations and
// scans — every home tile, page turns, details, the events views and about
// sections, registrations, check-ins and check-outs, the attract loop and
// the text size — and fails if the goroutines or the live heap grow from
// the second quarter of the run to the last. Fyne keeps the renderers of
// objects no longer shown for FYNE_CACHE (a minute by default); run with a
// shorter time so that a short run reaches the steady state:
// FYNE_CACHE=2s go test -tags ci,soak -run Soak -v ./ui
func TestSoak(t *testing.T) {
	rounds := soakRounds
	if v := os.Getenv("SOAK_ROUNDS"); v != "" {
		var err error
		if rounds, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	k := newKiosk(t, small)
	code := k.register(testPhone)
	k.shell.Home()
	k.at(9, 0)
	var samples []soakSample
	navigations, scans := 0, 0
	start := time.Now()
	for r := 0; r < rounds; r++ {
		step := func(labels ...string) {
			k.shell.Home()
			for _, l := range labels {
				k.tap(l)
				navigations++
			}
			k.shell.Wait()
		}
		step("活动安排", "本周", "近期", "下一页", "今天")
		step("活动安排", "文明实践开放日", "返回")
		step("光荣榜", "下一页", "上一页", "赵海生", "返回", "返回首页")
		step("志愿服务队", "党群", "专业", "社会", "全部")
		step("关于中心", "工作理念", "工作亮点", "便民服务", "中心概况")
		step("签到 / 签退", "忘带签到码？用手机号签到")
		k.dial(testPhone)
		step("登记 / 领取签到码")
		k.dial(fmt.Sprintf("139%08d", r%50))
		k.tap("跳过")
		k.shell.Wait()
		navigations += 2

		// Check in and out by scanning, a minute apart.
		for i := 0; i < 3; i++ {
			*k.now = k.now.Add(time.Minute)
			k.scan(code)
			scans++
		}
		if *k.now = k.now.Add(time.Minute); k.now.Hour() >= 20 {
			k.at(9, 0) // the same day again: the same events to tap
			k.shell.activity()
		}

		// Into the attract loop and out with a tap.
		k.shell.Home()
		k.idle(DefaultIdle + 3*slideTime)
		if k.attract() == nil {
			t.Fatalf("round %d: no attract loop but %T", r, k.screen())
		}
		k.tapAnywhere()
		navigations++
		if r%10 == 0 {
			step("大字")
			step("标准")
		}
		// Draw the window as the real driver does after changes; drawing
		// also lets Fyne drop the renderers of screens no longer shown.
		k.win.Canvas().Capture()
		if r%(max(rounds/40, 1)) == 0 || r == rounds-1 {
			samples = append(samples, measure(r))
		}
	}
	took := time.Since(start)

	var csv strings.Builder
	csv.WriteString("round,goroutines,heap_bytes,heap_objects\n")
	for _, s := range samples {
		fmt.Fprintf(&csv, "%d,%d,%d,%d\n", s.round, s.goroutines, s.heap, s.objects)
	}
	t.Logf("%d rounds, %d navigations and %d scans in %v\n%s", rounds, navigations, scans, took.Round(time.Second), csv.String())
	if dir := os.Getenv("ARTEFACTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "soak-inprocess.csv"), []byte(csv.String()), 0o644); err != nil {
			t.Error(err)
		}
	}

	// No growth: the last quarter against the second (the first warms up).
	// Fyne frees what screens no longer shown held every little while, so
	// the heap saws up and down: its floor is what must not rise.
	q := len(samples) / 4
	second, last := samples[q:2*q], samples[len(samples)-q:]
	most := func(part []soakSample) (g int) {
		for _, s := range part {
			g = max(g, s.goroutines)
		}
		return g
	}
	floor := func(part []soakSample) (h uint64) {
		h = part[0].heap
		for _, s := range part {
			h = min(h, s.heap)
		}
		return h
	}
	t.Logf("goroutines: at most %d in the second quarter, %d in the last", most(second), most(last))
	t.Logf("live heap floor: %.1f MB in the second quarter, %.1f MB in the last", mb(floor(second)), mb(floor(last)))
	if most(last) > most(second)+2 {
		t.Errorf("goroutines grew from %d to %d", most(second), most(last))
	}
	if float64(floor(last)) > 1.1*float64(floor(second)) {
		t.Errorf("the live heap's floor grew from %.1f MB to %.1f MB", mb(floor(second)), mb(floor(last)))
	}
}

// mb converts bytes to megabytes.
func mb(b uint64) float64 { return float64(b) / (1 << 20) }
