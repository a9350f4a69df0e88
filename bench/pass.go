package bench

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/civickiosk/kiosk/data/pass"
	qrcode "github.com/skip2/go-qrcode"
)

// printPx is the module size of a printed pass (kioskctl register --png).
const printPx = 8

// PassRender signs, encodes and renders pass number no as a printable PNG:
// what issuing one card costs.
func PassRender(k pass.Key, no uint32) ([]byte, error) {
	code, err := pass.Encode(k, pass.Payload{No: no, IssuedDay: pass.Day(time.Now())})
	if err != nil {
		return nil, err
	}
	return pass.PNG(code, true, printPx)
}

// qrOnly is the baseline of PassRender: the QR library alone rendering a
// text of the same length and alphabet at the same level and module size.
func qrOnly(text string) ([]byte, error) {
	q, err := qrcode.New(text, qrcode.High)
	if err != nil {
		return nil, err
	}
	return q.PNG(-printPx)
}

// randomText returns n characters of the pass alphabet.
func randomText(rng *rand.Rand, n int) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return "CK" + string(b[2:])
}

// Passes measures one printable pass (sign + encode + PNG) and a team sheet
// of s.PassCards named cards (pass.A4), against the QR library alone on
// texts of the same length.
func Passes(s Sizes) ([]Figure, error) {
	k, err := pass.NewKey(nil)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	probe, err := pass.Encode(k, pass.Payload{No: 1})
	if err != nil {
		return nil, err
	}
	n := len(probe)
	one := Figure{ID: "pass.one", Section: "Passes", Name: "one printable pass: sign + encode + QR PNG (level Q, 8 px/module)",
		Unit: "ms", Baseline: "the QR library alone, same length text, level and size"}
	const per, blocks = 60, 5
	var all, allBase []float64
	no := uint32(1)
	for range blocks {
		var a, b []float64
		for range per {
			t := time.Now()
			if _, err := PassRender(k, no); err != nil {
				return nil, err
			}
			a = append(a, float64(time.Since(t))/1e6)
			no++
			text := randomText(rng, n)
			t = time.Now()
			if _, err := qrOnly(text); err != nil {
				return nil, err
			}
			b = append(b, float64(time.Since(t))/1e6)
		}
		one.Ratios = append(one.Ratios, ratio(Median(a), Median(b)))
		all, allBase = append(all, a...), append(allBase, b...)
	}
	one.Value, one.Base = Median(all), Median(allBase)

	sheet := Figure{ID: "pass.sheet", Section: "Passes",
		Name: fmt.Sprintf("team sheet: %d named cards signed and laid out on A4 PNG pages (pass.A4)", s.PassCards),
		Unit: "s", Baseline: fmt.Sprintf("%d × the QR library alone", s.PassCards)}
	var sv, sb []float64
	pages := 0
	for i := range 3 {
		run := func(base bool) (float64, error) {
			t := time.Now()
			if base {
				for range s.PassCards {
					if _, err := qrOnly(randomText(rng, n)); err != nil {
						return 0, err
					}
				}
				return seconds(time.Since(t)), nil
			}
			cards := make([]pass.Card, s.PassCards)
			for j := range cards {
				code, err := pass.Encode(k, pass.Payload{No: no, IssuedDay: pass.Day(time.Now())})
				if err != nil {
					return 0, err
				}
				no++
				cards[j] = pass.Card{Code: code, Name: fmt.Sprintf("志愿者%03d", j), Phone: "138****8000", Team: "理论宣讲志愿服务队"}
			}
			out, err := pass.A4.Render(cards)
			pages = len(out)
			return seconds(time.Since(t)), err
		}
		first := i%2 == 1
		a, err := run(first)
		if err != nil {
			return nil, err
		}
		b, err := run(!first)
		if err != nil {
			return nil, err
		}
		if first {
			a, b = b, a
		}
		sv, sb = append(sv, a), append(sb, b)
		sheet.Ratios = append(sheet.Ratios, ratio(a, b))
	}
	sheet.Value, sheet.Base = Median(sv), Median(sb)
	sheet.Note = fmt.Sprintf("%d pages of %d cards, 150 dpi", pages, pass.A4.PerPage())
	return []Figure{one, sheet}, nil
}
