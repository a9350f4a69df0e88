package main

import (
	"bytes"
	"errors"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestPassesSheet(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kiosk.db")
	mustCtl(t, "seed", "--db", db)
	known := strings.TrimSpace(mustCtl(t, "register", "--db", db, "--phone", "13900000001"))

	var csv strings.Builder
	csv.WriteString("\ufeff手机号,姓名\r\n")
	for i := range 9 {
		csv.WriteString("1390000000" + string(rune('1'+i)) + ",队员" + string(rune('甲'+i)) + "\r\n")
	}
	csv.WriteString("\r\n")
	csvPath := filepath.Join(dir, "team.csv")
	if err := os.WriteFile(csvPath, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(dir, "out")
	pages := strings.Fields(mustCtl(t, "passes", "--db", db, "--team", "jingsao", "--csv", csvPath, "--out", outDir))
	if len(pages) != 2 {
		t.Fatalf("pages %q, want 2 for 9 cards", pages)
	}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	// The visitor registered before keeps their pass.
	if again := strings.TrimSpace(mustCtl(t, "register", "--db", db, "--phone", "13900000001")); again != known {
		t.Errorf("the known visitor's pass changed: %q, was %q", again, known)
	}
	if zbar, err := exec.LookPath("zbarimg"); err == nil {
		out, err := exec.Command(zbar, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", pages[0]).Output()
		if err != nil {
			t.Fatalf("zbarimg: %v", err)
		}
		codes := strings.Fields(string(out))
		if len(codes) != 8 || !strings.Contains(string(out), known) {
			t.Errorf("zbarimg read %d codes from page 1, want 8 with the known visitor's", len(codes))
		}
	}

	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("13900000001,甲\n12345,乙\n"), 0o644)
	if code, _, errOut := ctl(t, "passes", "--db", db, "--team", "jingsao", "--csv", bad, "--out", outDir); code == 0 || !strings.Contains(errOut, "line 2") {
		t.Errorf("a bad phone: exit %d, %q", code, errOut)
	}
	typo := filepath.Join(dir, "typo.csv")
	os.WriteFile(typo, []byte("1380013800,漏掉的人\r\n13922223333,甲\r\n"), 0o644)
	if code, _, errOut := ctl(t, "passes", "--db", db, "--team", "jingsao", "--csv", typo, "--out", outDir); code == 0 || !strings.Contains(errOut, `line 1: "1380013800"`) {
		t.Errorf("a mistyped first line: exit %d, %q", code, errOut)
	}
	quote := filepath.Join(dir, "quote.csv")
	os.WriteFile(quote, []byte("13900000001,甲\n\"13900000002,乙\n"), 0o644)
	if code, _, errOut := ctl(t, "passes", "--db", db, "--team", "jingsao", "--csv", quote, "--out", outDir); code == 0 || !strings.Contains(errOut, `line 2: a quote (") is not matched`) {
		t.Errorf("a broken quote: exit %d, %q", code, errOut)
	}
	tabs := filepath.Join(dir, "tabs.csv")
	os.WriteFile(tabs, []byte("手机号\t姓名\n13900000001\t队员甲\n13900000002\t队员乙\n"), 0o644)
	var code int
	var out, errOut string
	report := stderrOf(t, func() {
		code, out, errOut = ctl(t, "passes", "--db", db, "--team", "jingsao", "--csv", tabs, "--out", outDir)
	})
	if code != 0 || len(strings.Fields(out)) != 1 {
		t.Errorf("a tab-separated list: exit %d, %q %q", code, out, errOut)
	}
	// The list is the team's membership; 队员乙 was registered as 队员申
	// and stays so.
	for _, want := range []string{"the team's members are now the list's 2; 7 not on it removed", "1 name(s) differ", "line 3: 队员乙 (registered: 队员申)"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report %q does not say %q", report, want)
		}
	}
	report = stderrOf(t, func() { mustCtl(t, "register", "--db", db, "--phone", "13900000002", "--name", "张三") })
	if !strings.Contains(report, `name not changed: registered as "队员申", not "张三"`) {
		t.Errorf("register --name on a registered number says %q", report)
	}
	// Its one page replaced the two of the longer list before it.
	if _, err := os.Stat(filepath.Join(outDir, "passes-jingsao-02.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the longer list's page 2 is left: %v", err)
	}
	mixed := filepath.Join(dir, "mixed.csv")
	os.WriteFile(mixed, []byte("13800138000,张三丰\r\n13900139000,Jos\xe9\r\n"), 0o644)
	if code, _, errOut := ctl(t, "passes", "--db", db, "--team", "jingsao", "--csv", mixed, "--out", outDir); code == 0 || !strings.Contains(errOut, "line 2: ") || !strings.Contains(errOut, "a byte that is not UTF-8") {
		t.Errorf("UTF-8 with a stray byte: exit %d, %q", code, errOut)
	}
	if code, _, errOut := ctl(t, "passes", "--db", db, "--team", "nobody", "--csv", csvPath, "--out", outDir); code == 0 || !strings.Contains(errOut, `team "nobody": not found`) {
		t.Errorf("an unknown team: exit %d, %q", code, errOut)
	}
}

// stderrOf returns what f writes to os.Stderr.
func stderrOf(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	was := os.Stderr
	os.Stderr = w
	defer func() { os.Stderr = was }()
	f()
	w.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
