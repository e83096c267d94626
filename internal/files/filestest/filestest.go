// Package filestest is the conformance suite every files.Files must pass
// unchanged. An implementation's test calls Run with a function that opens
// a fresh store.
package filestest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/acanban/acanban/internal/files"
)

// Opener returns a fresh store; the suite closes it.
type Opener func(t *testing.T) files.Files

// Sizes are the lengths the suite stores: empty, one byte, one chunk,
// one chunk and a byte, and enough chunks for a two-level tree.
var Sizes = []int{0, 1, 262144, 262145, 3 << 20}

// Data returns n pseudo-random bytes, the same for the same n and seed.
func Data(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// EmptyFileCID is the CID of no bytes: one empty raw block.
const EmptyFileCID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"

// Run runs the whole suite.
func Run(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, s files.Files)
	}{
		{"RoundTrip", testRoundTrip},
		{"SameBytesSameCID", testSameCID},
		{"Seek", testSeek},
		{"Missing", testMissing},
		{"ConcurrentAdds", testConcurrentAdds},
		{"FailingReader", testFailingReader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

func mustAdd(t *testing.T, s files.Files, b []byte) files.Stat {
	t.Helper()
	st, err := s.Add(context.Background(), "test.bin", bytes.NewReader(b))
	if err != nil {
		t.Fatalf("Add(%d bytes): %v", len(b), err)
	}
	return st
}

func testRoundTrip(t *testing.T, s files.Files) {
	ctx := context.Background()
	for _, n := range Sizes {
		b := Data(n, 1)
		st := mustAdd(t, s, b)
		if st.Size != int64(n) {
			t.Errorf("Add(%d bytes) size = %d", n, st.Size)
		}
		if c, err := files.ParseCID(st.CID); err != nil || c != st.CID || !strings.HasPrefix(c, "baf") {
			t.Errorf("Add(%d bytes) CID %q is not a canonical CIDv1 (%v)", n, st.CID, err)
		}
		if n == 0 && st.CID != EmptyFileCID {
			t.Errorf("CID of no bytes = %s; want %s", st.CID, EmptyFileCID)
		}
		f, err := s.Open(ctx, st.CID)
		if err != nil {
			t.Fatalf("Open(%s): %v", st.CID, err)
		}
		got, err := io.ReadAll(f)
		f.Close()
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("read back %d bytes of %d (%v); equal %v", len(got), n, err, bytes.Equal(got, b))
		}
		if f.Size() != int64(n) {
			t.Errorf("File.Size() = %d; want %d", f.Size(), n)
		}
		if stat, err := s.Stat(ctx, st.CID); err != nil || stat.Size != int64(n) || stat.CID != st.CID {
			t.Errorf("Stat(%s) = %+v, %v; want size %d", st.CID, stat, err, n)
		}
		if ok, err := s.Has(ctx, st.CID); err != nil || !ok {
			t.Errorf("Has(%s) = %v, %v; want true", st.CID, ok, err)
		}
	}
}

func testSameCID(t *testing.T, s files.Files) {
	a := mustAdd(t, s, Data(300000, 7))
	b := mustAdd(t, s, Data(300000, 7))
	c := mustAdd(t, s, Data(300000, 8))
	if a.CID != b.CID {
		t.Errorf("the same bytes gave %s and %s", a.CID, b.CID)
	}
	if a.CID == c.CID {
		t.Errorf("different bytes gave the same CID %s", a.CID)
	}
}

func testSeek(t *testing.T, s files.Files) {
	b := Data(600000, 3)
	st := mustAdd(t, s, b)
	f, err := s.Open(context.Background(), st.CID)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		offset int64
		whence int
		at     int64
	}{
		{10, io.SeekStart, 10}, {262140, io.SeekStart, 262140}, {-100, io.SeekEnd, 600000 - 100},
		{5, io.SeekCurrent, 600000 - 100 + 16 + 5}, {0, io.SeekStart, 0},
	} {
		pos, err := f.Seek(c.offset, c.whence)
		if err != nil || pos != c.at {
			t.Fatalf("Seek(%d, %d) = %d, %v; want %d", c.offset, c.whence, pos, err, c.at)
		}
		buf := make([]byte, 16)
		n, err := io.ReadFull(f, buf)
		want := b[c.at:min(c.at+16, int64(len(b)))]
		if !bytes.Equal(buf[:n], want) {
			t.Errorf("after Seek to %d read %x (%v); want %x", c.at, buf[:n], err, want)
		}
	}
}

func testMissing(t *testing.T, s files.Files) {
	ctx := context.Background()
	other := "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy" // a valid CID never added
	if _, err := s.Open(ctx, other); !errors.Is(err, files.ErrNotFound) {
		t.Errorf("Open(unknown) = %v; want ErrNotFound", err)
	}
	if _, err := s.Stat(ctx, other); !errors.Is(err, files.ErrNotFound) {
		t.Errorf("Stat(unknown) = %v; want ErrNotFound", err)
	}
	if ok, err := s.Has(ctx, other); ok || err != nil {
		t.Errorf("Has(unknown) = %v, %v; want false, nil", ok, err)
	}
	if _, err := s.Open(ctx, "not-a-cid"); !errors.Is(err, files.ErrNotFound) {
		t.Errorf("Open(not-a-cid) = %v; want ErrNotFound", err)
	}
}

func testConcurrentAdds(t *testing.T, s files.Files) {
	const n = 8
	var wg sync.WaitGroup
	stats := make([]files.Stat, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			stats[i], errs[i] = s.Add(context.Background(), fmt.Sprint(i), bytes.NewReader(Data(300000, uint64(i%4))))
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("concurrent Add %d: %v", i, errs[i])
		}
		if stats[i].CID != stats[i%4].CID {
			t.Errorf("concurrent adds of the same bytes gave %s and %s", stats[i].CID, stats[i%4].CID)
		}
		f, err := s.Open(context.Background(), stats[i].CID)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(got, Data(300000, uint64(i%4))) {
			t.Errorf("concurrent add %d reads back wrong bytes", i)
		}
	}
}

var errBroken = errors.New("broken upload")

type failingReader struct{ left int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, errBroken
	}
	n := min(len(p), r.left)
	r.left -= n
	return n, nil
}

// A reader that fails midway (an upload cut short) makes Add fail with
// that error, not store a truncated file.
func testFailingReader(t *testing.T, s files.Files) {
	_, err := s.Add(context.Background(), "cut.bin", &failingReader{left: 400000})
	if err == nil {
		t.Fatal("Add of a reader that failed returned no error")
	}
}
