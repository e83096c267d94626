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

	// writing is held (shared) while an Add records and writes a block,
	// and (alone) while Collect removes a batch of blocks: a block is
	// either recorded before Collect removes it, or written again after.
	writing sync.RWMutex
	// collecting lets one Collect run at a time.
	collecting sync.Mutex

	mu sync.Mutex
	// adding holds, for each Add under way, the blocks it wrote (by
	// multihash): Collect keeps them.
	adding map[*adder]struct{}
	// recent holds the roots added lately, which Collect keeps: their
	// records reach the database a moment after Add returns.
	recent map[string]time.Time
	// dirty, while Collect runs, holds every block written (or found
	// already there) since it began: Collect keeps them.
	dirty map[string]struct{}

	// beforeRemove, in tests, runs between Collect's listing and its
	// removals.
	beforeRemove func()
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
		h := string(nd.Cid().Hash())
		a.written[h] = struct{}{}
		if a.s.dirty != nil {
			a.s.dirty[h] = struct{}{}
		}
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

// Collected is what Collect did.
type Collected struct {
	Blocks int   // blocks removed
	Bytes  int64 // their size
	// NotCIDs counts the values of keep that are not CIDs (skipped).
	NotCIDs int
}

// collectBatch is how many blocks Collect removes at a time, holding up
// the writes of uploads meanwhile.
const collectBatch = 500

// Collect removes the blocks that belong to no file of keep (CIDs, as the
// database lists them), to no file added within grace, and to no Add under
// way: those of uploads cut short or refused, and of files whose record
// was never written. It marks and lists without holding up uploads, and
// removes in batches of collectBatch, during which uploads pause their
// writes. A cancelled ctx stops it between batches.
func (s *Store) Collect(ctx context.Context, keep []string, grace time.Duration) (Collected, error) {
	s.collecting.Lock()
	defer s.collecting.Unlock()
	var out Collected
	roots := make([]cid.Cid, 0, len(keep))
	for _, k := range keep {
		c, err := cid.Decode(k)
		if err != nil {
			out.NotCIDs++
			continue
		}
		roots = append(roots, c)
	}
	// From now on every block written is kept (dirty); so are those of
	// the Adds under way, and the files added within grace.
	marked := map[string]bool{}
	s.mu.Lock()
	s.dirty = map[string]struct{}{}
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
	defer func() {
		s.mu.Lock()
		s.dirty = nil
		s.mu.Unlock()
	}()

	// Mark every block of the kept files, by multihash (the blockstore's
	// key). Raw leaves are marked without being read. Nothing else removes
	// blocks, so the files' blocks stay as they are read.
	visited := map[string]bool{} // nodes read (raw leaves are not)
	for len(roots) > 0 {
		c := roots[len(roots)-1]
		roots = roots[:len(roots)-1]
		h := string(c.Hash())
		marked[h] = true
		if c.Type() == cid.Raw || visited[h] {
			continue
		}
		visited[h] = true
		nd, err := s.dag.Get(ctx, c)
		if ipld.IsNotFound(err) {
			continue // a file whose blocks are gone: nothing of it to keep
		}
		if err != nil {
			return out, fmt.Errorf("collect: read %s: %w", c, err)
		}
		for _, l := range nd.Links() {
			roots = append(roots, l.Cid)
		}
	}

	// List the others.
	keys, err := s.bs.AllKeysChan(ctx)
	if err != nil {
		return out, fmt.Errorf("collect: list blocks: %w", err)
	}
	var unmarked []cid.Cid
	for c := range keys {
		if !marked[string(c.Hash())] {
			unmarked = append(unmarked, c)
		}
	}
	if err := ctx.Err(); err != nil {
		return out, err
	}

	// Remove them, batch by batch, but those written since the start.
	if s.beforeRemove != nil {
		s.beforeRemove()
	}
	for len(unmarked) > 0 {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		batch := unmarked[:min(collectBatch, len(unmarked))]
		unmarked = unmarked[len(batch):]
		if err := s.remove(ctx, batch, &out); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (s *Store) remove(ctx context.Context, batch []cid.Cid, out *Collected) error {
	s.writing.Lock()
	defer s.writing.Unlock()
	for _, c := range batch {
		s.mu.Lock()
		_, written := s.dirty[string(c.Hash())]
		s.mu.Unlock()
		if written {
			continue
		}
		size, _ := s.bs.GetSize(ctx, c)
		if err := s.bs.DeleteBlock(ctx, c); err != nil {
			return fmt.Errorf("collect: remove %s: %w", c, err)
		}
		out.Blocks++
		out.Bytes += int64(max(size, 0))
	}
	return nil
}
