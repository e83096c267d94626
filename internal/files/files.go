// Package files defines Files, Acanban's content-addressed file store:
// every uploaded file is an IPFS object named by its CIDv1, and only its
// metadata goes to the database. Implementations live in sub-packages
// (embedded: an IPFS blockstore in the data folder; kubo: a Kubo node over
// its HTTP RPC API) and must pass the conformance suite in filestest.
package files

import (
	"context"
	"errors"
	"io"

	"github.com/ipfs/go-cid"
)

// Errors every implementation returns, wrapped with context.
var (
	// ErrNotFound: the store does not hold that CID.
	ErrNotFound = errors.New("files: not found")
	// ErrUnavailable: the store cannot be reached (a Kubo node down).
	ErrUnavailable = errors.New("files: store unavailable")
)

// Stat describes a stored file.
type Stat struct {
	CID  string // CIDv1, base32 ("bafy…" or, for one raw block, "bafk…")
	Size int64  // bytes of content
}

// File is a stored file open for reading.
type File interface {
	io.ReadSeekCloser
	Size() int64
}

// Files is a content-addressed file store. The same bytes give the same
// CID in every implementation: that of `ipfs add --cid-version=1` (UnixFS,
// raw leaves, 256 KiB chunks, balanced layout, 174 links per node).
type Files interface {
	// Add stores the bytes of r, read to the end, and returns their CID and
	// size; name is for logs and for stores that keep one.
	Add(ctx context.Context, name string, r io.Reader) (Stat, error)
	// Open returns a seekable reader of the file with this CID.
	Open(ctx context.Context, cid string) (File, error)
	// Stat returns the size of the file with this CID.
	Stat(ctx context.Context, cid string) (Stat, error)
	// Has reports whether the store holds the whole file root of this CID.
	Has(ctx context.Context, cid string) (bool, error)
	Close() error
}

// ParseCID checks that s is a CID and returns it in its canonical CIDv1
// base32 form; a CIDv0 ("Qm…") is converted.
func ParseCID(s string) (string, error) {
	c, err := cid.Decode(s)
	if err != nil {
		return "", err
	}
	if c.Version() == 0 {
		c = cid.NewCidV1(c.Type(), c.Hash())
	}
	return c.String(), nil
}
