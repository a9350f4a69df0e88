package ui

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// teamStick makes a USB stick holding files (name → content) and points
// the kiosk's media roots at it; it returns the stick's folder.
func (k *kiosk) teamStick(files map[string]string) string {
	k.t.Helper()
	usb := filepath.Join(k.t.TempDir(), "media", "kiosk")
	stick := filepath.Join(usb, "STICK")
	if err := os.MkdirAll(stick, 0o755); err != nil {
		k.t.Fatal(err)
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(stick, name), []byte(src), 0o644); err != nil {
			k.t.Fatal(err)
		}
	}
	k.shell.staff.opts.MediaRoots = []string{filepath.Join(usb, "*")}
	return stick
}

// pngsIn returns the PNG files in dir, failing on any other file (a
// temporary file left behind).
func pngsIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		switch {
		case strings.HasSuffix(e.Name(), ".png"):
			out = append(out, filepath.Join(dir, e.Name()))
		case !strings.HasSuffix(e.Name(), ".csv") && e.Name() != "notes.txt":
			t.Errorf("%s holds %s", dir, e.Name())
		}
	}
	return out
}

// teamList is a member list as Excel saves it: a BOM, a header, CRLF, nine
// members of whom the first is 13900000001.
func teamList() string {
	var b strings.Builder
	b.WriteString("\ufeff手机号,姓名\r\n")
	for i := range 9 {
		b.WriteString("1390000000" + string(rune('1'+i)) + ",队员" + string(rune('甲'+i)) + "\r\n")
	}
	return b.String()
}

