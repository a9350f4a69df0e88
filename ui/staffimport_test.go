package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/civickiosk/kiosk/data/content"
)

// badContent is a content file with six problems on lines 3 to 10.
const badContent = `events:
  - id: yuedu
    site: xiaodan
    title: 亲子阅读会
    date: 2026-13-05
    time: "11:00-09:30"
    titel: 读书
  - site: xiaodian
    title: 读书会
    weekly: 周八
    time: "09:00-10:00"
`

func TestImportProblemsInChinese(t *testing.T) {
	k := newKiosk(t, small)
	k.usbStick(map[string][]byte{"bad.yaml": []byte(badContent)})
	k.openEvents("太极拳班")
	k.tapButton("从U盘导入内容")
	k.tap("bad.yaml")
	k.mustShow("发现 6 个问题，文件未导入")
	k.mustFit("problems")
	shown := strings.Join(k.allPages(), "\n")
	for _, want := range []string{
		"第 3 行：活动“yuedu”：“site”写的“xiaodan”既不是本文件里的站点，也不是已有的站点。",
		"第 5 行：活动“yuedu”：“date”写的“2026-13-05”不是日历上有的日子。",
		"第 6 行：活动“yuedu”：时间“11:00-09:30”的结束早于开始。",
		"第 7 行：活动“yuedu”：不认识的键“titel”（是不是“title”？）；可用的键：id, site, title,",
		"第 8 行：第 2 个活动：缺少“id”。",
		"第 10 行：第 2 个活动：weekly“周八”不是星期几，请写周一…周日",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("the problems do not show %q; they show %q", want, shown)
		}
	}
	if strings.Contains(shown, "line ") || strings.Contains(shown, " is ") {
		t.Errorf("English among the problems: %q", shown)
	}
	k.mustFit("problems, last page")
}

// In English the staff see the messages kioskctl and the hub print.
func TestImportProblemsInEnglish(t *testing.T) {
	if err := UseLanguage("en"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := UseLanguage("zh-CN"); err != nil {
			t.Fatal(err)
		}
	})
	_, err := content.Parse([]byte(badContent), content.Options{KnownSites: map[string]bool{"xiaodian": true}})
	var problems *content.Errors
	if !errors.As(err, &problems) || len(*problems) != 6 {
		t.Fatalf("problems: %v", err)
	}
	for _, p := range *problems {
		if got, want := problemText(p), fmt.Sprintf("Line %d: %s", p.Line, p.Msg); got != want {
			t.Errorf("%s: %q, want %q", p.Code, got, want)
		}
	}
}
