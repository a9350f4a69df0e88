//go:build e2e

// End-to-end tests: the real kiosk binary in a real X server (Xvfb), driven
// by xdotool the way a touchscreen and a keyboard-wedge scanner drive it,
// and read back with screenshots (ImageMagick import) and zbarimg.
// Run with: go test -tags e2e ./cmd/kiosk
// Screenshots are kept in $ARTEFACTS (default: a temporary folder).
package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data/sqlite"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// kioskBinary builds the real kiosk (with GL) once per test run.
func kioskBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kiosk-e2e")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "kiosk")
		out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

var (
	toolsMu sync.Mutex
	tools   = map[string]string{} // built commands by name
)

// tool builds the command cmd/name (kioskctl, hub) once per test run,
// beside the kiosk binary, and returns its path.
func tool(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Dir(kioskBinary(t))
	toolsMu.Lock()
	defer toolsMu.Unlock()
	if path, ok := tools[name]; ok {
		return path
	}
	path := filepath.Join(dir, name)
	if out, err := exec.Command("go", "build", "-o", path, "../"+name).CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", name, err, out)
	}
	tools[name] = path
	return path
}

// runTool runs the command bin with args and returns what it printed on
// stdout and stderr; it fails the test when the command fails.
func runTool(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary != "" {
		os.RemoveAll(filepath.Dir(binary))
	}
	os.Exit(code)
}

// artefacts returns the folder where screenshots are kept.
func artefacts(t *testing.T) string {
	dir := os.Getenv("ARTEFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// display is one Xvfb server.
type display struct {
	name string
	w, h int
}

// startXvfb starts an X server of w×h pixels for the test's lifetime.
func startXvfb(t *testing.T, w, h int) display {
	t.Helper()
	for _, tool := range []string{"Xvfb", "import", "xdotool", "zbarimg"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed (scripts/deps test installs it): %v", tool, err)
		}
	}
	// Xvfb picks a free display number itself and writes it to fd 3
	// (-displayfd), so stale sockets of killed servers never collide.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", w, h), "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{pw}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	t.Cleanup(func() {
		if t.Failed() {
			state := "running"
			if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
				state = "gone: " + err.Error()
			}
			t.Logf("Xvfb (%s) output:\n%s", state, out.String())
		}
		cmd.Process.Signal(syscall.SIGTERM) // lets Xvfb remove its socket and lock
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	got := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(pr).ReadString('\n')
		got <- strings.TrimSpace(line)
	}()
	select {
	case n := <-got:
		if n == "" {
			t.Fatal("Xvfb did not start")
		}
		return display{name: ":" + n, w: w, h: h}
	case <-time.After(20 * time.Second):
		t.Fatal("timed out waiting for Xvfb to choose a display")
	}
	return display{}
}

// kiosk is a running kiosk process.
type kiosk struct {
	cmd    *exec.Cmd
	db     string
	stderr *bytes.Buffer
}

// startKiosk runs the kiosk on d with the database db and extra flags, and
// waits until its window has drawn.
func startKiosk(t *testing.T, d display, db string, args ...string) *kiosk {
	t.Helper()
	all := append([]string{"--db", db, "--size", fmt.Sprintf("%dx%d", d.w, d.h)}, args...)
	cmd := exec.Command(kioskBinary(t), all...)
	cmd.Env = append(os.Environ(), "DISPLAY="+d.name, "LANG=C.UTF-8", "TZ=UTC", "FYNE_DISABLE_DPI_DETECTION=1")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	k := &kiosk{cmd: cmd, db: db, stderr: &stderr}
	t.Cleanup(func() {
		k.stop()
		if t.Failed() {
			t.Logf("kiosk output:\n%s", stderr.String())
		}
	})
	waitFor(t, 60*time.Second, "the kiosk's first frame", func() bool {
		img := capture(t, d)
		return colours(img) > 8
	})
	return k
}

// stop ends the kiosk (SIGKILL: it must survive that anyway).
func (k *kiosk) stop() {
	if k.cmd.ProcessState == nil {
		k.cmd.Process.Kill()
		k.cmd.Wait()
	}
}

// capture takes a screenshot of the whole display.
func capture(t *testing.T, d display) image.Image {
	t.Helper()
	out, err := exec.Command("import", "-display", d.name, "-window", "root", "png:-").Output()
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// screenshot captures the display and keeps it as an artefact named name.png.
func screenshot(t *testing.T, d display, name string) (image.Image, string) {
	t.Helper()
	img := capture(t, d)
	path := filepath.Join(artefacts(t), name+".png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return img, path
}

// colours counts the distinct colours in img, up to 1000.
func colours(img image.Image) int {
	seen := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}] = true
			if len(seen) >= 1000 {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// xdo runs xdotool on d.
func xdo(t *testing.T, d display, args ...string) {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+d.name)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// tap clicks at (x, y) like a finger on a touchscreen.
func tap(t *testing.T, d display, x, y int) {
	t.Helper()
	xdo(t, d, "mousemove", fmt.Sprint(x), fmt.Sprint(y), "click", "1")
	time.Sleep(300 * time.Millisecond)
}

// zbar decodes every QR code in the PNG at path.
func zbar(t *testing.T, path string) []string {
	t.Helper()
	out, _ := exec.Command("zbarimg", "-q", "--raw", path).Output()
	var codes []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			codes = append(codes, l)
		}
	}
	return codes
}

func TestKioskShowsTheDemoCentre(t *testing.T) {
	for _, size := range [][2]int{{1920, 1080}, {1024, 600}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			d := startXvfb(t, size[0], size[1])
			db := filepath.Join(t.TempDir(), "kiosk.db")
			startKiosk(t, d, db)
			time.Sleep(2 * time.Second) // let the clock and fonts settle
			img, path := screenshot(t, d, fmt.Sprintf("home-%dx%d", size[0], size[1]))
			if n := colours(img); n < 50 {
				t.Fatalf("the screen has only %d colours: %s", n, path)
			}
			if red := share(img, isThemeRed); red < 0.01 {
				t.Fatalf("no red title band or tiles on screen (%.3f of pixels): %s", red, path)
			}

			// The demo centre was loaded into the empty database on first run.
			st, err := sqlite.Open(db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			evs, err := st.Events(context.Background())
			if err != nil || len(evs) < 10 {
				t.Fatalf("demo events in the database: %d, %v", len(evs), err)
			}
		})
	}
}

// isThemeRed matches the kiosk's accent red (中国红 #C8102E) and shades near it.
func isThemeRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 > 150 && g>>8 < 80 && b>>8 < 90
}

// share returns the fraction of img's pixels that match.
func share(img image.Image, match func(color.Color) bool) float64 {
	b := img.Bounds()
	n, all := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			all++
			if match(img.At(x, y)) {
				n++
			}
		}
	}
	return float64(n) / float64(all)
}
