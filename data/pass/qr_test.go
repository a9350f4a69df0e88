package pass

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

func TestModules(t *testing.T) {
	_, _, s := sample(t)
	for _, tc := range []struct {
		print bool
		want  int
	}{{false, 49}, {true, 53}} {
		n, err := Modules(s, tc.print)
		if err != nil || n != tc.want {
			t.Errorf("Modules(print=%v) = %d, %v; want %d", tc.print, n, err, tc.want)
		}
	}
	if _, err := Modules(strings.Repeat("A", 5000), false); err == nil {
		t.Error("Modules of 5000 characters succeeded")
	}
}

func TestFit(t *testing.T) {
	_, _, s := sample(t)
	for _, tc := range []struct {
		budget, want int
	}{{49, 1}, {97, 1}, {98, 2}, {400, 8}, {1_000_000, MaxPxPerModule}} {
		got, err := Fit(s, false, tc.budget)
		if err != nil || got != tc.want {
			t.Errorf("Fit(%d) = %d, %v; want %d", tc.budget, got, err, tc.want)
		}
	}
	if _, err := Fit(s, false, 48); err == nil {
		t.Error("Fit(48) succeeded")
	}
}

func isBlack(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r == 0 && g == 0 && b == 0
}

func isWhite(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r == 0xFFFF && g == 0xFFFF && b == 0xFFFF
}

// TestImageCrisp checks that every module is a whole square of one colour,
// that the quiet zone is white, and that the modules match the QR symbol.
func TestImageCrisp(t *testing.T) {
	_, _, s := sample(t)
	for _, print := range []bool{false, true} {
		q, err := qrcode.New(s, level(print))
		if err != nil {
			t.Fatal(err)
		}
		bits := q.Bitmap()
		n := len(bits)
		for _, px := range []int{1, 2, 3, 5, 7, 13} {
			img, err := Image(s, print, px)
			if err != nil {
				t.Fatal(err)
			}
			bnd := img.Bounds()
			if bnd.Dx() != n*px || bnd.Dy() != n*px || bnd.Dx()%px != 0 {
				t.Fatalf("px %d: %v, want %d square", px, bnd, n*px)
			}
			for y := range bnd.Dy() {
				for x := range bnd.Dx() {
					c := img.At(x, y)
					mx, my := x/px, y/px
					want := bits[my][mx]
					if (want && !isBlack(c)) || (!want && !isWhite(c)) {
						t.Fatalf("print %v px %d: pixel (%d,%d) = %v, module (%d,%d) black=%v", print, px, x, y, c, mx, my, want)
					}
					if (mx < QuietZone || my < QuietZone || mx >= n-QuietZone || my >= n-QuietZone) && !isWhite(c) {
						t.Fatalf("quiet zone pixel (%d,%d) not white", x, y)
					}
				}
			}
		}
	}
}

func TestImageErrors(t *testing.T) {
	_, _, s := sample(t)
	for _, px := range []int{-1, 0, MaxPxPerModule + 1} {
		if _, err := Image(s, false, px); err == nil {
			t.Errorf("Image(px %d) succeeded", px)
		}
		if _, err := PNG(s, false, px); err == nil {
			t.Errorf("PNG(px %d) succeeded", px)
		}
	}
	long := strings.Repeat("A", 5000)
	if _, err := Image(long, false, 1); err == nil {
		t.Error("Image of 5000 characters succeeded")
	}
	if _, err := PNG(long, false, 1); err == nil {
		t.Error("PNG of 5000 characters succeeded")
	}
}

// TestPNGDecode renders pass codes and reads them back with zbarimg (apt
// package zbar-tools).
func TestPNGDecode(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not on PATH (apt package zbar-tools); QR read-back not tested")
	}
	k, p, s := sample(t)
	dir := t.TempDir()
	for _, print := range []bool{false, true} {
		for _, px := range []int{2, 4} {
			b, err := PNG(s, print, px)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			n, _ := Modules(s, print)
			if w := img.Bounds().Dx(); w != n*px || w%n != 0 || img.Bounds().Dy() != w {
				t.Errorf("PNG %v, want %d×%d", img.Bounds(), n*px, n*px)
			}
			file := filepath.Join(dir, "qr.png")
			if err := os.WriteFile(file, b, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(zbar, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file).Output()
			if err != nil {
				t.Fatalf("zbarimg: %v", err)
			}
			got := strings.TrimRight(string(out), "\r\n")
			if got != s {
				t.Fatalf("print %v px %d: zbarimg read %q, want %q", print, px, got, s)
			}
			c, ok, err := Verify(got, keysOf(k))
			if err != nil || !ok || c.Payload != p {
				t.Errorf("read-back code: %+v %v %v", c.Payload, ok, err)
			}
		}
	}
}

func BenchmarkPNG(b *testing.B) {
	_, _, s := sample(b)
	for b.Loop() {
		if _, err := PNG(s, false, 8); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImage(b *testing.B) {
	_, _, s := sample(b)
	var img image.Image
	for b.Loop() {
		var err error
		if img, err = Image(s, false, 8); err != nil {
			b.Fatal(err)
		}
	}
	_ = img
}
