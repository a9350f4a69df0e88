package bench

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Xvfb is a virtual X server started for one measurement.
type Xvfb struct {
	Display string
	cmd     *exec.Cmd
}

// StartXvfb starts Xvfb on a free display with a w×h×24 screen and waits for
// its socket.
func StartXvfb(w, h int) (*Xvfb, error) {
	for n := 120; n < 400; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		d := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", d, "-screen", "0", fmt.Sprintf("%dx%dx24", w, h), "-nolisten", "tcp", "-noreset")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("Xvfb: %w", err)
		}
		x := &Xvfb{Display: d, cmd: cmd}
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			if s, err := dialX(d); err == nil {
				s.Close()
				return x, nil
			}
			time.Sleep(50 * time.Millisecond)
		}
		x.Stop()
		return nil, fmt.Errorf("Xvfb %s did not come up", d)
	}
	return nil, errors.New("no free X display")
}

// PID returns the X server's process id.
func (x *Xvfb) PID() int { return x.cmd.Process.Pid }

// Stop ends the X server.
func (x *Xvfb) Stop() {
	x.cmd.Process.Kill()
	x.cmd.Wait()
}

// App is a GUI program under test.
type App struct {
	Name string
	Bin  string
	Args []string
	Env  []string // added to the environment
}

// Running is a started App.
type Running struct {
	cmd    *exec.Cmd
	out    *bytes.Buffer
	Start  time.Time
	TTFF   time.Duration // start to the first frame with content
	X      *Xvfb
	screen *xScreen
}

// firstFrameColours is how many distinct colours make a frame with content:
// an empty or cleared window has one or two.
const firstFrameColours = 8

