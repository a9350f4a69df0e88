package ui

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/civickiosk/kiosk/data"
)

func TestHomeShowsClockAndWhatIsOn(t *testing.T) {
	k := newKiosk(t, small)
	k.mustShow("小店区新时代文明实践中心", "2026年11月25日 星期三  10:00", "正在进行",
		"活动安排", "光荣榜", "志愿服务队", "关于中心")
	k.mustFit("home")
	clock, _ := k.find("10:00")
	// On now: the centre's open day and choir; later: the meal delivery of
	// another site (11:00–12:30) and the evening's classes.
	checkOrder(t, k.allPages(), "文明实践开放日", "合唱团排练", "今天稍后", "老年餐厅爱心送餐", "门前三包文明劝导")

	*k.now = testNow.Add(65 * time.Minute)
	k.shell.activity() // someone is reading the home screen
	k.shell.tick()
	if got := clock.(*widget.RichText).String(); got != "2026年11月25日 星期三  11:05" {
		t.Errorf("after a tick the clock shows %q", got)
	}
	checkOrder(t, k.allPages(), "文明实践开放日", "老年餐厅爱心送餐", "常青藤社区新时代文明实践站", "今天稍后", "门前三包文明劝导")
	k.mustNotShow("合唱团排练") // ended at 11:00

	// The screen stays up for days: on Saturday it shows Saturday's
	// classes, read for the new day.
	*k.now = time.Date(2026, 11, 28, 9, 10, 0, 0, shanghai)
	k.shell.activity()
	k.shell.tick()
	k.mustShow("2026年11月28日 星期六  09:10")
	checkOrder(t, k.allPages(), "法律咨询日", "今天稍后", "少儿科普小课堂")
	k.mustNotShow("门前三包文明劝导") // Wednesday's
}

// checkOrder fails unless each of want appears in texts, in that order.
func checkOrder(t *testing.T, texts []string, want ...string) {
	t.Helper()
	all := strings.Join(texts, "\n")
	at := 0
	for _, w := range want {
		i := strings.Index(all[at:], w)
		if i < 0 {
			t.Errorf("%q is missing or out of order in %q", w, all)
			return
		}
		at += i + len(w)
	}
}

func TestClockUsesCentreZone(t *testing.T) {
	k := newKiosk(t, small)
	*k.now = time.Date(2026, 11, 29, 6, 5, 0, 0, time.UTC) // 14:05 in Shanghai
	k.shell.tick()
	k.mustShow("2026年11月29日 星期日  14:05")
}

func TestNavigateToEventDetailAndHome(t *testing.T) {
	for _, size := range []fyne.Size{small, large} {
		k := newKiosk(t, size)
		k.tap("活动安排")
		k.mustShow("今天", "本周", "返回首页", "合唱团排练", "文化馆二楼排练厅")
		k.mustFit("events")

		k.tap("合唱团排练")
		k.mustShow("活动详情", "合唱团排练", "文化服务", "11月25日 周三  09:00–11:00 · 每周三",
			"文化馆二楼排练厅", "小店区文化馆", "文艺志愿服务队", "不限", "学唱红色经典")
		k.mustFit("event detail")

		k.tap("返回")
		k.mustShow("本周", "合唱团排练")
		k.tap("返回首页")
		k.mustShow("正在进行", "光荣榜")
		k.mustFit("home")
	}
}

func TestEventViews(t *testing.T) {
	k := newKiosk(t, small)
	k.tap("活动安排")
	today := strings.Join(k.allPages(), "\n")
	for _, want := range []string{"合唱团排练", "文明实践开放日", "老年餐厅爱心送餐", "门前三包文明劝导"} {
		if !strings.Contains(today, want) {
			t.Errorf("today lacks %q", want)
		}
	}
	for _, not := range []string{"法治讲座：防范电信网络诈骗", "少儿科普小课堂", "消暑晚会"} {
		if strings.Contains(today, not) {
			t.Errorf("today shows %q", not)
		}
	}

	k.tap("本周")
	if s := k.pageStatus(); s != "" && !strings.HasPrefix(s, "第 1/") {
		t.Errorf("a new view starts on %q", s)
	}
	week := strings.Join(k.allPages(), "\n")
	for _, want := range []string{"合唱团排练", "法治讲座：防范电信网络诈骗", "少儿科普小课堂", "周末广场文体活动", "明天"} {
		if !strings.Contains(week, want) {
			t.Errorf("this week lacks %q", want)
		}
	}
	for _, not := range []string{"书画班", "健康义诊进社区", "社区露天电影"} { // next Tuesday, Monday; cancelled
		if strings.Contains(week, not) {
			t.Errorf("this week shows %q", not)
		}
	}

	k.tap("近期")
	if !strings.HasPrefix(k.pageStatus(), "第 1/") {
		t.Errorf("the upcoming view has one page only: %q", k.pageStatus())
	}
	upcoming := strings.Join(k.allPages(), "\n")
	for _, want := range []string{"书画班", "健康义诊进社区", "万人健步行", "过年来小店·新春文艺展演"} {
		if !strings.Contains(upcoming, want) {
			t.Errorf("upcoming lacks %q", want)
		}
	}
	for _, not := range []string{"社区露天电影", "消暑晚会", "民法典宣讲"} { // cancelled, past
		if strings.Contains(upcoming, not) {
			t.Errorf("upcoming shows %q", not)
		}
	}
	k.mustFit("upcoming, last page")
}

