package files_test

// Throughput of the two file stores, for docs/files.md (made by
// scripts/bench-files.sh): Add (import a file: chunk, hash, store, and for
// Kubo send it over its RPC API and pin it) and Open plus a full read, for
// files of 1 MiB and 32 MiB. b.SetBytes makes `go test -bench` report MB/s.
// The Kubo benchmarks start a real daemon (kubotest): without an ipfs
// binary they are skipped, except under CI=true where they fail.

import (
	"context"
	"encoding/binary"
	"io"
	"sync/atomic"
	"testing"

	"github.com/acanban/acanban/internal/files"
	"github.com/acanban/acanban/internal/files/embedded"
	"github.com/acanban/acanban/internal/files/filestest"
	"github.com/acanban/acanban/internal/files/kubo"
	"github.com/acanban/acanban/internal/files/kubo/kubotest"
)

var benchSizes = []struct {
	name string
	n    int
}{
	{"1MiB", 1 << 20},
	{"32MiB", 32 << 20},
}

// eachStore runs body as a sub-benchmark per store, on a new empty store:
// "embedded" in a temporary folder, "kubo" on a daemon of its own. The
// store is shared by body's sub-benchmarks and their -count runs.
func eachStore(b *testing.B, body func(b *testing.B, fs files.Files)) {
	b.Run("store=embedded", func(b *testing.B) {
		fs, err := embedded.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		defer fs.Close()
		body(b, fs)
	})
	b.Run("store=kubo", func(b *testing.B) {
		d := kubotest.Start(b) // skips without a binary, fails under CI=true
		fs, err := kubo.New(d.API)
		if err != nil {
			b.Fatal(err)
		}
		defer fs.Close()
		body(b, fs)
	})
}

// addSeq numbers the files added by BenchmarkAdd, across sub-benchmarks
// and -count runs, which share a store.
var addSeq atomic.Uint64

// makeUnique writes a new number at the start of every 256 KiB chunk of
// data, so that each iteration adds bytes the store has not seen: both
// stores skip the blocks they already hold, which would flatter the
// figures.
func makeUnique(data []byte) {
	i := addSeq.Add(1)
	for off := 0; off+8 <= len(data); off += embedded.ChunkSize {
		binary.LittleEndian.PutUint64(data[off:], i)
	}
}

func BenchmarkAdd(b *testing.B) {
	ctx := context.Background()
	eachStore(b, func(b *testing.B, fs files.Files) {
		for _, size := range benchSizes {
			b.Run("size="+size.name, func(b *testing.B) {
				data := filestest.Data(size.n, 1)
				b.SetBytes(int64(size.n))
				for b.Loop() {
					makeUnique(data)
					st, err := fs.Add(ctx, "bench.bin", bytesReader(data))
					if err != nil {
						b.Fatal(err)
					}
					if st.Size != int64(size.n) {
						b.Fatalf("Add stored %d bytes, want %d", st.Size, size.n)
					}
				}
			})
		}
	})
}

func BenchmarkOpenRead(b *testing.B) {
	ctx := context.Background()
	eachStore(b, func(b *testing.B, fs files.Files) {
		for _, size := range benchSizes {
			b.Run("size="+size.name, func(b *testing.B) {
				data := filestest.Data(size.n, 2)
				st, err := fs.Add(ctx, "bench.bin", bytesReader(data))
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(size.n))
				for b.Loop() {
					f, err := fs.Open(ctx, st.CID)
					if err != nil {
						b.Fatal(err)
					}
					n, err := io.Copy(io.Discard, f)
					f.Close()
					if err != nil {
						b.Fatal(err)
					}
					if n != int64(size.n) {
						b.Fatalf("read %d bytes of %s, want %d", n, st.CID, size.n)
					}
				}
			})
		}
	})
}

// bytesReader is a plain io.Reader over b: neither io.WriterTo nor
// io.Seeker, so that the stores read it as they read an upload.
func bytesReader(b []byte) io.Reader { return &plainReader{b: b} }

type plainReader struct{ b []byte }

func (r *plainReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}
