package checkin

import (
	"bytes"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/content"
)

func TestReadMembers(t *testing.T) {
	utf := "\ufeff手机号,姓名\r\n138 0013 8000,张三\r\n,,\r\n+86 139-0013-9000, 李四 ,备注\r\n\"13700137000\",\"王, 五\"\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(strings.TrimPrefix(utf, "\ufeff"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Member{{"13800138000", "张三", 2}, {"13900139000", "李四", 4}, {"13700137000", "王, 五", 5}}
	for name, src := range map[string]string{
		"UTF-8 with a BOM":  utf,
		"GB18030":           gb,
		"no header":         "13800138000,张三\n",
		"tabs":              "手机号\t姓名\r\n138 0013 8000\t张三\r\n\t\r\n+86 139-0013-9000\t 李四 \t备注\r\n13700137000\t王, 五\r\n",
		"semicolons":        "手机号;姓名\r\n138 0013 8000;张三\r\n;;\r\n+86 139-0013-9000; 李四 ;备注\r\n13700137000;\"王, 五\"\r\n",
		"full-width commas": "手机号，姓名\r\n138 0013 8000，张三\r\n，\r\n+86 139-0013-9000， 李四 ，备注\r\n13700137000，王, 五\r\n",
	} {
		got, err := ReadMembers(strings.NewReader(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		w := want
		if name == "no header" {
			w = []Member{{"13800138000", "张三", 1}}
		}
		if len(got) != len(w) {
			t.Fatalf("%s: %+v, want %+v", name, got, w)
		}
		for i := range w {
			if got[i] != w[i] {
				t.Errorf("%s: member %d is %+v, want %+v", name, i, got[i], w[i])
			}
		}
	}

	_, err = ReadMembers(strings.NewReader("手机号,姓名\n13800138000,张三\n12345,李四\n13800138000,王五\n,孙七\n\"1390013,赵六\n"))
	var bad MemberErrors
	if !errors.As(err, &bad) || len(bad) != 4 {
		t.Fatalf("bad lines: %v", err)
	}
	if bad[0].Line != 3 || bad[0].Value != "12345" || !errors.Is(bad[0], ErrBadPhone) {
		t.Errorf("a bad phone: %+v", bad[0])
	}
	if bad[1].Line != 4 || bad[1].First != 2 || !errors.Is(bad[1], ErrRepeatedPhone) {
		t.Errorf("a repeated phone: %+v", bad[1])
	}
	if bad[2].Line != 5 || bad[2].Value != "" || !errors.Is(bad[2], ErrBadPhone) {
		t.Errorf("a name without a phone: %+v", bad[2])
	}
	if bad[3].Line != 6 || !errors.Is(bad[3], ErrBadCSV) {
		t.Errorf("a broken quote: %+v", bad[3])
	}
	if msg := err.Error(); !strings.Contains(msg, "line 6: a quote (\") is not matched") {
		t.Errorf("the broken quote is not named: %v", msg)
	}
	if !strings.Contains(err.Error(), "line 3") {
		t.Errorf("the error does not name the line: %v", err)
	}
	// An empty cell between tabs stays a cell.
	if got, err := ReadMembers(strings.NewReader("13600136000\t\t备注\r\n13500135000\t孙七\r\n")); err != nil || len(got) != 2 || got[0].Name != "" {
		t.Errorf("a tab list with an empty name: %+v, %v", got, err)
	}

	// Names lose control characters and runs of spaces (a quoted line
	// break, a bidi override).
	got, err := ReadMembers(strings.NewReader("13800138000,\"张\r\n三\"\r\n13900139000,\u202e四李\u202c  \t\r\n"))
	if err != nil || len(got) != 2 || got[0].Name != "张 三" || got[1].Name != "四李" {
		t.Errorf("names with controls: %+v, %v", got, err)
	}

	// A first line with a mistyped number is a bad line, not a header.
	_, err = ReadMembers(strings.NewReader("1380013800,漏掉的人\r\n13922223333,甲\r\n"))
	if !errors.As(err, &bad) || len(bad) != 1 || bad[0].Line != 1 || bad[0].Value != "1380013800" || !errors.Is(bad[0], ErrBadPhone) {
		t.Errorf("a mistyped first line: %v", err)
	}
	if got, err := ReadMembers(strings.NewReader("电话 ,姓名\r\n13922223333,甲\r\n")); err != nil || len(got) != 1 {
		t.Errorf("a header without digits: %+v, %v", got, err)
	}
	// UTF-16 (Notepad's "Unicode") is read; UTF-8 with one stray byte is
	// refused, naming its line, rather than read whole as GB18030.
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("13800138000,张三丰\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ReadMembers(strings.NewReader(utf16)); err != nil || len(got) != 1 || got[0].Name != "张三丰" {
		t.Errorf("UTF-16: %+v, %v", got, err)
	}
	var te *content.TextError
	_, err = ReadMembers(strings.NewReader("13800138000,张三丰\r\n13900139000,Jos\xe9\r\n"))
	if !errors.As(err, &te) || te.Line != 2 || !errors.Is(err, content.ErrStrayByte) {
		t.Errorf("UTF-8 with a stray byte: %v", err)
	}
	if _, err := ReadMembers(strings.NewReader("手机号,姓名\r\n\r\n")); !errors.Is(err, ErrNoMembers) {
		t.Errorf("a header alone: %v", err)
	}
	if _, err := ReadMembers(bytes.NewReader(make([]byte, MaxMemberFile+1))); !errors.Is(err, ErrMemberFileSize) {
		t.Errorf("a file too large: %v", err)
	}
}

func TestTeamPasses(t *testing.T) {
	s, st, _ := setup(t)
	if err := st.LoadContent(ctx, &content.File{Teams: []data.Team{{ID: "jingsao", SiteID: "centre", Name: "警嫂志愿服务队", Kind: data.TeamSocial}}}); err != nil {
		t.Fatal(err)
	}
	known := register(t, s, "13900000001")
	members := make([]Member, 9)
	for i := range members {
		members[i] = Member{Phone: "1390000000" + string(rune('1'+i)), Name: "队员" + string(rune('甲'+i)), Line: i + 2}
	}
	var steps []int
	sheet, err := s.TeamPasses(ctx, "jingsao", members, func(done, total int) {
		if total != 9+2 {
			t.Errorf("progress total %d, want 9 members and 2 pages", total)
		}
		steps = append(steps, done)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 11 || steps[10] != 11 {
		t.Errorf("progress steps %v", steps)
	}
	if len(sheet.Cards) != 9 || sheet.NewVisitors != 8 || sheet.NewPasses != 8 || len(sheet.Pages) != 2 {
		t.Fatalf("sheet: %d cards, %d new visitors, %d new passes, %d pages", len(sheet.Cards), sheet.NewVisitors, sheet.NewPasses, len(sheet.Pages))
	}
	if c := sheet.Cards[0]; c.Code != known.Code || c.Name != "队员甲" || c.Phone != "139****0001" || c.Team != "警嫂志愿服务队" {
		t.Errorf("the known visitor's card %+v (their pass %q)", c, known.Code)
	}
	got, err := st.TeamMembers(ctx)
	if err != nil || len(got) != 9 {
		t.Fatalf("members recorded: %d, %v", len(got), err)
	}

	dir := t.TempDir()
	paths, err := sheet.Write(dir)
	if err != nil || len(paths) != 2 || filepath.Base(paths[1]) != "passes-jingsao-02.png" {
		t.Fatalf("written %q, %v", paths, err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}

	// A shorter sheet takes the team's later pages of a longer one away,
	// and no other file.
	for _, name := range []string{"passes-jingsao-03.png", "passes-jingsao-100.png", "passes-jingsao-2-03.png", "passes-jingsao-03.png.txt", "passes-longcheng-03.png"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	short := TeamSheet{Team: sheet.Team, Pages: sheet.Pages[:1]}
	if paths, err := short.Write(dir); err != nil || len(paths) != 1 {
		t.Fatalf("a shorter sheet: %q, %v", paths, err)
	}
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{"passes-jingsao-01.png", "passes-jingsao-03.png.txt", "passes-jingsao-2-03.png", "passes-longcheng-03.png"}; !slices.Equal(left, want) {
		t.Errorf("after a shorter sheet the folder holds %q, want %q", left, want)
	}

	// A page that cannot be written takes the pages written before it away.
	blocked := t.TempDir()
	if err := os.Mkdir(filepath.Join(blocked, "passes-jingsao-02.png"), 0o755); err != nil {
		t.Fatal(err)
	}
	if paths, err := sheet.Write(blocked); err == nil || paths != nil {
		t.Errorf("writing over a folder: %q, %v", paths, err)
	}
	if _, err := os.Stat(filepath.Join(blocked, "passes-jingsao-01.png")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("page 1 was left behind: %v", err)
	}

	// A new list is the team's membership: nobody new, no membership twice,
	// the members not on it removed from the team (their records stay).
	// A differing name on it renames nobody: the card carries the
	// registered name, and the difference is reported.
	renamed := append([]Member(nil), members[:3]...)
	renamed[1].Name = "张三"
	again, err := s.TeamPasses(ctx, "jingsao", renamed, nil)
	if err != nil || again.NewVisitors != 0 || again.NewPasses != 0 || again.Cards[1].Code != sheet.Cards[1].Code || again.Removed != 6 {
		t.Errorf("the same members again: %+v, %v", again, err)
	}
	if want := []NameDiff{{Line: 3, Listed: "张三", Registered: members[1].Name}}; !slices.Equal(again.Differing, want) || again.Cards[1].Name != members[1].Name {
		t.Errorf("a differing name: %+v, card %+v", again.Differing, again.Cards[1])
	}
	if reg, err := s.Register(ctx, "13900000002", "", ""); err != nil || reg.Visitor.Name != members[1].Name {
		t.Errorf("the member with a differing name is now %+v, %v", reg.Visitor, err)
	}
	if got, _ := st.TeamMembers(ctx); len(got) != 3 {
		t.Errorf("%d memberships after a list of 3, want 3", len(got))
	}
	if reg, err := s.Register(ctx, members[8].Phone, "", ""); err != nil || reg.Created || reg.Visitor.Name != members[8].Name {
		t.Errorf("a member removed from the team: %+v, %v", reg, err)
	}
	if _, err := s.TeamPasses(ctx, "nobody", members, nil); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("an unknown team: %v", err)
	}
}