func TestOwnSiteSessionsComeFirst(t *testing.T) {
	k := newKiosk(t, small)
	k.tap("活动安排")
	texts := strings.Join(k.allPages(), "\n")
	own, other := strings.Index(texts, "文明实践开放日"), strings.Index(texts, "老年餐厅爱心送餐")
	if own < 0 || other < 0 || own > other {
		t.Errorf("the centre's own session is not listed before another site's: %d, %d", own, other)
	}
}

func TestHonourWallPaging(t *testing.T) {
	k := newKiosk(t, small)
	k.tap("光荣榜")
	k.mustShow("赵海生", "全国道德模范", "第 1/")
	if !k.button("上一页").Disabled() || k.button("下一页").Disabled() {
		t.Error("on page 1 上一页 should be disabled and 下一页 enabled")
	}
	first := k.texts()
	k.mustFit("honour wall")

	k.tap("下一页")
	if !strings.HasPrefix(k.pageStatus(), "第 2/") {
		t.Errorf("after 下一页 the status is %q", k.pageStatus())
	}
	if k.button("上一页").Disabled() {
		t.Error("上一页 is disabled on page 2")
	}
	second := k.texts()
	for _, name := range []string{"赵海生", "陈勇", "冯黎明", "范玲", "孟小平", "许爱香", "傅小苏", "王桂兰", "刘建国", "张丽"} {
		in1, in2 := strings.Contains(strings.Join(first, "\n"), name), strings.Contains(strings.Join(second, "\n"), name)
		if in1 && in2 {
			t.Errorf("%s is on pages 1 and 2", name)
		}
	}
	k.tap("上一页")
	k.mustShow("赵海生")

	all := strings.Join(k.allPages(), "\n")
	for _, name := range []string{"赵海生", "范玲", "张丽"} {
		if !strings.Contains(all, name) {
			t.Errorf("%s is on no page", name)
		}
	}
	if strings.Contains(all, "李红梅") {
		t.Error("a hidden entry is shown")
	}
}

func TestHonourDetailTellsWholeStory(t *testing.T) {
	k := newKiosk(t, small)
	k.tap("光荣榜")
	k.mustShow("范") // the generated avatar of 范玲 shows her surname
	k.tap("范玲")
	k.mustShow("好人故事", "范玲", "身边好人", "永康社区",
		"疫情发生后，警嫂们挺身而出组成志愿服务队伍，并一直坚持了下来。", "返回", "返回首页")
	k.mustFit("honour detail")
	k.tap("返回")
	k.mustShow("光荣榜", "赵海生")
}

func TestTeamsFilterByKind(t *testing.T) {
	k := newKiosk(t, small)
	k.tap("志愿服务队")
	k.mustShow("全部", "党群", "专业", "社会")
	k.mustFit("teams")

	k.tap("党群")
	party := strings.Join(k.allPages(), "\n")
	for _, want := range []string{"睦邻党支部", "党员先锋志愿服务队", "退役军人志愿服务队"} {
		if !strings.Contains(party, want) {
			t.Errorf("党群 lacks %q", want)
		}
	}
	for _, not := range []string{"警嫂志愿服务队", "理论宣讲志愿服务队"} {
		if strings.Contains(party, not) {
			t.Errorf("党群 shows %q", not)
		}
	}

	k.tap("专业")
	k.mustShow("理论宣讲志愿服务队", "45 名队员")
	k.mustNotShow("睦邻党支部")

	k.tap("社会")
	social := strings.Join(k.allPages(), "\n")
	if !strings.Contains(social, "警嫂志愿服务队") || strings.Contains(social, "法律服务志愿服务队") {
		t.Errorf("社会 shows the wrong teams: %q", social)
	}

	k.tap("全部")
	all := strings.Join(k.allPages(), "\n")
	for _, want := range []string{"睦邻党支部", "理论宣讲志愿服务队", "警嫂志愿服务队", "红领巾志愿服务队"} {
		if !strings.Contains(all, want) {
			t.Errorf("全部 lacks %q", want)
		}
	}
}

func TestAboutShowsModelAndSections(t *testing.T) {
	k := newKiosk(t, small)
	k.tap("关于中心")
	k.mustShow("12345678+N", "工作模式", "文化馆 · 图书馆 · 法律援助中心")
	k.mustFit("about")
	k.tap("工作理念")
	k.mustShow("“五最”")
	k.mustFit("about, principles")
	k.tap("便民服务")
	k.mustShow("午餐5元")
	k.tap("工作亮点")
	k.mustShow("32面志愿服务队伍旗帜")
}

