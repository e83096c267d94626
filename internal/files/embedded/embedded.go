// Package embedded is the default files.Files: an IPFS blockstore (flatfs,
// as Kubo uses) in the data folder, filled by boxo's UnixFS importer with
// the parameters of `ipfs add --cid-version=1`, so CIDs match Kubo's.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	chunker "github.com/ipfs/boxo/chunker"
	"github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/boxo/ipld/unixfs/importer/balanced"
	"github.com/ipfs/boxo/ipld/unixfs/importer/helpers"
	uio "github.com/ipfs/boxo/ipld/unixfs/io"
	"github.com/ipfs/go-cid"
	flatfs "github.com/ipfs/go-ds-flatfs"
	ipld "github.com/ipfs/go-ipld-format"
	mh "github.com/multiformats/go-multihash"

	"github.com/acanban/acanban/internal/files"
)

// The importer's parameters: those of `ipfs add --cid-version=1`.
const (
	ChunkSize = 256 << 10
	MaxLinks  = 174 // helpers.DefaultLinksPerBlock, as Kubo uses
)

// Store is an embedded IPFS file store.
type Store struct {
	ds  *flatfs.Datastore
	dag ipld.DAGService
}

var _ files.Files = (*Store)(nil)

// Open opens (creating if needed) the blockstore in dir. Blocks are synced
// to disk before Add returns, so an acknowledged upload survives a crash.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded files: %w", err)
	}
	ds, err := flatfs.CreateOrOpen(dir, flatfs.NextToLast(2), true)
	if err != nil {
		return nil, fmt.Errorf("embedded files: open %s: %w", dir, err)
	}
	bs := blockstore.NewBlockstoreNoPrefix(ds)
	return &Store{ds: ds, dag: merkledag.NewDAGService(blockservice.New(bs, nil))}, nil
}

// Close closes the blockstore.
func (s *Store) Close() error { return s.ds.Close() }

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Add imports r as a UnixFS file.
func (s *Store) Add(ctx context.Context, name string, r io.Reader) (files.Stat, error) {
	cr := &countingReader{r: r}
	params := helpers.DagBuilderParams{
		Maxlinks:   MaxLinks,
		RawLeaves:  true,
		CidBuilder: cid.V1Builder{Codec: cid.DagProtobuf, MhType: mh.SHA2_256},
		Dagserv:    s.dag,
	}
	db, err := params.New(chunker.NewSizeSplitter(cr, ChunkSize))
	if err != nil {
		return files.Stat{}, fmt.Errorf("add %s: %w", name, err)
	}
	nd, err := balanced.Layout(db)
	if err != nil {
		return files.Stat{}, fmt.Errorf("add %s: %w", name, err)
	}
	return files.Stat{CID: nd.Cid().String(), Size: cr.n}, nil
}

func (s *Store) node(ctx context.Context, c string) (ipld.Node, error) {
	id, err := cid.Decode(c)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not a CID", files.ErrNotFound, c)
	}
	nd, err := s.dag.Get(ctx, id)
	if ipld.IsNotFound(err) {
		return nil, fmt.Errorf("%w: %s", files.ErrNotFound, c)
	}
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", c, err)
	}
	return nd, nil
}

type file struct{ uio.DagReader }

func (f file) Size() int64 { return int64(f.DagReader.Size()) }

// Open returns a seekable reader of the file.
func (s *Store) Open(ctx context.Context, c string) (files.File, error) {
	nd, err := s.node(ctx, c)
	if err != nil {
		return nil, err
	}
	r, err := uio.NewDagReader(ctx, nd, s.dag)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", c, err)
	}
	return file{r}, nil
}

// Stat returns the file's size.
func (s *Store) Stat(ctx context.Context, c string) (files.Stat, error) {
	f, err := s.Open(ctx, c)
	if err != nil {
		return files.Stat{}, err
	}
	defer f.Close()
	return files.Stat{CID: c, Size: f.Size()}, nil
}

// Has reports whether the root block of c is stored.
func (s *Store) Has(ctx context.Context, c string) (bool, error) {
	_, err := s.node(ctx, c)
	if errors.Is(err, files.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
