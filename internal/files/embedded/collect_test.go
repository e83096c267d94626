package embedded_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/files/embedded"
)

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// cutReader gives n bytes of b, then fails: an upload cut short.
type cutReader struct {
	b []byte
	n int
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, errors.New("connection reset")
	}
	k := copy(p, c.b[:min(len(c.b), c.n, len(p))])
	c.b, c.n = c.b[k:], c.n-k
	return k, nil
}

func mustRead(t *testing.T, s *embedded.Store, cid string, want []byte) {
	t.Helper()
	f, err := s.Open(context.Background(), cid)
	if err != nil {
		t.Fatalf("open %s: %v", cid, err)
	}
	defer f.Close()
	got, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %s: %d bytes, %v; want the %d bytes added", cid, len(got), err, len(want))
	}
}

// Collect removes the blocks of uploads cut short and of files no record
// names, keeps those of the files named (blocks they share included) and
// of files added within the grace period.
func TestCollect(t *testing.T) {
	ctx := context.Background()
	s, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	kept := randomBytes(1, 3*embedded.ChunkSize+100) // 4 leaves and a root
	a, err := s.Add(ctx, "kept.pdf", bytes.NewReader(kept))
	if err != nil {
		t.Fatal(err)
	}
	small := []byte("one block, no record")
	orphan, err := s.Add(ctx, "orphan.txt", bytes.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	// An upload cut short after two chunks, the first the same as the kept
	// file's (shared), the second its own.
	cut := append(append([]byte{}, kept[:embedded.ChunkSize]...), randomBytes(2, 2*embedded.ChunkSize)...)
	if _, err := s.Add(ctx, "cut.pdf", &cutReader{b: cut, n: 2*embedded.ChunkSize + 10}); err == nil {
		t.Fatal("an upload cut short was added")
	}

	// Within the grace period, the orphan stays.
	got, err := s.Collect(ctx, []string{a.CID}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got.Blocks != 1 || got.Bytes != embedded.ChunkSize {
		t.Errorf("first collection removed %+v; want the cut upload's own chunk (1 block, %d bytes)", got, embedded.ChunkSize)
	}
	if has, _ := s.Has(ctx, orphan.CID); !has {
		t.Error("a file added a moment ago was removed: its record may be on its way")
	}
	// Past it, the orphan goes; the kept file is whole.
	got, err = s.Collect(ctx, []string{a.CID}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Blocks != 1 || got.Bytes != int64(len(small)) {
		t.Errorf("second collection removed %+v; want the orphan (1 block, %d bytes)", got, len(small))
	}
	if has, _ := s.Has(ctx, orphan.CID); has {
		t.Error("the orphan is still there")
	}
	mustRead(t, s, a.CID, kept)
	if got, _ := s.Collect(ctx, []string{a.CID}, 0); got.Blocks != 0 {
		t.Errorf("a third collection removed %+v; want nothing", got)
	}
	// A value of the database that is not a CID is skipped, not fatal.
	if got, err := s.Collect(ctx, []string{"not a CID", a.CID}, 0); err != nil || got.NotCIDs != 1 || got.Blocks != 0 {
		t.Errorf("collection with a bad CID = %+v, %v; want it counted and nothing removed", got, err)
	}
	mustRead(t, s, a.CID, kept)
	// A file added again after its blocks went is whole again.
	if again, err := s.Add(ctx, "orphan.txt", bytes.NewReader(small)); err != nil || again.CID != orphan.CID {
		t.Fatalf("add again: %+v, %v", again, err)
	}
	mustRead(t, s, orphan.CID, small)
}

// An Add under way when Collect runs loses nothing: the blocks it wrote
// are kept, and a slow upload does not hold Collect (nor other uploads)
// back.
func TestCollectDuringAdd(t *testing.T) {
	ctx := context.Background()
	s, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	data := randomBytes(3, 5*embedded.ChunkSize)
	pr, pw := io.Pipe()
	var added struct {
		cid string
		err error
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		st, err := s.Add(ctx, "slow.pdf", pr)
		added.cid, added.err = st.CID, err
	})
	pw.Write(data[:2*embedded.ChunkSize]) // two leaves written, no root yet
	collected := make(chan error, 1)
	go func() {
		_, err := s.Collect(ctx, nil, time.Hour)
		collected <- err
	}()
	if err := <-collected; err != nil { // Collect ends while the Add waits for its bytes
		t.Fatal(err)
	}
	pw.Write(data[2*embedded.ChunkSize:])
	pw.Close()
	wg.Wait()
	if added.err != nil {
		t.Fatal(added.err)
	}
	mustRead(t, s, added.cid, data)
}

// A cancelled collection (the server stopping) removes nothing more.
func TestCollectCancelled(t *testing.T) {
	s, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	orphan, err := s.Add(context.Background(), "orphan.txt", bytes.NewReader([]byte("no record")))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Collect(ctx, nil, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled collection: %v; want context.Canceled", err)
	}
	if has, _ := s.Has(context.Background(), orphan.CID); !has {
		t.Error("a cancelled collection removed a block")
	}
}