func TestTapsCountAsActivity(t *testing.T) {
	k := newKiosk(t, small)
	if !k.shell.LastActivity().Equal(testNow) {
		t.Fatalf("LastActivity at start = %v", k.shell.LastActivity())
	}
	*k.now = testNow.Add(time.Minute)
	k.tap("光荣榜")
	if !k.shell.LastActivity().Equal(*k.now) {
		t.Errorf("a tile tap did not count: %v", k.shell.LastActivity())
	}
	*k.now = testNow.Add(2 * time.Minute)
	k.tap("下一页")
	if !k.shell.LastActivity().Equal(*k.now) {
		t.Errorf("a page turn did not count: %v", k.shell.LastActivity())
	}
}

func TestLargeScreenScalesTheTheme(t *testing.T) {
	k := newKiosk(t, large)
	if got := theme.TextSize(); got != 33 {
		t.Errorf("text size at 1920×1080 = %v, want 33", got)
	}
	k.mustFit("home at 1920×1080")
}

func TestEnglish(t *testing.T) {
	if err := UseLanguage("en"); err != nil {
		t.Fatal(err)
	}
	defer UseLanguage("zh-CN")
	k := newKiosk(t, small)
	k.mustShow("Wednesday 25 November 2026  10:00", "On now", "Events", "Honour wall")
	k.tap("Events")
	k.mustShow("Today", "This week", "Home")
	k.mustFit("events in English")
}

// mustShowButtonsWhole fails if a button on screen is narrower than its
// label and icon, which cuts its label off.
func (k *kiosk) mustShowButtonsWhole(screen string) {
	k.t.Helper()
	visit(k.win.Content(), fyne.NewPos(0, 0), func(o fyne.CanvasObject, _ fyne.Position) bool {
		if b, ok := o.(*tapButton); ok && b.Button.MinSize().Width > b.Size().Width+0.5 {
			k.t.Errorf("%s: button %q is %v wide but needs %v", screen, b.Text, b.Size().Width, b.Button.MinSize().Width)
		}
		return true
	})
}

func TestEnglishCheckInFits(t *testing.T) {
	if err := UseLanguage("en"); err != nil {
		t.Fatal(err)
	}
	defer UseLanguage("zh-CN")
	k := newKiosk(t, small)
	for _, size := range []string{"Standard", "Large"} {
		k.shell.Home()
		k.tap(size)
		k.shell.Wait()
		k.tap("Check in / out")
		k.mustShow("Hold your pass to the scanner")
		k.mustFit("check-in in English, " + size)
		k.mustShowButtonsWhole("check-in in English, " + size)
		k.tap("phone number")
		k.mustShow("Enter your 11-digit mobile number")
	}
}

func TestClockGoroutineStops(t *testing.T) {
	k := newKiosk(t, small)
	before := runtime.NumGoroutine()
	stop := k.shell.StartClock()
	if runtime.NumGoroutine() <= before {
		t.Fatal("StartClock started no goroutine")
	}
	stop()
	stop()
	for deadline := time.Now().Add(time.Second); runtime.NumGoroutine() > before && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after stopping the clock, %d before starting it", n, before)
	}
}

// brokenCatalog fails every read, like a store whose disk has gone.
type brokenCatalog struct{}

var errBroken = errors.New("disk I/O error")

func (brokenCatalog) Centre(context.Context) (data.Centre, error) { return data.Centre{}, errBroken }
func (brokenCatalog) Sites(context.Context) ([]data.Site, error)  { return nil, errBroken }
func (brokenCatalog) EventsBetween(context.Context, int64, int64, string) ([]data.Event, error) {
	return nil, errBroken
}
func (brokenCatalog) Event(context.Context, string) (data.Event, error) {
	return data.Event{}, errBroken
}
func (brokenCatalog) HonourEntries(context.Context) ([]data.HonourEntry, error) {
	return nil, errBroken
}
func (brokenCatalog) Teams(context.Context) ([]data.Team, error) { return nil, errBroken }

func TestUnreadableContentIsExplained(t *testing.T) {
	test.NewTempApp(t)
	win := test.NewTempWindow(t, nil)
	win.Resize(small)
	k := &kiosk{t: t, win: win, now: &testNow}
	k.shell = NewShell(win, Config{Catalog: brokenCatalog{}, SiteID: "xiaodian", Location: shanghai,
		Now: func() time.Time { return testNow }, CheckIn: emptyService(t)})
	k.mustShow("新时代文明实践中心", "内容暂时无法显示", "disk I/O error", "活动安排")
	for _, tile := range []string{"活动安排", "光荣榜", "志愿服务队", "关于中心"} {
		k.tap(tile)
		k.mustShow("内容暂时无法显示", "返回首页")
		k.mustFit(tile + " without content")
		k.tap("返回首页")
	}
}
