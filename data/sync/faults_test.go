package sync_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/civickiosk/kiosk/data"
	"github.com/civickiosk/kiosk/data/checkin"
	hubsync "github.com/civickiosk/kiosk/data/sync"
)

// fault is what the proxy does to one request.
type fault int

const (
	faultNone   fault = iota // forward it
	faultDrop                // close the connection without forwarding
	faultBad                 // answer 502 without forwarding
	faultDelay               // forward it after up to 100 ms
	faultCut                 // forward it, then close the connection instead of answering
	faultDup                 // forward it twice, answer the second
	faultRandom              // one of the above at random, for each request
)

// proxy sits between kiosks and the hub on 127.0.0.1 and injects faults.
type proxy struct {
	t      *testing.T
	h      *testHub
	srv    *httptest.Server
	hc     *http.Client
	mu     sync.Mutex
	mode   fault
	rnd    *rand.Rand
	counts map[fault]int
}

func newProxy(t *testing.T, h *testHub) *proxy {
	p := &proxy{t: t, h: h, hc: &http.Client{Timeout: 10 * time.Second}, rnd: rand.New(rand.NewPCG(1, 2)),
		counts: map[fault]int{}}
	p.srv = httptest.NewServer(p)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *proxy) URL() string { return p.srv.URL }

func (p *proxy) set(f fault) {
	p.mu.Lock()
	p.mode = f
	p.mu.Unlock()
}

func (p *proxy) pick() fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.mode
	if f == faultRandom {
		switch n := p.rnd.IntN(100); {
		case n < 40:
			f = faultNone
		case n < 52:
			f = faultDrop
		case n < 60:
			f = faultBad
		case n < 75:
			f = faultDelay
		case n < 90:
			f = faultCut
		default:
			f = faultDup
		}
	}
	p.counts[f]++
	return f
}

func hangUp(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func (p *proxy) forward(r *http.Request, body []byte) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(context.Background(), r.Method, p.h.URL()+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header = r.Header.Clone()
	resp, err := p.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func (p *proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		hangUp(w)
		return
	}
	f := p.pick()
	switch f {
	case faultDrop:
		hangUp(w)
		return
	case faultBad:
		http.Error(w, "proxy: bad gateway", http.StatusBadGateway)
		return
	case faultDelay:
		time.Sleep(time.Duration(rand.IntN(100)) * time.Millisecond)
	}
	resp, b, err := p.forward(r, body)
	if err == nil && f == faultDup {
		resp, b, err = p.forward(r, body)
	}
	if err != nil {
		http.Error(w, "proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	if f == faultCut {
		hangUp(w)
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(b)
}

// hookStore runs afterPush once a Push has committed, before the hub answers.
type hookStore struct {
	hubsync.Store
	afterPush func()
}

func (s hookStore) Push(ctx context.Context, dev hubsync.Device, b hubsync.Batch) ([]hubsync.RecordResult, error) {
	res, err := s.Store.Push(ctx, dev, b)
	if err == nil && s.afterPush != nil {
		s.afterPush()
	}
	return res, err
}

// drain runs rounds without faults until the kiosk's outbox is empty.
func drain(t *testing.T, k *kiosk) {
	t.Helper()
	var err error
	for range 20 {
		var r hubsync.RoundResult
		if r, err = k.cl.Round(ctx); err == nil && r.Pending == 0 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("outbox does not drain: %v", err)
}

// TestFaultsAndRestarts: two kiosks scan while syncing through a proxy that
// drops, delays, cuts and duplicates requests, and the hub restarts twice
// while batches are in flight, once right after committing a batch it has
// not answered. In the end the hub holds exactly the union of the kiosks'
// records, each once, every outbox is empty and the feed has reached both.
func TestFaultsAndRestarts(t *testing.T) {
	eachBackend(t, func(t *testing.T, open func() hubsync.Store) {
		var once sync.Once
		committed := make(chan struct{})
		release := make(chan struct{})
		hooked := func() hubsync.Store {
			return hookStore{Store: open(), afterPush: func() {
				once.Do(func() {
					close(committed)
					<-release
				})
			}}
		}
		h := startHub(t, hooked)
		importCentre(t, h.store(), centre(time.Now()), false)
		p := newProxy(t, h)
		opts := hubsync.ClientOptions{BatchSize: 7, PageSize: 2, HTTP: &http.Client{Timeout: 5 * time.Second}}
		a := newKiosk(t, h, "st-a", p.URL(), opts)
		b := newKiosk(t, h, "st-b", p.URL(), opts)
		// Enrolment went to the hub directly; rounds go through the proxy.
		for _, k := range []*kiosk{a, b} {
			e, _, _ := k.st.HubEnrolment(ctx)
			e.HubURL = p.URL()
			if err := k.st.SetHubEnrolment(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		codes := make([]string, 12)
		for i := range codes {
			if i < 8 {
				codes[i] = a.register(t, phone(100+i))
			} else {
				codes[i] = b.register(t, phone(100+i))
			}
		}

		// The first batch is committed, then the hub restarts before it
		// answers: the kiosk must re-send it and get "already stored".
		for _, c := range codes[:8] {
			a.scan(t, c, "ev-c")
		}
		go func() {
			<-committed
			h.restart()
			close(release)
		}()
		if _, err := a.cl.Round(ctx); err == nil {
			t.Fatal("a round whose answer was lost succeeded")
		}
		if n, _ := a.st.OutboxCount(ctx); n != 8 {
			t.Fatalf("after the lost answer the outbox holds %d, want 8", n)
		}
		r, err := a.cl.Round(ctx)
		if err != nil || r.Already != 7 || r.Stored != 1 {
			t.Fatalf("re-sent round: %+v %v (want 7 already stored, 1 stored)", r, err)
		}

		// Now everything at once, with random faults and restarts.
		p.set(faultRandom)
		var wg sync.WaitGroup
		for ki, k := range []*kiosk{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 24 {
					c := codes[(i*5+ki*3)%len(codes)]
					ev := []string{"ev-a", "ev-b", "ev-c"}[(i+ki)%3]
					if _, err := k.svc.Scan(ctx, c, checkin.Target{Event: ev}); err != nil {
						t.Error(err)
						return
					}
					if i%7 == 0 {
						k.svc.Scan(ctx, "CK-not-a-pass", checkin.Target{})
					}
					k.cl.Round(ctx) // errors are expected here
				}
			}()
		}
		for range 2 {
			time.Sleep(150 * time.Millisecond)
			h.restart()
		}
		wg.Wait()
		// Content changes while the faults go on.
		f := centre(time.Now())
		f.Events = append(f.Events, data.Event{ID: "ev-new", SiteID: "st-b", Title: "新活动",
			StartMS: time.Now().UnixMilli(), EndMS: time.Now().Add(time.Hour).UnixMilli()})
		importCentre(t, h.store(), f, true)
		for range 5 {
			a.cl.Round(ctx)
			b.cl.Round(ctx)
		}
		p.set(faultNone)
		drain(t, a)
		drain(t, b)
		checkUnion(t, h.store(), a, b)
		for _, k := range []*kiosk{a, b} {
			if _, err := k.st.Event(ctx, "ev-new"); err != nil {
				t.Errorf("a kiosk lacks the new event: %v", err)
			}
		}
		p.mu.Lock()
		t.Logf("faults injected: %v", fmt.Sprint(p.counts))
		p.mu.Unlock()
	})
}
