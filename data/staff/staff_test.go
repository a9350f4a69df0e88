package staff

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidatePIN(t *testing.T) {
	for _, ok := range []string{"1234", "0000", "12345678", "0912345"} {
		if err := ValidatePIN(ok); err != nil {
			t.Errorf("ValidatePIN(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "123", "123456789", "12a4", "１２３４", "12 34", "-123"} {
		if err := ValidatePIN(bad); !errors.Is(err, ErrBadPIN) {
			t.Errorf("ValidatePIN(%q) = %v, want ErrBadPIN", bad, err)
		}
	}
}

func TestValidateNewPINRefusesWeakPINs(t *testing.T) {
	for _, weak := range []string{"0000", "1111", "99999999", "1234", "0123", "3456789", "7890", "4321", "9876", "0987", "210987"} {
		if err := ValidateNewPIN(weak); !errors.Is(err, ErrWeakPIN) {
			t.Errorf("ValidateNewPIN(%q) = %v, want ErrWeakPIN", weak, err)
		}
	}
	for _, ok := range []string{"2468", "1357", "1235", "2580", "8642", "135790", "1122", "0912345"} {
		if err := ValidateNewPIN(ok); err != nil {
			t.Errorf("ValidateNewPIN(%q) = %v", ok, err)
		}
	}
	if err := ValidateNewPIN("12"); !errors.Is(err, ErrBadPIN) {
		t.Errorf("ValidateNewPIN of 2 digits: %v", err)
	}
}

func TestHashRoundTrip(t *testing.T) {
	h, err := HashPIN("2468", DefaultParams, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q: want the PHC form with OWASP parameters", h)
	}
	if ok, err := CheckPIN("2468", h); !ok || err != nil {
		t.Fatalf("right PIN: %v, %v", ok, err)
	}
	for _, wrong := range []string{"2467", "24680", "", "2468 "} {
		if ok, err := CheckPIN(wrong, h); ok || err != nil {
			t.Fatalf("CheckPIN(%q) = %v, %v", wrong, ok, err)
		}
	}
	// A fresh salt each time: the same PIN never hashes the same.
	h2, _ := HashPIN("2468", DefaultParams, nil)
	if h2 == h {
		t.Fatal("two hashes of one PIN are equal")
	}
	if NeedsRehash(h, DefaultParams) {
		t.Fatal("a current hash needs a rehash")
	}
	weak, _ := HashPIN("2468", Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, nil)
	if !NeedsRehash(weak, DefaultParams) {
		t.Fatal("a weak hash does not need a rehash")
	}
	if ok, _ := CheckPIN("2468", weak); !ok {
		t.Fatal("a weak hash no longer checks")
	}
}

func TestHashPINRefusesBadPIN(t *testing.T) {
	if _, err := HashPIN("12", DefaultParams, nil); !errors.Is(err, ErrBadPIN) {
		t.Fatalf("HashPIN of 2 digits: %v", err)
	}
	if _, err := HashPIN("1234", DefaultParams, bytes.NewReader(nil)); err == nil {
		t.Fatal("HashPIN without randomness succeeded")
	}
}

func TestCheckPINRejectsMalformedHashes(t *testing.T) {
	good, _ := HashPIN("1234", DefaultParams, nil)
	parts := strings.Split(good, "$")
	for name, h := range map[string]string{
		"empty":       "",
		"bcrypt":      "$2a$10$abcdefghijklmnopqrstuv",
		"argon2i":     strings.Replace(good, "argon2id", "argon2i", 1),
		"version":     strings.Replace(good, "v=19", "v=16", 1),
		"huge memory": strings.Replace(good, "m=19456", "m=4294967295", 1),
		"zero time":   strings.Replace(good, "t=2", "t=0", 1),
		"bad salt":    strings.Join([]string{"", parts[1], parts[2], parts[3], "!!!", parts[5]}, "$"),
		"short key":   strings.Join([]string{"", parts[1], parts[2], parts[3], parts[4], "AAAA"}, "$"),
		"unknown":     strings.Replace(good, "p=1", "x=1", 1),
	} {
		if ok, err := CheckPIN("1234", h); ok || !errors.Is(err, ErrBadHash) {
			t.Errorf("%s: CheckPIN = %v, %v; want ErrBadHash", name, ok, err)
		}
	}
}

func TestLockoutAfterFiveAndUnlockAfterPeriod(t *testing.T) {
	p := DefaultPolicy
	var a Attempts
	now := int64(1_800_000_000_000)
	for i := 1; i <= 4; i++ {
		var err error
		a, err = p.Fail(a, now)
		var wp *WrongPINError
		if !errors.As(err, &wp) || !errors.Is(err, ErrWrongPIN) || wp.TriesLeft != 5-i {
			t.Fatalf("wrong PIN %d: %v", i, err)
		}
		if p.TriesLeft(a, now) != 5-i {
			t.Fatalf("TriesLeft after %d = %d", i, p.TriesLeft(a, now))
		}
		now += 1000
	}
	a, err := p.Fail(a, now)
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) || le.UntilMS != now+5*60_000 {
		t.Fatalf("fifth wrong PIN: %v", err)
	}
	if err := p.Check(a, now+5*60_000-1); !errors.Is(err, ErrLocked) {
		t.Fatalf("just before the end of the lock: %v", err)
	}
	if p.TriesLeft(a, now+1) != 0 {
		t.Fatal("tries left while locked")
	}
	after := now + 5*60_000
	if err := p.Check(a, after); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	if p.TriesLeft(a, after) != 5 {
		t.Fatalf("after the lock %d tries left, want 5", p.TriesLeft(a, after))
	}
	// A success resets the counter.
	a, _ = p.Fail(a, after)
	a, _ = p.Fail(a, after)
	a = p.Succeed(a)
	if a != (Attempts{}) || p.TriesLeft(a, after) != 5 {
		t.Fatalf("after success: %+v", a)
	}
}

func TestLockoutConfigurable(t *testing.T) {
	p := Policy{MaxTries: 3, LockFor: time.Minute}
	a, _ := p.Fail(Attempts{}, 0)
	a, _ = p.Fail(a, 0)
	a, err := p.Fail(a, 0)
	var le *LockedError
	if !errors.As(err, &le) || le.UntilMS != 60_000 {
		t.Fatalf("third wrong PIN under MaxTries 3: %v", err)
	}
	// Zero fields fall back to the defaults.
	var z Policy
	if _, err := z.Fail(Attempts{}, 0); err.(*WrongPINError).TriesLeft != 4 {
		t.Fatalf("zero policy: %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	m := Member{ID: "s1", Name: "王老师"}
	s := Start(m, 1000)
	if s.Name != "王老师" || s.Expired(1000, 0) {
		t.Fatalf("new session %+v", s)
	}
	idle := 3 * time.Minute
	if s.Expired(1000+idle.Milliseconds()-1, idle) {
		t.Fatal("expired before the idle time")
	}
	if !s.Expired(1000+idle.Milliseconds(), idle) {
		t.Fatal("not expired after the idle time")
	}
	s = s.Touch(100_000)
	if s.Expired(100_000+idle.Milliseconds()-1, idle) || s.StartedMS != 1000 {
		t.Fatalf("touch did not extend: %+v", s)
	}
	if s.Touch(50_000).LastActivityMS != 100_000 {
		t.Fatal("a touch with an earlier clock moved the activity back")
	}
	if !s.Expired(100_000-2*60_000, idle) {
		t.Fatal("a clock two minutes back keeps the session")
	}
	if !(Session{}).Expired(0, idle) {
		t.Fatal("the zero session is not expired")
	}
	if (Member{ID: "x"}).Label() != "x" {
		t.Fatal("label of an unnamed member")
	}
}