func TestTeamPassesFromUSB(t *testing.T) {
	k := newKiosk(t, small)
	known := k.pass("13900000001")
	stick := k.teamStick(map[string]string{
		"team.csv":  teamList(),
		"bad.csv":   "手机号,姓名\n13900000001,甲\n12345,乙\n139 0000 0001,丙\n,丁\n",
		"notes.txt": "x",
		"typo.csv":  "1380013800,漏掉的人\r\n13922223333,甲\r\n",
		"mixed.csv": "13800138000,张三丰\r\n13900139000,Jos\xe9\r\n",
		"two.csv":   "13900000001,队员甲\r\n13900000002,张三\r\n",
	})
	k.signIn()
	k.tap("团队出入证")
	k.mustFit("team passes")
	k.mustShow("团队：请选择", "名单：请选择U盘上的名单文件", "保存到：U盘 STICK", "请选择团队")
	if !k.exactButton("生成出入证").Disabled() {
		t.Error("生成出入证 is enabled before anything is picked")
	}

	k.tap("团队：请选择")
	k.mustShow("选择团队", "第 1/")
	for !k.shows("警嫂志愿服务队") && !k.exactButton("下一页").Disabled() {
		k.tapButton("下一页")
	}
	k.mustShow("警嫂志愿服务队社会 · 永康社区")
	k.mustFit("pick a team")
	k.tap("警嫂志愿服务队")
	k.mustShow("团队：警嫂志愿服务队")

	// A list with bad lines names them; nothing can be made of it.
	k.tap("名单：请选择")
	k.mustShow("选择名单文件", "bad.csv", "team.csv")
	k.mustNotShow("notes.txt")
	k.tap("bad.csv")
	k.mustShow("名单：bad.csv", "名单有 3 处问题，没有生成任何出入证", "第 3 行：“12345”不是手机号",
		"第 4 行：手机号与第 2 行重复", "第 5 行：没有手机号")
	k.mustFit("a bad list")
	if !k.exactButton("生成出入证").Disabled() {
		t.Error("生成出入证 is enabled for a bad list")
	}

	// A mistyped number on the first line is a bad line, not a header.
	k.tap("名单：bad.csv")
	k.tapOnPage("typo.csv")
	k.mustShow("名单有 1 处问题，没有生成任何出入证", "第 1 行：“1380013800”不是手机号")

	// UTF-8 with a stray byte is refused, naming the line.
	k.tap("名单：typo.csv")
	k.tapOnPage("mixed.csv")
	k.mustShow("第 2 行有无法识别的字符，名单其余部分是 UTF-8 编码")
	if !k.exactButton("生成出入证").Disabled() {
		t.Error("生成出入证 is enabled for a list with a stray byte")
	}

	k.tap("名单：mixed.csv")
	k.tapOnPage("team.csv")
	k.mustShow("名单共 9 人，将生成 2 页 A4 出入证")
	k.tap("保存到：U盘 STICK")
	k.mustShow("选择保存位置", "本机导出文件夹")
	k.tap("本机导出文件夹")
	k.mustShow("保存到：本机导出文件夹")
	k.tapButton("生成出入证")
	k.shell.Wait()
	k.mustShow("已生成 9 张出入证（新发 8 张），共 2 页。新名单：9 人，移出 0 人。保存在：", k.exports, "passes-jingsao-01.png", "passes-jingsao-02.png")
	k.mustFit("team passes made")

	pages := pngsIn(t, k.exports)
	if len(pages) != 2 {
		t.Fatalf("%d pages written, want 2", len(pages))
	}
	for _, p := range pages {
		b, _ := os.ReadFile(p)
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if n := len(pngsIn(t, stick)); n != 0 {
		t.Errorf("%d pages on the stick, which was not picked", n)
	}
	members, err := k.store.TeamMembers(context.Background())
	if err != nil || len(members) != 9 || members[0].TeamID != "jingsao" {
		t.Errorf("recorded members: %+v, %v", members, err)
	}
	if again := k.pass("13900000001"); again != known {
		t.Errorf("the known visitor's pass changed: %q, was %q", again, known)
	}

	// A shorter list is the team's membership; a name differing from the
	// registered one is printed as registered and named; the longer
	// sheet's second page is gone.
	k.tap("名单：team.csv")
	k.tapOnPage("two.csv")
	k.tapButton("生成出入证")
	k.shell.Wait()
	k.mustShow("已生成 2 张出入证（新发 0 张），共 1 页。新名单：2 人，移出 7 人。1 人的姓名与登记不同，按已登记的姓名打印（见右侧列表）。保存在：",
		"第 2 行 张三（已登记：队员申）", "passes-jingsao-01.png")
	k.mustNotShow("passes-jingsao-02.png")
	k.mustFit("team passes with a differing name")
	if pages := pngsIn(t, k.exports); len(pages) != 1 {
		t.Errorf("%d pages in the folder after the shorter list, want 1", len(pages))
	}
	if members, _ := k.store.TeamMembers(context.Background()); len(members) != 2 {
		t.Errorf("%d members after the shorter list, want 2", len(members))
	}
}

func TestTeamPassesListSpoiltAfterCheck(t *testing.T) {
	k := newKiosk(t, large)
	stick := k.teamStick(map[string]string{"team.csv": teamList()})
	k.signIn()
	k.tap("团队出入证")
	k.tap("团队：请选择")
	k.tapOnPage("警嫂志愿服务队")
	k.tap("名单：请选择")
	k.tap("team.csv")
	k.mustShow("名单共 9 人")

	// The file is changed on the stick before 生成: it is read again.
	if err := os.WriteFile(filepath.Join(stick, "team.csv"), []byte("13900000001,甲\n\"13900000002,乙\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	k.tapButton("生成出入证")
	k.shell.Wait()
	k.mustShow("名单有 1 处问题，没有生成任何出入证", "第 2 行：引号不成对，无法读取")
	k.mustFit("team passes, large")
	if n := len(pngsIn(t, stick)); n != 0 {
		t.Errorf("%d pages written from a bad list", n)
	}
	if members, _ := k.store.TeamMembers(context.Background()); len(members) != 0 {
		t.Errorf("members recorded from a bad list: %+v", members)
	}
	if !k.exactButton("生成出入证").Disabled() {
		t.Error("生成出入证 is enabled after the list was found bad")
	}

	// The stick is pulled out: the list and folder are forgotten.
	if err := os.RemoveAll(stick); err != nil {
		t.Fatal(err)
	}
	k.shell.tick()
	k.mustShow("U盘已拔出，请重新选择", "名单：请选择", "保存到：请插入U盘")
}
