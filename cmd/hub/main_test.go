package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/csv"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/export"
	"github.com/civickiosk/kiosk/data/pass"
	"github.com/civickiosk/kiosk/data/postgres/pgtest"
	"github.com/civickiosk/kiosk/data/sqlite"
	hubsync "github.com/civickiosk/kiosk/data/sync"
	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// hub runs the command with args and returns its exit code, stdout and
// stderr.
func hub(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func mustHub(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := hub(t, args...)
	if code != 0 {
		t.Fatalf("hub %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// backends are the --db / --database-url flags of a fresh hub database on
// each backend (PostgreSQL when a server can be found or started).
func backends(t *testing.T) map[string]func(t *testing.T) []string {
	return map[string]func(t *testing.T) []string{
		"sqlite":   func(t *testing.T) []string { return []string{"--db", filepath.Join(t.TempDir(), "hub.db")} },
		"postgres": func(t *testing.T) []string { return []string{"--database-url", pgtest.Database(t)} },
	}
}

// centreYAML is the hub's content: a centre, two stations and a talk on
// 2026-12-01 09:00–11:00 whose title a spreadsheet could take for a formula.
const centreYAML = `zone: Asia/Shanghai
centre: {name: 测试区新时代文明实践中心}
sites:
  - {id: centre, level: centre, name: 区中心}
  - {id: st-a, level: station, parent: centre, name: 甲社区站}
  - {id: st-b, level: station, parent: centre, name: 乙社区站}
events:
  - id: talk
    site: centre
    title: "=讲座"
    date: 2026-12-01
    time: "09:00-11:00"
`

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at is hh:mm on 2026-12-01 in Shanghai, UTC ms.
func at(hhmm string) int64 {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-12-01 "+hhmm, shanghai)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

// lineWriter hands the first line written to it to first; the rest is
// kept.
type lineWriter struct {
	mu    gosync.Mutex
	buf   bytes.Buffer
	first chan string
	sent  bool
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.sent {
		if line, _, ok := strings.Cut(w.buf.String(), "\n"); ok {
			w.first <- line
			w.sent = true
		}
	}
	return len(p), nil
}

// serveHub starts `hub serve` with args on 127.0.0.1 and returns its base URL
// and a function that stops it and returns its exit code.
func serveHub(t *testing.T, args ...string) (string, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := &lineWriter{first: make(chan string, 1)}
	var errOut bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), w, &errOut) }()
	var line string
	select {
	case line = <-w.first:
	case code := <-done:
		cancel()
		t.Fatalf("hub serve exited %d: %s", code, errOut.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("hub serve did not start")
	}
	m := regexp.MustCompile(`hub listening on (https?://\S+)`).FindStringSubmatch(line)
	if m == nil {
		cancel()
		t.Fatalf("hub serve printed %q", line)
	}
	stopped := false
	stop := func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(30 * time.Second):
			t.Fatal("hub serve did not stop")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return m[1], stop
}

// kiosk is a kiosk store enrolled at a hub.
type kiosk struct {
	st  *sqlite.Store
	cl  *hubsync.Client
	dev string
}

func enrolKiosk(t *testing.T, url, code, site string) *kiosk {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "kiosk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r, err := hubsync.Enrol(ctx, st, url, code, nil)
	if err != nil || r.SiteID != site {
		t.Fatalf("enrolment with code %q: %+v %v", code, r, err)
	}
	k := &kiosk{st: st, cl: hubsync.NewClient(st, hubsync.ClientOptions{}), dev: r.DeviceID}
	if _, err := k.cl.Round(ctx); err != nil {
		t.Fatal(err)
	}
	return k
}

// checkIn appends an accepted record of pass 7:no for the talk at hh:mm and
// returns its id.
func (k *kiosk) checkIn(t *testing.T, no uint32, d data.Direction, hhmm string) string {
	t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	err := k.st.AppendCheckIn(context.Background(), data.CheckIn{ID: id, Pass: data.PassRef{KeyID: 7, No: no},
		EventID: "talk", SessionStartMS: at("09:00"), Direction: d, Method: data.MethodQR, DeviceID: k.dev,
		WallMS: at(hhmm), RunID: "run-1", RunMS: 1000, Verified: true, Outcome: data.Accepted})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func getJSON(t *testing.T, url, token string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == 200 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := bytes.CutPrefix(b, []byte(export.BOM))
	if !ok || !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("%s: not a UTF-8 CSV with a BOM and CRLF", path)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], export.AttendanceHeaders()) {
		t.Fatalf("%s: headers %q", path, recs[0])
	}
	return recs[1:]
}

func col(name string) int { return slices.Index(export.AttendanceHeaders(), name) }

// TestHubCommands runs a hub's life through its commands on each backend:
// import, enrol (command and admin endpoint), serve, kiosks pushing, devices,
// stats (command and endpoint), export and revoke.
func TestHubCommands(t *testing.T) {
	for name, db := range backends(t) {
		t.Run(name, func(t *testing.T) { testHubCommands(t, db(t)) })
	}
}

func testHubCommands(t *testing.T, db []string) {
	ctx := context.Background()
	dir := t.TempDir()
	with := func(args ...string) []string { return append(args, db...) }

	file := filepath.Join(dir, "centre.yaml")
	if err := os.WriteFile(file, []byte(centreYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustHub(t, append(with("import"), file)...)
	if !strings.Contains(out, "3 sites, 1 events") {
		t.Fatalf("import printed %q", out)
	}
	if out := mustHub(t, append(with("import"), file)...); !strings.Contains(out, "0 changes") {
		t.Fatalf("a second import of the same file changed the feed: %q", out)
	}

	if code, _, errOut := hub(t, with("enrol", "--site", "nowhere")...); code != 1 || !strings.Contains(errOut, "not found") {
		t.Fatalf("enrol at an unknown site: exit %d %q", code, errOut)
	}
	code := strings.TrimSpace(mustHub(t, with("enrol", "--site", "st-a")...))
	if !regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$`).MatchString(code) {
		t.Fatalf("enrol printed %q", code)
	}

	tokenFile := filepath.Join(dir, "admin-token")
	const admin = "admin-token-for-the-tests-0123456789"
	os.WriteFile(tokenFile, []byte(admin+"\n"), 0o600)
	url, stop := serveHub(t, with("--admin-token-file", tokenFile)...)

	a := enrolKiosk(t, url, code, "st-a")
	if evs, _ := a.st.Events(ctx); len(evs) != 1 {
		t.Fatalf("kiosk A has %d events after its first round, want 1", len(evs))
	}

	// The admin endpoint makes codes, for the admin token only.
	var ac hubsync.AdminCodeResponse
	err := hubsync.Post(ctx, nil, url, admin, hubsync.PathAdminCodes, hubsync.AdminCodeRequest{SiteID: "st-b"}, &ac)
	if err != nil || ac.Code == "" || ac.ExpiresMS <= time.Now().UnixMilli() {
		t.Fatalf("admin code: %+v %v", ac, err)
	}
	var he *hubsync.HTTPError
	if err := hubsync.Post(ctx, nil, url, "not-the-admin-token", hubsync.PathAdminCodes,
		hubsync.AdminCodeRequest{SiteID: "st-b"}, &ac); !errors.As(err, &he) || he.Status != 401 {
		t.Fatalf("admin code without the admin token: %v", err)
	}
	if err := hubsync.Post(ctx, nil, url, admin, hubsync.PathAdminCodes,
		hubsync.AdminCodeRequest{SiteID: "nowhere"}, &ac); !errors.As(err, &he) || he.Status != 400 {
		t.Fatalf("admin code for an unknown site: %v", err)
	}
	if ac.Invite != "" {
		t.Errorf("admin code without url came with an invite %q", ac.Invite)
	}
	// Given the hub's address as kiosks reach it, the answer also carries
	// the code as an enrolment invite, which a kiosk enrols with.
	err = hubsync.Post(ctx, nil, url, admin, hubsync.PathAdminCodes, hubsync.AdminCodeRequest{SiteID: "st-b", HubURL: url + "/"}, &ac)
	if err != nil {
		t.Fatal(err)
	}
	in, err := hubsync.ParseInvite(ac.Invite)
	if want := (hubsync.Invite{HubURL: url, Code: ac.Code, SiteID: "st-b", SiteName: "乙社区站"}); err != nil || in != want {
		t.Fatalf("admin code with url: invite %q reads %+v, %v; want %+v", ac.Invite, in, err, want)
	}
	b := enrolKiosk(t, in.HubURL, in.Code, "st-b")
	for name, q := range map[string]struct {
		query string
		req   hubsync.AdminCodeRequest
	}{
		"an address without a scheme": {"", hubsync.AdminCodeRequest{SiteID: "st-b", HubURL: "hub.example.cn"}},
		"a PNG without an address":    {"?format=png", hubsync.AdminCodeRequest{SiteID: "st-b"}},
		"an unknown format":           {"?format=svg", hubsync.AdminCodeRequest{SiteID: "st-b", HubURL: url}},
	} {
		if err := hubsync.Post(ctx, nil, url, admin, hubsync.PathAdminCodes+q.query, q.req, &ac); !errors.As(err, &he) || he.Status != 400 {
			t.Errorf("admin code with %s: %v, want 400", name, err)
		}
	}
	// With format=png the answer is the invite's QR code, as enrol --url
	// writes it, with the code in a header.
	req, _ := http.NewRequest(http.MethodPost, url+hubsync.PathAdminCodes+"?format=png",
		strings.NewReader(`{"site_id":"st-b","url":"`+url+`"}`))
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	png, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	pngCode := resp.Header.Get(hubsync.EnrolCodeHeader)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || pngCode == "" ||
		resp.Header.Get(hubsync.EnrolExpiresHeader) == "" {
		t.Fatalf("admin code as PNG: %d %v %v", resp.StatusCode, resp.Header, err)
	}
	want, err := pass.PNG(hubsync.Invite{HubURL: url, Code: pngCode, SiteID: "st-b", SiteName: "乙社区站"}.Text(), true, 8)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(png, want) {
		t.Fatalf("admin code as PNG: %d bytes, not the QR code of the invite for %s", len(png), pngCode)
	}

	// With --url, enrol also writes the code as an invite in a QR code
	// (level Q, 8 px a module): the hub's address, the code and the site.
	qrFile := filepath.Join(dir, "enrol.png")
	qrCode := strings.TrimSpace(mustHub(t, with("enrol", "--site", "st-b", "--url", url+"/", "--qr", qrFile)...))
	want, err = pass.PNG(hubsync.Invite{HubURL: url, Code: qrCode, SiteID: "st-b", SiteName: "乙社区站"}.Text(), true, 8)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(qrFile); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("enrol --qr wrote %d bytes (%v), not the QR code of the invite for %s", len(got), err, qrCode)
	}
	if code, _, errOut := hub(t, with("enrol", "--site", "st-b", "--url", "hub.example.cn")...); code != 1 ||
		!strings.Contains(errOut, "want http(s)://HOST") {
		t.Fatalf("enrol --url without a scheme: exit %d %q", code, errOut)
	}
	// A QR file in a missing folder is refused before any code is made.
	if code, out, errOut := hub(t, with("enrol", "--site", "st-b", "--url", url, "--qr", filepath.Join(dir, "nonexist", "x.png"))...); code != 1 ||
		out != "" || !strings.Contains(errOut, "no code was made") {
		t.Fatalf("enrol --qr into a missing folder: exit %d, printed %q, %q", code, out, errOut)
	}
	if code, _, errOut := hub(t, with("enrol", "--site", "st-b", "--qr", qrFile)...); code != 1 ||
		!strings.Contains(errOut, "--qr needs --url") {
		t.Fatalf("enrol --qr without --url: exit %d %q", code, errOut)
	}

	// Pass 7:1 checked in at both kiosks while offline (B's is the
	// duplicate), out at A; pass 7:2 in at B.
	inA := a.checkIn(t, 1, data.In, "09:05")
	a.checkIn(t, 1, data.Out, "10:30")
	dupB := b.checkIn(t, 1, data.In, "09:10")
	b.checkIn(t, 2, data.In, "09:20")
	for _, k := range []*kiosk{a, b} {
		if r, err := k.cl.Round(ctx); err != nil || r.Pending != 0 {
			t.Fatalf("round: %+v %v", r, err)
		}
	}

	out = mustHub(t, with("devices")...)
	for _, k := range []*kiosk{a, b} {
		if !regexp.MustCompile(regexp.QuoteMeta(k.dev) + `\s+st-[ab]\s+active\s+\d{4}-`).MatchString(out) {
			t.Fatalf("devices does not list %s as active with a last contact:\n%s", k.dev, out)
		}
	}

	out = mustHub(t, with("stats", "--from", "2026-12-01", "--to", "2026-12-01")...)
	for _, want := range []string{`2026-12-01\s+st-a\s+1\n`, `2026-12-01\s+st-b\s+1\n`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Fatalf("stats (the duplicate once) do not match %q:\n%s", want, out)
		}
	}
	if out := mustHub(t, with("stats", "--from", "2026-12-02")...); strings.Count(out, "\n") != 1 {
		t.Fatalf("stats of a later day:\n%s", out)
	}
	if code, _, errOut := hub(t, with("stats", "--from", "2026-12-02", "--to", "2026-12-01")...); code != 1 || !strings.Contains(errOut, "before") {
		t.Fatalf("stats of an empty period: exit %d %q", code, errOut)
	}
	var sr hubsync.StatsResponse
	if s := getJSON(t, url+hubsync.PathStats+"?from=2026-12-01&to=2026-12-01", admin, &sr); s != 200 ||
		sr.Zone != "Asia/Shanghai" || len(sr.Days) != 2 || sr.Days[0].CheckIns+sr.Days[1].CheckIns != 2 {
		t.Fatalf("stats endpoint: %d %+v", s, sr)
	}
	if s := getJSON(t, url+hubsync.PathStats, "", &sr); s != 401 {
		t.Fatalf("stats endpoint without a token: %d", s)
	}

	// The district export: every record, the duplicate marked, the formula
	// neutralised, times in Beijing.
	csvPath := filepath.Join(dir, "district.csv")
	out = mustHub(t, with("export", "--out", csvPath, "--from", "2026-12-01", "--to", "2026-12-01")...)
	if !strings.Contains(out, "wrote 4 record(s)") || !strings.Contains(out, "1 duplicate(s)") {
		t.Fatalf("export printed %q", out)
	}
	rows := readCSV(t, csvPath)
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		if r[col("活动")] != "'=讲座" || r[col("站点")] != "区中心" || r[col("日期")] != "2026-12-01" {
			t.Errorf("row %q", r)
		}
		switch r[col("记录编号")] {
		case inA:
			if r[col("时间")] != "09:05:00" || r[col("访客")] != "pass:7:1" || r[col("结果")] != "成功" {
				t.Errorf("A's check-in: %q", r)
			}
		case dupB:
			if r[col("结果")] != "重复" || r[col("原因")] != export.DuplicateLabel(inA) || r[col("设备")] != b.dev {
				t.Errorf("B's duplicate: %q", r)
			}
		}
	}
	if code, _, _ := hub(t, with("export", "--out", csvPath, "--from", "2026-12-02")...); code != 0 || len(readCSV(t, csvPath)) != 0 {
		t.Fatalf("export of a later day: exit %d, %d rows", code, len(readCSV(t, csvPath)))
	}

	xlsxPath := filepath.Join(dir, "st-a.xlsx")
	mustHub(t, with("export", "--out", xlsxPath, "--site", "st-a")...)
	f, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := f.GetRows(export.AttendanceSheet)
	f.Close()
	if err != nil || len(sheet) != 3 {
		t.Fatalf("XLSX of site st-a: %d rows (%v), want a header and 2", len(sheet), err)
	}
	if code, _, errOut := hub(t, with("export", "--out", filepath.Join(dir, "x.pdf"))...); code != 1 || !strings.Contains(errOut, "format") {
		t.Fatalf("export to .pdf: exit %d %q", code, errOut)
	}

	// Revoking a kiosk: it gets 401; devices shows it.
	mustHub(t, with("revoke", "--device", b.dev)...)
	if _, err := b.cl.Round(ctx); !errors.Is(err, hubsync.ErrUnauthorized) {
		t.Fatalf("round of a revoked kiosk: %v", err)
	}
	if !regexp.MustCompile(regexp.QuoteMeta(b.dev) + `\s+st-b\s+revoked`).MatchString(mustHub(t, with("devices")...)) {
		t.Fatal("devices does not show the revoked kiosk")
	}
	if code, _, _ := hub(t, with("revoke", "--device", "nobody")...); code != 1 {
		t.Fatalf("revoking an unknown device: exit %d", code)
	}

	if code := stop(); code != 0 {
		t.Fatalf("hub serve exited %d after its context ended", code)
	}
}

func TestServeRefusesPlainHTTPOffLoopback(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hub.db")
	for _, addr := range []string{"0.0.0.0:8443", "192.0.2.1:8443", "[::]:8443", "hub.example:8443"} {
		code, _, errOut := hub(t, "serve", "--listen", addr, "--db", db)
		if code != 1 || !strings.Contains(errOut, errInsecure.Error()) {
			t.Errorf("plain HTTP on %s: exit %d %q", addr, code, errOut)
		}
	}
	// --insecure-http lets it through to listening, which fails here: the
	// address is not this machine's.
	code, _, errOut := hub(t, "serve", "--listen", "192.0.2.1:8443", "--insecure-http", "--db", db)
	if code != 1 || strings.Contains(errOut, errInsecure.Error()) {
		t.Errorf("with --insecure-http: exit %d %q", code, errOut)
	}
	for _, addr := range []string{"127.0.0.1:8443", "[::1]:8443", "localhost:8443"} {
		if !loopback(addr) {
			t.Errorf("%s is loopback", addr)
		}
	}
	if code, _, errOut := hub(t, "serve", "--tls-cert", "c.pem", "--db", db); code != 1 || !strings.Contains(errOut, "both") {
		t.Errorf("a certificate without a key: exit %d %q", code, errOut)
	}
	short := filepath.Join(t.TempDir(), "token")
	os.WriteFile(short, []byte("short"), 0o600)
	if code, _, errOut := hub(t, "serve", "--admin-token-file", short, "--db", db); code != 1 || !strings.Contains(errOut, "16") {
		t.Errorf("a short admin token: exit %d %q", code, errOut)
	}
}

// TestServeTLS: with a certificate the hub serves HTTPS.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certPEM, keyPEM, pool := selfSigned(t)
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, certPEM, 0o600)
	os.WriteFile(key, keyPEM, 0o600)
	url, stop := serveHub(t, "--db", filepath.Join(dir, "hub.db"), "--tls-cert", cert, "--tls-key", key)
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("TLS hub at %s", url)
	}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := c.Get(url + hubsync.PathHealth)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok\n" {
		t.Fatalf("health over TLS: %d %q", resp.StatusCode, body)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// selfSigned makes a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (certPEM, keyPEM []byte, pool *x509.CertPool) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hub test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(c)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), pool
}

func TestUsage(t *testing.T) {
	code, out, _ := hub(t, "help")
	if code != 0 {
		t.Fatalf("help: exit %d", code)
	}
	for _, c := range []string{"serve", "enrol", "revoke", "devices", "import", "stats", "export"} {
		if !strings.Contains(out, "  "+c) {
			t.Errorf("help does not list %s:\n%s", c, out)
		}
	}
	if code, _, errOut := hub(t, "frobnicate"); code != 1 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command: exit %d %q", code, errOut)
	}
}

// TestCommandsRefuseMistakes: stray arguments, an export named with the
// other format's extension, an unknown site and a replacing import that
// would delete a site where a kiosk is enrolled are refused with a hint.
func TestCommandsRefuseMistakes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := []string{"--db", filepath.Join(dir, "hub.db")}
	with := func(args ...string) []string { return append(args, db...) }

	if code, _, errOut := hub(t, with("enrol", "--site", "st-a")...); code != 1 ||
		!strings.Contains(errOut, "import the centre's content first (hub import FILE)") {
		t.Fatalf("enrol before any import: exit %d %q", code, errOut)
	}
	file := filepath.Join(dir, "centre.yaml")
	if err := os.WriteFile(file, []byte(centreYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	mustHub(t, append(with("import"), file)...)
	if code, _, errOut := hub(t, with("enrol", "--site", "nowhere")...); code != 1 ||
		!strings.Contains(errOut, "not found") || !strings.Contains(errOut, "centre, st-a, st-b") ||
		!strings.Contains(errOut, "hub import FILE") {
		t.Fatalf("enrol at an unknown site: exit %d %q", code, errOut)
	}
	if code, _, errOut := hub(t, with("enrol", "--site", "st", "a")...); code != 1 || !strings.Contains(errOut, `unexpected argument(s) ["a"`) {
		t.Fatalf("enrol with a stray argument: exit %d %q", code, errOut)
	}
	if code, _, errOut := hub(t, append(with("import"), file, "other.yaml")...); code != 1 || !strings.Contains(errOut, `"other.yaml"`) {
		t.Fatalf("import of two files: exit %d %q", code, errOut)
	}
	if code, _, errOut := hub(t, with("export", "--format", "xlsx", "--out", filepath.Join(dir, "a.csv"))...); code != 1 ||
		!strings.Contains(errOut, "extension") {
		t.Fatalf("export of XLSX into a.csv: exit %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "a.csv")); !os.IsNotExist(err) {
		t.Fatalf("export of XLSX into a.csv wrote it: %v", err)
	}

	// A kiosk enrolled at st-b; a file without st-b.
	st, err := hubsync.OpenSQLiteHub(db[1])
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := hubsync.NewEnrolCode(ctx, st, "st-b", 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pub := make([]byte, 32)
	if _, err := st.Enrol(ctx, hubsync.Enrolment{CodeHash: hubsync.HashSecret(hubsync.NormaliseCode(code)),
		TokenHash: hubsync.HashSecret("t"), DeviceID: "kiosk-b", KeyID: 9, PublicKey: pub, NowMS: time.Now().UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	fewer := filepath.Join(dir, "fewer.yaml")
	os.WriteFile(fewer, []byte(strings.Replace(centreYAML, "  - {id: st-b, level: station, parent: centre, name: 乙社区站}\n", "", 1)), 0o644)
	if code, _, errOut := hub(t, append(with("import", "--replace"), fewer)...); code != 1 ||
		!strings.Contains(errOut, "site st-b (device kiosk-b)") || !strings.Contains(errOut, "--force") {
		t.Fatalf("replacing import dropping an enrolled site: exit %d %q", code, errOut)
	}
	if out := mustHub(t, append(with("import"), file)...); !strings.Contains(out, "0 changes") {
		t.Fatalf("the refused import changed the feed: %q", out)
	}
	if out := mustHub(t, append(with("import", "--replace", "--force"), fewer)...); !strings.Contains(out, "1 changes") {
		t.Fatalf("replacing import with --force: %q", out)
	}
}
