// Package kubo is a files.Files on a Kubo (go-ipfs) node, through its HTTP
// RPC API (the -ipfs-api setting, such as http://127.0.0.1:5001). Uploads
// are added with CIDv1 and pinned; several Acanban instances can share one
// node, or a cluster behind one API address.
package kubo

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/acanban/acanban/internal/files"
)

// Store is a Kubo node seen through its RPC API.
type Store struct {
	api    string // http://host:port
	client *http.Client
}

var _ files.Files = (*Store)(nil)

// New returns a store on the node whose RPC API is at api. It does not
// contact the node: a node down at start makes uploads fail with
// files.ErrUnavailable until it is back.
func New(api string) (*Store, error) {
	u, err := url.Parse(api)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("kubo: %q is not an API address such as http://127.0.0.1:5001", api)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 32
	tr.ResponseHeaderTimeout = 5 * time.Minute // adds of large files answer at the end
	return &Store{api: strings.TrimRight(u.String(), "/"), client: &http.Client{Transport: tr}}, nil
}

// Close releases idle connections.
func (s *Store) Close() error {
	s.client.CloseIdleConnections()
	return nil
}

// rpcError is the body of a failed RPC call.
type rpcError struct {
	Message string
	Code    int
}

// call posts an RPC command and returns the response for the caller to
// read and close, or an error mapped to files.ErrUnavailable or
// files.ErrNotFound.
func (s *Store) call(ctx context.Context, cmd string, args url.Values, body io.Reader, contentType string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.api+"/api/v0/"+cmd+"?"+args.Encode(), body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := s.client.Do(req)
	if err != nil {
		var ne net.Error
		var oe *net.OpError
		if errors.As(err, &oe) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("%w: Kubo at %s: %v", files.ErrUnavailable, s.api, err)
		}
		return nil, fmt.Errorf("kubo %s: %w", cmd, err)
	}
	if res.StatusCode == http.StatusOK {
		return res, nil
	}
	defer res.Body.Close()
	var e rpcError
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if json.Unmarshal(b, &e) != nil || e.Message == "" {
		e.Message = strings.TrimSpace(string(b))
	}
	switch {
	case strings.Contains(e.Message, "not found") || strings.Contains(e.Message, "invalid path") ||
		strings.Contains(e.Message, "invalid cid") || strings.Contains(e.Message, "failed to decode"):
		return nil, fmt.Errorf("%w: %s", files.ErrNotFound, e.Message)
	case res.StatusCode >= 500 && e.Message == "":
		return nil, fmt.Errorf("%w: Kubo at %s answered %s", files.ErrUnavailable, s.api, res.Status)
	}
	return nil, fmt.Errorf("kubo %s: %s (%s)", cmd, e.Message, res.Status)
}

type counter struct {
	r io.Reader
	n int64
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Add streams r to the node (ipfs add --cid-version=1 --pin) without
// holding it in memory.
func (s *Store) Add(ctx context.Context, name string, r io.Reader) (files.Stat, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	cr := &counter{r: r}
	go func() {
		part, err := mw.CreateFormFile("file", sanitize(name))
		if err == nil {
			_, err = io.Copy(part, cr)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	args := url.Values{"cid-version": {"1"}, "pin": {"true"}, "quieter": {"true"}, "progress": {"false"}}
	res, err := s.call(ctx, "add", args, pr, mw.FormDataContentType())
	if err != nil {
		pr.CloseWithError(err)
		return files.Stat{}, fmt.Errorf("add %s: %w", name, err)
	}
	defer res.Body.Close()
	var out struct{ Hash string }
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() { // one JSON object per line; the last names the file
		var line struct {
			Hash    string
			Message string
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil {
			if line.Message != "" {
				return files.Stat{}, fmt.Errorf("add %s: kubo: %s", name, line.Message)
			}
			if line.Hash != "" {
				out.Hash = line.Hash
			}
		}
	}
	if err := sc.Err(); err != nil {
		return files.Stat{}, fmt.Errorf("add %s: %w", name, err)
	}
	if out.Hash == "" {
		return files.Stat{}, fmt.Errorf("add %s: kubo answered no CID", name)
	}
	return files.Stat{CID: out.Hash, Size: cr.n}, nil
}

// sanitize keeps a file name safe for a multipart header.
func sanitize(name string) string {
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == '"' || r == '\\' || r == '/' {
			return '_'
		}
		return r
	}, name)
	if name == "" {
		return "file"
	}
	return name
}

// Stat returns the file's size.
func (s *Store) Stat(ctx context.Context, c string) (files.Stat, error) {
	cc, err := files.ParseCID(c)
	if err != nil {
		return files.Stat{}, fmt.Errorf("%w: %q is not a CID", files.ErrNotFound, c)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := s.call(ctx, "files/stat", url.Values{"arg": {"/ipfs/" + cc}}, nil, "")
	if err != nil {
		return files.Stat{}, fmt.Errorf("stat %s: %w", c, err)
	}
	defer res.Body.Close()
	var st struct {
		Hash string
		Size int64
		Type string
	}
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		return files.Stat{}, fmt.Errorf("stat %s: %w", c, err)
	}
	return files.Stat{CID: cc, Size: st.Size}, nil
}

// Has reports whether the node holds the file's root block, without
// fetching it from the network.
func (s *Store) Has(ctx context.Context, c string) (bool, error) {
	cc, err := files.ParseCID(c)
	if err != nil {
		return false, nil
	}
	res, err := s.call(ctx, "block/stat", url.Values{"arg": {cc}, "offline": {"true"}}, nil, "")
	if errors.Is(err, files.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	res.Body.Close()
	return true, nil
}

// Open returns a seekable reader; each seek starts a new ranged cat.
func (s *Store) Open(ctx context.Context, c string) (files.File, error) {
	st, err := s.Stat(ctx, c)
	if err != nil {
		return nil, err
	}
	return &file{s: s, ctx: ctx, cid: st.CID, size: st.Size}, nil
}

type file struct {
	s    *Store
	ctx  context.Context
	cid  string
	size int64
	pos  int64
	body io.ReadCloser
}

func (f *file) Size() int64 { return f.size }

func (f *file) Read(p []byte) (int, error) {
	if f.pos >= f.size {
		return 0, io.EOF
	}
	if f.body == nil {
		res, err := f.s.call(f.ctx, "cat", url.Values{"arg": {f.cid}, "offset": {strconv.FormatInt(f.pos, 10)}}, nil, "")
		if err != nil {
			return 0, err
		}
		f.body = res.Body
	}
	n, err := f.body.Read(p)
	f.pos += int64(n)
	if err == io.EOF && f.pos < f.size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (f *file) Seek(offset int64, whence int) (int64, error) {
	var to int64
	switch whence {
	case io.SeekStart:
		to = offset
	case io.SeekCurrent:
		to = f.pos + offset
	case io.SeekEnd:
		to = f.size + offset
	default:
		return f.pos, fmt.Errorf("kubo: bad whence %d", whence)
	}
	if to < 0 {
		return f.pos, errors.New("kubo: seek before the start")
	}
	if to != f.pos && f.body != nil {
		f.body.Close()
		f.body = nil
	}
	f.pos = to
	return to, nil
}

func (f *file) Close() error {
	if f.body != nil {
		return f.body.Close()
	}
	return nil
}
