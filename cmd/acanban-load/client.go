package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// newTransport returns the transport that every simulated user shares:
// enough idle connections per host that each user keeps its own alive
// between actions, instead of opening (and leaving in TIME_WAIT) a new one
// per request until the machine runs out of ports.
func newTransport(users int) *http.Transport {
	idle := users + 16
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          idle,
		MaxIdleConnsPerHost:   idle,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		// HTTP/1.1 only (a custom DialContext turns HTTP/2 off): one
		// connection per user, as separate browsers would have, rather
		// than every user multiplexed on one.
	}
}

// client is one user's browser: its own cookie jar, the shared transport,
// and no redirect following (a 303 is the answer to a successful POST).
type client struct {
	base string // target URL without a trailing slash
	hc   *http.Client
}

func newClient(base string, tr http.RoundTripper, timeout time.Duration) *client {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &client{base: base, hc: &http.Client{
		Transport: tr,
		Jar:       jar,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// request is one HTTP request of a user.
type request struct {
	method, path string
	form         url.Values // sent urlencoded, if not nil
	body         []byte     // sent as is, with contentType, if form is nil
	contentType  string
	keepBody     bool // return the body of a successful answer
}

// response is what a request's answer carries that the generator uses.
type response struct {
	status   int
	location string
	body     []byte // only with keepBody
}

// statusError is an answer with a status of 400 or more.
type statusError struct {
	method, path string
	status       int
	message      string // the page's error message, if found
}

func (e *statusError) Error() string {
	s := fmt.Sprintf("%s %s: %d %s", e.method, e.path, e.status, http.StatusText(e.status))
	if e.message != "" {
		s += ": " + e.message
	}
	return s
}

// do sends req and reads the whole answer (so that the latency includes
// the body and the connection goes back to the pool).
func (c *client) do(ctx context.Context, req request) (response, error) {
	var body io.Reader
	ct := req.contentType
	if req.form != nil {
		body, ct = strings.NewReader(req.form.Encode()), "application/x-www-form-urlencoded"
	} else if req.body != nil {
		body = bytes.NewReader(req.body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.method, c.base+req.path, body)
	if err != nil {
		return response{}, err
	}
	if ct != "" {
		hr.Header.Set("Content-Type", ct)
	}
	resp, err := c.hc.Do(hr)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", req.method, req.path, err)
	}
	defer resp.Body.Close()
	r := response{status: resp.StatusCode, location: resp.Header.Get("Location")}
	if resp.StatusCode >= 400 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		io.Copy(io.Discard, resp.Body)
		return r, &statusError{method: req.method, path: req.path, status: resp.StatusCode, message: pageError(b)}
	}
	if req.keepBody {
		r.body, err = io.ReadAll(resp.Body)
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	if err != nil {
		return r, fmt.Errorf("%s %s: read the answer: %w", req.method, req.path, err)
	}
	return r, nil
}

// post sends a form and requires a 303 (what every successful form post
// answers), returning its Location.
func (c *client) post(ctx context.Context, path string, form url.Values) (string, error) {
	r, err := c.do(ctx, request{method: http.MethodPost, path: path, form: form})
	if err != nil {
		return "", err
	}
	if r.status != http.StatusSeeOther {
		return "", fmt.Errorf("POST %s: %d %s instead of 303 See Other", path, r.status, http.StatusText(r.status))
	}
	return r.location, nil
}

// get returns the body of a page.
func (c *client) get(ctx context.Context, path string) ([]byte, error) {
	r, err := c.do(ctx, request{method: http.MethodGet, path: path, keepBody: true})
	return r.body, err
}

var (
	alertRe = regexp.MustCompile(`role="alert"[^>]*>([^<]*)`)
	titleRe = regexp.MustCompile(`<title>([^<]*)`)
)

// pageError is the error message shown on an error page, or its title.
func pageError(page []byte) string {
	m := alertRe.FindSubmatch(page)
	if m == nil {
		m = titleRe.FindSubmatch(page)
	}
	if m == nil {
		return ""
	}
	s := strings.Join(strings.Fields(html.UnescapeString(string(m[1]))), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// errorKind classifies a failed request for the report: "status 500",
// "timeout", "connection refused" …
func errorKind(err error) string {
	var se *statusError
	var ne net.Error
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("status %d", se.status)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "no local port free"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	return "transport error"
}
