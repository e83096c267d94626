package embedded

import (
	"bytes"
	"context"
	"io"
	"testing"
)

// A block listed as unused, then written again by an upload before the
// removals (the same bytes uploaded anew), is kept.
func TestCollectKeepsBlocksWrittenMeanwhile(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	data := []byte("uploaded, refused, uploaded again")
	old, err := s.Add(ctx, "a.txt", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var again string
	s.beforeRemove = func() {
		st, err := s.Add(ctx, "a.txt", bytes.NewReader(data)) // the blockstore finds the block there already
		if err != nil {
			t.Error(err)
		}
		again = st.CID
	}
	got, err := s.Collect(ctx, nil, 0) // the first add is past the grace: its block is listed
	if err != nil {
		t.Fatal(err)
	}
	if again != old.CID || got.Blocks != 0 {
		t.Errorf("collection removed %+v while the same file was added again (%s, %s); want nothing", got, again, old.CID)
	}
	f, err := s.Open(ctx, again)
	if err != nil {
		t.Fatalf("the file added during the collection: %v", err)
	}
	defer f.Close()
	if b, _ := io.ReadAll(f); !bytes.Equal(b, data) {
		t.Errorf("read %q; want %q", b, data)
	}
}
