package data

import "testing"

func TestNormaliseName(t *testing.T) {
	for in, want := range map[string]string{
		"张三":                    "张三",
		"  张  三 ":               "张 三",
		"张三\r\n李四":              "张三 李四",
		"\t王\u3000五\u00a0":      "王 五",
		"赵\a六\x00\x7f":          "赵六",
		"\u202e四李\u202c":        "四李",
		"\u2066孙七\u2069\u200e":  "孙七",
		"\u200fJosé\u061c":      "José",
		"Mary  Anne\u0085Smith": "Mary Anne Smith",
		"\u202a\u202b \n":       "",
		"𠮷野家😀":                  "𠮷野家😀",
	} {
		if got := NormaliseName(in); got != want {
			t.Errorf("NormaliseName(%q) = %q, want %q", in, got, want)
		}
	}
}
