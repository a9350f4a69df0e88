package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

func TestAvatarShowsSurnameOrPhoto(t *testing.T) {
	test.NewTempApp(t)

	objs := test.WidgetRenderer(newAvatar("范玲", nil, 3)).Objects()
	if len(objs) != 2 {
		t.Fatalf("generated avatar draws %d objects", len(objs))
	}
	if _, ok := objs[0].(*canvas.Circle); !ok {
		t.Errorf("generated avatar has no circle: %T", objs[0])
	}
	if txt, ok := objs[1].(*canvas.Text); !ok || txt.Text != "范" {
		t.Errorf("generated avatar shows %v, want the surname 范", objs[1])
	}
	if avatarColor("范玲") != avatarColor("范玲") {
		t.Error("an avatar's colour changes between calls")
	}

	var photo bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	if err := png.Encode(&photo, img); err != nil {
		t.Fatal(err)
	}
	objs = test.WidgetRenderer(newAvatar("范玲", photo.Bytes(), 3)).Objects()
	if len(objs) != 1 {
		t.Fatalf("photo avatar draws %d objects", len(objs))
	}
	if _, ok := objs[0].(*canvas.Image); !ok {
		t.Errorf("photo avatar shows %T, not the photo", objs[0])
	}
}

func TestExcerpt(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"全国道德模范", 10, "全国道德模范"},
		{"全国道德模范", 4, "全国道德…"},
		{"", 3, ""},
	} {
		if got := excerpt(c.in, c.n); got != c.want {
			t.Errorf("excerpt(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
