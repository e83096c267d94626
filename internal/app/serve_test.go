package app

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/config"
	"github.com/acanban/acanban/internal/domain"
)

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "acanban test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(priv)
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return cert, key
}

// start runs Serve until the test ends and returns the address it listens on.
func start(t *testing.T, cfg config.Config) (addr string, stopped <-chan error) {
	a, err := Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, func(addr string) { ready <- addr }) }()
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("Serve: %v", err)
	}
	return addr, done
}

func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	cfg := config.Config{Listen: "127.0.0.1:0", Data: filepath.Join(dir, "data"), Registration: domain.RegistrationOpen,
		TLSCert: cert, TLSKey: key, Domain: "acanban.example", HTTPListen: "127.0.0.1:0"}
	addr, _ := start(t, cfg)
	client := &http.Client{
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, ForceAttemptHTTP2: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Get("https://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.ProtoMajor != 2 {
		t.Errorf("GET /healthz over TLS: %d %s; want 200 over HTTP/2", res.StatusCode, res.Proto)
	}
	if !strings.Contains(res.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS header under TLS")
	}
	form := url.Values{"username": {"ada"}, "password": {"password-ada"}, "name": {"Ada"}, "email": {"ada@example.edu"}, "role": {"student"}}
	req, _ := http.NewRequest("POST", "https://"+addr+"/register", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if c := res.Header.Get("Set-Cookie"); res.StatusCode != 303 || !strings.Contains(c, "Secure") {
		t.Errorf("register over TLS: %d, cookie %q; want 303 and a Secure cookie", res.StatusCode, c)
	}
}

func TestRedirectToHTTPS(t *testing.T) {
	h := redirectToHTTPS("acanban.example")
	for method, code := range map[string]int{"GET": 301, "HEAD": 301, "POST": 308} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, "http://x/p/1/info?tab=a", nil))
		if rec.Code != code || rec.Header().Get("Location") != "https://acanban.example/p/1/info?tab=a" {
			t.Errorf("%s: %d to %q; want %d to https://acanban.example/p/1/info?tab=a", method, rec.Code, rec.Header().Get("Location"), code)
		}
	}
}

func TestOneServerPerDataFolder(t *testing.T) {
	dir := t.TempDir()
	unlock, err := LockDataFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockDataFolder(dir); err == nil || !strings.Contains(err.Error(), "data folder") ||
		!strings.Contains(err.Error(), fmt.Sprint(os.Getpid())) {
		t.Errorf("second lock on one data folder: %v; want a refusal naming the folder and the holder's pid", err)
	}
	unlock()
	unlock, err = LockDataFolder(dir)
	if err != nil {
		t.Errorf("lock after unlock: %v", err)
	} else {
		unlock()
	}
}

func TestShutdownLetsRequestsFinish(t *testing.T) {
	cfg := config.Config{Listen: "127.0.0.1:0", Data: t.TempDir(), Registration: domain.RegistrationOpen}
	a, err := Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, func(addr string) { ready <- addr }) }()
	addr := <-ready
	// A slow upload: the headers and half the body arrive before the
	// shutdown signal, the rest after. The request is in flight (its handler
	// is reading the body), so the server must finish it.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := url.Values{"username": {"ada"}, "password": {"password-ada"}, "name": {"Ada"}, "email": {"ada@example.edu"}, "role": {"student"}}.Encode()
	fmt.Fprintf(conn, "POST /register HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		addr, len(body), body[:10])
	time.Sleep(200 * time.Millisecond)
	cancel()
	time.Sleep(200 * time.Millisecond)
	io.WriteString(conn, body[10:])
	b, _ := io.ReadAll(conn)
	if !strings.HasPrefix(string(b), "HTTP/1.1 303") {
		t.Errorf("request in flight at shutdown got %q; want 303", b)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("Serve did not return after shutdown")
	}
}

// An open live stream does not hold a shutdown up: it ends with it.
func TestShutdownEndsLiveStreams(t *testing.T) {
	cfg := config.Config{Listen: "127.0.0.1:0", Data: t.TempDir(), Registration: domain.RegistrationOpen,
		Location: time.UTC, MaxUpload: 1 << 20, Scale: domain.DefaultScale}
	a, err := Open(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, func(addr string) { ready <- addr }) }()
	base := "http://" + <-ready
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	form := url.Values{"username": {"ada"}, "password": {"password-ada"}, "name": {"Ada"}, "email": {"ada@example.edu"}, "role": {"student"}}
	if _, err := c.PostForm(base+"/register", form); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PostForm(base+"/p/create", url.Values{"name": {"P"}}); err != nil {
		t.Fatal(err)
	}
	res, err := c.Get(base + "/p/1/events")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("open stream: %v %v", res, err)
	}
	defer res.Body.Close()
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("shutdown took %v with a stream open", d)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("shutdown waited for the live stream")
	}
}
