package kubo_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/acanban/acanban/internal/files"
	"github.com/acanban/acanban/internal/files/embedded"
	"github.com/acanban/acanban/internal/files/filestest"
	"github.com/acanban/acanban/internal/files/kubo"
	"github.com/acanban/acanban/internal/files/kubo/kubotest"
)

func TestConformance(t *testing.T) {
	d := kubotest.Start(t)
	filestest.Run(t, func(t *testing.T) files.Files {
		s, err := kubo.New(d.API)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestSameCIDsAsEmbedded adds the same bytes to a real Kubo node and to the
// embedded store: the CIDs are equal, byte for byte.
func TestSameCIDsAsEmbedded(t *testing.T) {
	d := kubotest.Start(t)
	k, err := kubo.New(d.API)
	if err != nil {
		t.Fatal(err)
	}
	e, err := embedded.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	for _, n := range []int{0, 1, 262144, 262145, 10 << 20} {
		b := filestest.Data(n, 42)
		ks, err := k.Add(ctx, "f", bytes.NewReader(b))
		if err != nil {
			t.Fatalf("kubo add %d bytes: %v", n, err)
		}
		es, err := e.Add(ctx, "f", bytes.NewReader(b))
		if err != nil {
			t.Fatalf("embedded add %d bytes: %v", n, err)
		}
		if ks.CID != es.CID || ks.Size != es.Size {
			t.Errorf("%d bytes: kubo %s (%d), embedded %s (%d); want the same", n, ks.CID, ks.Size, es.CID, es.Size)
		}
	}
}

// TestUnavailable: with the node stopped, every call fails with
// ErrUnavailable, and works again when it is back.
func TestUnavailable(t *testing.T) {
	d := kubotest.Start(t)
	k, err := kubo.New(d.API)
	if err != nil {
		t.Fatal(err)
	}
	st, err := k.Add(context.Background(), "f", bytes.NewReader([]byte("before")))
	if err != nil {
		t.Fatal(err)
	}
	d.Stop()
	ctx := context.Background()
	if _, err := k.Add(ctx, "f", bytes.NewReader([]byte("hello"))); !errors.Is(err, files.ErrUnavailable) {
		t.Errorf("Add with the node down = %v; want ErrUnavailable", err)
	}
	if _, err := k.Open(ctx, st.CID); !errors.Is(err, files.ErrUnavailable) {
		t.Errorf("Open with the node down = %v; want ErrUnavailable", err)
	}
	if _, err := kubo.New("127.0.0.1:5001"); err == nil {
		t.Error("an API address without scheme was accepted")
	}
}