// Launch starts app on a new Xvfb of w×h and waits until the screen shows
// more than firstFrameColours colours (its first frame with content),
// polling the X server's pixels directly.
func Launch(app App, w, h int, home string) (*Running, error) {
	x, err := StartXvfb(w, h)
	if err != nil {
		return nil, err
	}
	scr, err := dialX(x.Display)
	if err != nil {
		x.Stop()
		return nil, err
	}
	cmd := exec.Command(app.Bin, app.Args...)
	env := append(os.Environ(), "DISPLAY="+x.Display, "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"), "XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
		"LANG=C.UTF-8", "FYNE_DISABLE_DPI_DETECTION=1")
	cmd.Env = append(env, app.Env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	r := &Running{cmd: cmd, out: &out, X: x, screen: scr}
	r.Start = time.Now()
	if err := cmd.Start(); err != nil {
		r.Stop()
		return nil, err
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := r.Start.Add(90 * time.Second)
	failures := 0
	for {
		n, err := scr.Colours(firstFrameColours + 1)
		if err != nil && failures < 20 { // the X server dropped the connection: dial again
			failures++
			scr.Close()
			if scr, err = dialX(x.Display); err == nil {
				r.screen = scr
				continue
			}
		}
		if err != nil {
			r.Stop()
			return nil, fmt.Errorf("%s: reading the screen %s after %v: %w\n%s", app.Name, x.Display,
				time.Since(r.Start).Round(time.Millisecond), err, tail(out.String(), 2000))
		}
		if n > firstFrameColours {
			r.TTFF = time.Since(r.Start)
			break
		}
		select {
		case <-exited:
			r.Stop()
			return nil, fmt.Errorf("%s exited before its first frame:\n%s", app.Name, tail(out.String(), 2000))
		default:
		}
		if time.Now().After(deadline) {
			r.Stop()
			return nil, fmt.Errorf("%s: no frame after 90 s:\n%s", app.Name, tail(out.String(), 2000))
		}
		time.Sleep(5 * time.Millisecond)
	}
	return r, nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// PID returns the app's process id.
func (r *Running) PID() int { return r.cmd.Process.Pid }

// Output returns what the app has written so far.
func (r *Running) Output() string { return r.out.String() }

// Stop kills the app and its X server.
func (r *Running) Stop() {
	if r.cmd.Process != nil {
		r.cmd.Process.Kill()
		for i := 0; i < 100 && r.cmd.ProcessState == nil; i++ {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if r.screen != nil {
		r.screen.Close()
	}
	r.X.Stop()
}

// StatusKB returns a "Vm…" field of /proc/PID/status in KiB.
func StatusKB(pid int, field string) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			return strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times (100 on Linux).
const clockTicks = 100

// CPUTime returns the user+system CPU time of a process (all its threads)
// from /proc/PID/stat.
func CPUTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: %q", pid, s)
	}
	f := strings.Fields(s[i+1:])
	// After the command: state(0) … utime(11) stime(12).
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return time.Duration(u+st) * time.Second / clockTicks, nil
}

// WindowSample is one start of an app.
type WindowSample struct {
	TTFF   time.Duration
	RSSKiB int // VmRSS settle after the first frame
}

// settle is how long after its first frame an app's memory is read, and
// its idle CPU starts to be counted.
const settle = 5 * time.Second

// StartOnce launches app, reads its RSS settle after the first frame, and
// stops it.
func StartOnce(app App, w, h int, home string) (WindowSample, error) {
	r, err := Launch(app, w, h, home)
	if err != nil {
		return WindowSample{}, err
	}
	defer r.Stop()
	time.Sleep(settle)
	rss, err := StatusKB(r.PID(), "VmRSS")
	return WindowSample{TTFF: r.TTFF, RSSKiB: rss}, err
}

// IdleCPU launches the apps at once, each on its own X server, lets them
// settle, and returns the CPU share (of one core) each used over the same
// d, counting the app and its X server.
func IdleCPU(apps []App, w, h int, home string, d time.Duration) ([]float64, error) {
	var rs []*Running
	defer func() {
		for _, r := range rs {
			r.Stop()
		}
	}()
	for _, a := range apps {
		r, err := Launch(a, w, h, home)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	time.Sleep(settle)
	cpu := func(r *Running) (time.Duration, error) {
		a, err := CPUTime(r.PID())
		if err != nil {
			return 0, err
		}
		b, err := CPUTime(r.X.PID())
		return a + b, err
	}
	before := make([]time.Duration, len(rs))
	for i, r := range rs {
		var err error
		if before[i], err = cpu(r); err != nil {
			return nil, err
		}
	}
	t := time.Now()
	time.Sleep(d)
	el := time.Since(t)
	out := make([]float64, len(rs))
	for i, r := range rs {
		after, err := cpu(r)
		if err != nil {
			return nil, err
		}
		out[i] = float64(after-before[i]) / float64(el) * 100
	}
	return out, nil
}

// Binaries are the programs the window and export figures start.
type Binaries struct {
	Kiosk, Bare, Kioskctl string
}

// Window measures the kiosk's time to first frame and memory after start
// against the bare window (runs starts of each, alternating, after one
// warm-up start each), then the idle CPU of both side by side. With
// largeDB, the kiosk also starts once on that database.
func Window(dir string, bins Binaries, s Sizes, largeDB string) ([]Figure, error) {
	const w, h = 1920, 1080
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	size := fmt.Sprintf("%dx%d", w, h)
	env := []string{"TZ=Asia/Shanghai"}
	bare := App{Name: "bare window", Bin: bins.Bare, Args: []string{"--size", size}, Env: env}
	kiosk := App{Name: "kiosk", Bin: bins.Kiosk, Args: []string{"--db", filepath.Join(dir, "window.db"), "--size", size}, Env: env}
	for _, a := range []App{kiosk, bare} { // warm-up: the kiosk loads the demo centre
		if _, err := StartOnce(a, w, h, home); err != nil {
			return nil, err
		}
	}
	ttff := Figure{ID: "window.ttff", Section: "Kiosk window", Name: "time to first frame (process start → content on screen)",
		Unit: "ms", Baseline: "bare Fyne window with one label"}
	rss := Figure{ID: "window.rss", Section: "Kiosk window", Name: fmt.Sprintf("RSS %s after the first frame", settle),
		Unit: "MiB", Baseline: "bare Fyne window with one label"}
	var kt, bt, kr, br []float64
	for i := range s.WindowRuns {
		order := []App{bare, kiosk}
		if i%2 == 1 {
			order = []App{kiosk, bare}
		}
		var got [2]WindowSample
		for _, a := range order {
			smp, err := StartOnce(a, w, h, home)
			if err != nil {
				return nil, err
			}
			if a.Name == kiosk.Name {
				got[0] = smp
			} else {
				got[1] = smp
			}
		}
		k, b := got[0], got[1]
		kt, bt = append(kt, ms([]time.Duration{k.TTFF})[0]), append(bt, ms([]time.Duration{b.TTFF})[0])
		kr, br = append(kr, float64(k.RSSKiB)/1024), append(br, float64(b.RSSKiB)/1024)
		ttff.Ratios = append(ttff.Ratios, ratio(kt[i], bt[i]))
		rss.Ratios = append(rss.Ratios, ratio(kr[i], br[i]))
	}
	ttff.Value, ttff.Base, rss.Value, rss.Base = Median(kt), Median(bt), Median(kr), Median(br)
	ttff.Note = fmt.Sprintf("%d×%d Xvfb, software GL; the kiosk on the demo centre", w, h)
	figs := []Figure{ttff, rss}

	if largeDB != "" {
		big := kiosk
		big.Args = []string{"--db", largeDB, "--size", size}
		smp, err := StartOnce(big, w, h, home)
		if err != nil {
			return nil, err
		}
		v, m := ms([]time.Duration{smp.TTFF})[0], float64(smp.RSSKiB)/1024
		figs = append(figs,
			Figure{ID: "window.large.ttff", Section: "Kiosk window", Name: "time to first frame, large store",
				Value: v, Base: Median(bt), Unit: "ms", Baseline: "bare Fyne window (median above)",
				Ratios: []float64{ratio(v, Median(bt))}, Note: "one start on the large-data store"},
			Figure{ID: "window.large.rss", Section: "Kiosk window", Name: fmt.Sprintf("RSS %s after the first frame, large store", settle),
				Value: m, Base: Median(br), Unit: "MiB", Baseline: "bare Fyne window (median above)",
				Ratios: []float64{ratio(m, Median(br))}})
	}

	// The attract loop starts after --idle without a tap; the home screen's
	// kiosk keeps the default (a minute), longer than the measurement.
	attract := kiosk
	attract.Args = []string{"--db", filepath.Join(dir, "attract.db"), "--size", size, "--idle", "1s"}
	cpu, err := IdleCPU([]App{kiosk, attract, bare}, w, h, home, time.Duration(s.IdleSeconds)*time.Second)
	if err != nil {
		return nil, err
	}
	for i, what := range []string{"home screen", "attract loop"} {
		figs = append(figs, Figure{ID: "window.idle." + strings.Fields(what)[0], Section: "Kiosk window",
			Name:  fmt.Sprintf("CPU with nobody at the kiosk, %s, over %d s (app + its X server)", what, s.IdleSeconds),
			Value: cpu[i], Base: cpu[2], Unit: "% of a core", Baseline: "bare Fyne window over the same seconds, side by side",
			Ratios: []float64{ratio(cpu[i], cpu[2])}})
	}
	figs[len(figs)-1].Note = "the attract loop started 1 s after the first frame (--idle 1s): slides drift and change"
	return figs, nil
}
