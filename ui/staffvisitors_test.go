package ui

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/civickiosk/kiosk/data"
)

func TestVisitorServiceRecord(t *testing.T) {
	k := newKiosk(t, small)
	code := k.pass(testPhone)
	k.pass("13900139000") // never checked in
	k.at(9, 5)
	k.scanInto(code, "hechang", data.In)
	k.at(11, 30)
	if n, err := k.svc.CloseEnded(context.Background()); err != nil || n != 1 {
		t.Fatalf("CloseEnded = %d, %v", n, err)
	}
	v, err := k.store.VisitorByPhone(context.Background(), testPhone)
	if err != nil {
		t.Fatal(err)
	}
	page := "服务证明-" + v.ID + "-01.png"

	k.signIn()
	k.tap("访客与签到码")
	k.typePIN(testPhone)
	k.tap("138****8000")
	k.mustShow("服务证明")
	k.mustFit("visitor with 服务证明")

	// With no USB stick the record goes to the kiosk's exports folder.
	k.tapButton("服务证明")
	k.shell.Wait()
	k.mustShow("已生成服务证明（近一年）1 页，存在本机导出文件夹：" + page)
	k.mustFit("service record made")
	if pages := pngsIn(t, k.exports); len(pages) != 1 || filepath.Base(pages[0]) != page {
		t.Fatalf("pages in the exports folder: %q, want %s", pages, page)
	}

	// With a stick, it goes to the stick.
	stick := k.teamStick(nil)
	k.tapButton("服务证明")
	k.shell.Wait()
	k.mustShow("存在U盘 STICK：" + page)
	pages := pngsIn(t, stick)
	if len(pages) != 1 {
		t.Fatalf("%d pages on the stick, want 1", len(pages))
	}
	b, err := os.ReadFile(pages[0])
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() != 1240 || img.Bounds().Dy() != 1753 {
		t.Errorf("the page is not an A4 PNG: %v", err)
	}

	// A visitor who never served gets no record.
	k.tapButton("返回")
	k.tap("清空")
	k.typePIN("13900139000")
	k.tap("139****9000")
	k.tapButton("服务证明")
	k.shell.Wait()
	k.mustShow("这位访客近 12 个月没有志愿服务记录，没有生成证明。")
	k.mustFit("no service")
	if pages := pngsIn(t, stick); len(pages) != 1 {
		t.Errorf("%d pages on the stick after a visitor with no service, want 1", len(pages))
	}
}
