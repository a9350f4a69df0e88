package ui

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/civickiosk/kiosk/assets"
	"github.com/civickiosk/kiosk/data/content"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// testHub starts a hub on SQLite with the demo centre behind an httptest
// server.
func testHub(t *testing.T) (hubsync.Store, *httptest.Server) {
	t.Helper()
	hub, err := hubsync.OpenSQLiteHub(filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	f, err := content.Parse(assets.DemoCentre, content.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hubsync.ImportContent(context.Background(), hub, f, false, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(hubsync.NewHandler(hub, hubsync.HubOptions{}))
	t.Cleanup(srv.Close)
	return hub, srv
}

// openEnrol signs in and opens 同步 → 加入中心平台.
func (k *kiosk) openEnrol() {
	k.t.Helper()
	k.signIn()
	k.tap("同步")
	k.tapButton("加入中心平台")
	k.mustShow("请用扫码器扫描中心平台生成的加入二维码。")
}

func TestEnrolByScanningTheHubsInvite(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		ctx := context.Background()
		hub, srv := testHub(t)
		in, _, err := hubsync.NewInvite(ctx, hub, srv.URL, "wenhuayuan", 0, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		visitor := k.pass(testPhone)
		k.at(9, 5)
		k.openEnrol()
		k.mustFit("enrol")

		// What is not an invite checks nobody in while the screen is up.
		k.scan(visitor)
		k.mustShow("这不是加入中心平台的二维码。")
		if n, err := k.store.CountAttendance(ctx, sqlite.AttendanceFilter{}); err != nil || n != 0 {
			t.Fatalf("a pass scanned on the enrolment screen made %d records (%v)", n, err)
		}
		k.scan(in.Text()[:len(in.Text())-3]) // cut short
		k.mustShow("二维码没有读全，或者被改动过。", "enrolment invite incomplete or altered")
		k.mustNotShow("确认加入")

		k.scan(in.Text())
		k.mustShow("中心平台："+srv.URL, "站点：文华苑社区新时代文明实践站（wenhuayuan）", "请核对中心平台和站点")
		k.mustNotShow("二维码没有读全")
		k.mustFit("enrol: the invite")
		k.tapButton("确认加入")
		k.shell.Wait()
		k.mustShow("本机已加入中心平台。")
		k.mustNotShow("确认加入")
		e, ok, err := k.store.HubEnrolment(ctx)
		if err != nil || !ok || e.HubURL != srv.URL || e.SiteID != "wenhuayuan" {
			t.Fatalf("enrolment stored: %+v %v %v", e, ok, err)
		}
		k.tapButton("返回")
		k.mustShow("已加入中心平台："+srv.URL, "站点：")
		k.mustNotShow("kioskctl enrol")
	}
}

func TestEnrolFailuresAreExplained(t *testing.T) {
	k := newKiosk(t, small)
	ctx := context.Background()
	hub, srv := testHub(t)
	used, _, err := hubsync.NewInvite(ctx, hub, srv.URL, "xiaodian", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	other, err := sqlite.Open(filepath.Join(t.TempDir(), "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := hubsync.Enrol(ctx, other, used.HubURL, used.Code, nil); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	web := httptest.NewServer(http.NotFoundHandler())
	defer web.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "database is locked", http.StatusInternalServerError)
	}))
	defer broken.Close()
	// A copy of this kiosk's database enrolled first: the hub refuses a
	// second enrolment of the same device.
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if err := k.store.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	copied, err := sqlite.Open(copyPath)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	first, _, err := hubsync.NewInvite(ctx, hub, srv.URL, "xiaodian", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hubsync.Enrol(ctx, copied, first.HubURL, first.Code, nil); err != nil {
		t.Fatal(err)
	}
	again, _, err := hubsync.NewInvite(ctx, hub, srv.URL, "xiaodian", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := func(hubURL string) hubsync.Invite {
		return hubsync.Invite{HubURL: hubURL, Code: used.Code, SiteID: "xiaodian"}
	}

	k.openEnrol()
	for _, c := range []struct {
		in   hubsync.Invite
		want string
	}{
		{used, "中心平台没有接受这个加入码：它已经用过、已经过期或者不存在。"},
		{again, "中心平台上已经有一台终端用着这个数据库的身份"},
		{elsewhere(down), "连不上中心平台。请检查本机的网络，稍后再试。"},
		{elsewhere(web.URL), "二维码里的地址不是中心平台。"},
		{elsewhere(broken.URL), "中心平台暂时出了问题。"},
	} {
		k.scan(c.in.Text())
		k.mustShow("中心平台：" + c.in.HubURL)
		k.tapButton("确认加入")
		k.shell.Wait()
		k.mustShow(c.want)
		if !k.exactButton("确认加入").Visible() || k.exactButton("确认加入").Disabled() {
			t.Errorf("%s: no 确认加入 to try again", c.in.HubURL)
		}
		if _, ok, _ := k.store.HubEnrolment(ctx); ok {
			t.Fatalf("%s: enrolled after %q", c.in.HubURL, c.want)
		}
	}
	k.mustFit("enrol: a failure")
}

// TestEnrolOfAnEnrolledKiosk: the screen says first where the kiosk is
// enrolled; an invite for another site of the same hub is refused, and the
// screen says how to move the kiosk (revoke it at the hub first), not that
// its database is a copy.
func TestEnrolOfAnEnrolledKiosk(t *testing.T) {
	k := newKiosk(t, small)
	ctx := context.Background()
	hub, srv := testHub(t)
	first, _, err := hubsync.NewInvite(ctx, hub, srv.URL, "wenhuayuan", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hubsync.Enrol(ctx, k.store, first.HubURL, first.Code, nil); err != nil {
		t.Fatal(err)
	}
	move, _, err := hubsync.NewInvite(ctx, hub, srv.URL, "yongkangbeilu", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dev, err := k.store.DeviceID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	k.openEnrol()
	k.mustShow("本机已加入 " + srv.URL + "，站点 文华苑社区新时代文明实践站（wenhuayuan）")
	k.scan(move.Text())
	k.tapButton("确认加入")
	k.shell.Wait()
	k.mustShow("本机已加入这个中心平台。要改到别的站点或中心平台，请管理员先在中心平台注销本机（hub revoke --device " +
		dev + "），再扫描加入二维码。")
	k.mustNotShow("复制来的")
	k.mustFit("enrol: an enrolled kiosk moving")
}
