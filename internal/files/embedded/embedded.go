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
	"sync"
	"time"

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
	bs  blockstore.Blockstore
	dag ipld.DAGService

	// writing is held (shared) while an Add writes a block and records it,
	// and (alone) while Collect marks and sweeps: a block is either
	// recorded before Collect looks, or written again after it.
	writing sync.RWMutex
	mu      sync.Mutex
	// adding holds, for each Add under way, the blocks it wrote (by
	// multihash): Collect keeps them.
	adding map[*adder]struct{}
	// recent holds the roots added lately, which Collect keeps: their
	// records reach the database a moment after Add returns.
	recent map[string]time.Time
}

// adder is the DAG service of one Add: it records the blocks written.
type adder struct {
	ipld.DAGService
	s       *Store
	written map[string]struct{} // guarded by s.mu
}

func (a *adder) Add(ctx context.Context, nd ipld.Node) error {
	return a.AddMany(ctx, []ipld.Node{nd})
}

func (a *adder) AddMany(ctx context.Context, nds []ipld.Node) error {
	a.s.writing.RLock()
	defer a.s.writing.RUnlock()
	a.s.mu.Lock()
	for _, nd := range nds {
		a.written[string(nd.Cid().Hash())] = struct{}{}
	}
	a.s.mu.Unlock()
	return a.DAGService.AddMany(ctx, nds)
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
	return &Store{ds: ds, bs: bs, dag: merkledag.NewDAGService(blockservice.New(bs, nil)),
		adding: map[*adder]struct{}{}, recent: map[string]time.Time{}}, nil
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
	a := &adder{DAGService: s.dag, s: s, written: map[string]struct{}{}}
	s.mu.Lock()
	s.adding[a] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.adding, a)
		s.mu.Unlock()
	}()
	cr := &countingReader{r: r}
	params := helpers.DagBuilderParams{
		Maxlinks:   MaxLinks,
		RawLeaves:  true,
		CidBuilder: cid.V1Builder{Codec: cid.DagProtobuf, MhType: mh.SHA2_256},
		Dagserv:    a,
	}
	db, err := params.New(chunker.NewSizeSplitter(cr, ChunkSize))
	if err != nil {
		return files.Stat{}, fmt.Errorf("add %s: %w", name, err)
	}
	nd, err := balanced.Layout(db)
	if err != nil {
		return files.Stat{}, fmt.Errorf("add %s: %w", name, err)
	}
	s.mu.Lock()
	s.recent[nd.Cid().KeyString()] = time.Now()
	s.mu.Unlock()
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

// Collected is what Collect removed.
type Collected struct {
	Blocks int
	Bytes  int64
}

// Collect removes the blocks that belong to no file of keep (CIDs, as the
// database lists them), to no file added within grace, and to no Add under
// way: those of uploads cut short or refused, and of files whose record
// was never written. Adds under way pause their writes while it runs.
func (s *Store) Collect(ctx context.Context, keep []string, grace time.Duration) (Collected, error) {
	s.writing.Lock()
	defer s.writing.Unlock()
	roots := make([]cid.Cid, 0, len(keep))
	for _, k := range keep {
		c, err := cid.Decode(k)
		if err != nil {
			return Collected{}, fmt.Errorf("collect: the database names %q, not a CID", k)
		}
		roots = append(roots, c)
	}
	// Mark: every block of every kept file, by multihash (the blockstore's
	// key), and every block of the Adds under way. Raw leaves are marked
	// without being read.
	marked := map[string]bool{}
	s.mu.Lock()
	for k, at := range s.recent {
		if time.Since(at) > grace {
			delete(s.recent, k)
			continue
		}
		c, _ := cid.Cast([]byte(k))
		roots = append(roots, c)
	}
	for a := range s.adding {
		for h := range a.written {
			marked[h] = true
		}
	}
	s.mu.Unlock()
	visited := map[string]bool{}
	for len(roots) > 0 {
		c := roots[len(roots)-1]
		roots = roots[:len(roots)-1]
		if visited[string(c.Hash())] {
			continue
		}
		visited[string(c.Hash())] = true
		marked[string(c.Hash())] = true
		if c.Type() == cid.Raw {
			continue
		}
		nd, err := s.dag.Get(ctx, c)
		if ipld.IsNotFound(err) {
			continue // a file whose blocks are gone: nothing of it to keep
		}
		if err != nil {
			return Collected{}, fmt.Errorf("collect: read %s: %w", c, err)
		}
		for _, l := range nd.Links() {
			roots = append(roots, l.Cid)
		}
	}

	// Sweep.
	keys, err := s.bs.AllKeysChan(ctx)
	if err != nil {
		return Collected{}, fmt.Errorf("collect: list blocks: %w", err)
	}
	var out Collected
	var unmarked []cid.Cid
	for c := range keys {
		if !marked[string(c.Hash())] {
			unmarked = append(unmarked, c)
		}
	}
	if err := ctx.Err(); err != nil {
		return Collected{}, err
	}
	for _, c := range unmarked {
		size, _ := s.bs.GetSize(ctx, c)
		if err := s.bs.DeleteBlock(ctx, c); err != nil {
			return out, fmt.Errorf("collect: remove %s: %w", c, err)
		}
		out.Blocks++
		out.Bytes += int64(max(size, 0))
	}
	return out, nil
}
