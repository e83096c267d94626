package config

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/acanban/acanban/internal/domain"
)

func load(t *testing.T, args []string, env map[string]string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	l := Bind(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return l.Load(func(k string) string { return env[k] })
}

func TestDefaults(t *testing.T) {
	c, err := load(t, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8000" || c.Data != "./acanban-data" || c.Registration != domain.RegistrationOpen || c.Database != "" {
		t.Errorf("defaults = %+v", c)
	}
	if c.Location != time.Local {
		t.Errorf("default time zone = %v; want the server's", c.Location)
	}
	if c, err := load(t, []string{"-timezone", "Asia/Ho_Chi_Minh"}, nil); err != nil || c.Location.String() != "Asia/Ho_Chi_Minh" {
		t.Errorf("-timezone Asia/Ho_Chi_Minh: %v, %v", c.Location, err)
	}
}

func TestPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "acanban.toml")
	os.WriteFile(file, []byte("listen = \"file:1\"\ndata = \"/from/file\"\nregistration = \"closed\"\nlog-level = \"debug\"\n"), 0o600)
	env := map[string]string{"ACANBAN_CONFIG": file, "ACANBAN_DATA": "/from/env", "ACANBAN_REGISTRATION": "invite"}

	c, err := load(t, []string{"-registration", "open"}, env)
	if err != nil {
		t.Fatal(err)
	}
	// flag > env > file > default
	if c.Registration != domain.RegistrationOpen {
		t.Errorf("registration = %s; want the flag's open", c.Registration)
	}
	if c.Data != "/from/env" {
		t.Errorf("data = %s; want the environment's", c.Data)
	}
	if c.Listen != "file:1" || c.LogLevel.String() != "DEBUG" {
		t.Errorf("listen = %s, log level %s; want the file's", c.Listen, c.LogLevel)
	}
	if c.File != file {
		t.Errorf("File = %q; want %q", c.File, file)
	}
	// A -config flag wins over ACANBAN_CONFIG.
	other := filepath.Join(t.TempDir(), "other.toml")
	os.WriteFile(other, []byte("listen = \"other:2\"\n"), 0o600)
	if c, err = load(t, []string{"-config", other}, env); err != nil || c.Listen != "other:2" {
		t.Errorf("with -config: listen = %s, %v; want other:2", c.Listen, err)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("lisen = \"x\"\n"), 0o600)
	broken := filepath.Join(dir, "broken.toml")
	os.WriteFile(broken, []byte("listen = \n"), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-registration", "sometimes"}, "registration"},
		{[]string{"-tls-cert", "c.pem"}, "tls-key"},
		{[]string{"-log-format", "xml"}, "log-format"},
		{[]string{"-timezone", "Mars/Olympus"}, "timezone"},
		{[]string{"-config", bad}, "unknown settings lisen"},
		{[]string{"-config", broken}, "broken.toml"},
		{[]string{"-config", filepath.Join(dir, "missing.toml")}, "missing.toml"},
		{[]string{"-http-listen", ":80"}, "http-listen"},
		{[]string{"-database", "mysql://u:secret@h/db"}, "postgres://"},
	} {
		_, err := load(t, c.args, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error = %v; want one mentioning %q", c.args, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%v: error shows the database password: %v", c.args, err)
		}
	}
}

func TestRedirectListenDefault(t *testing.T) {
	c, err := load(t, []string{"-tls-cert", "c", "-tls-key", "k", "-domain", "acanban.example"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPListen != ":80" {
		t.Errorf("http-listen = %q; want :80 with TLS and a domain", c.HTTPListen)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"100MiB": 100 << 20, "1048576": 1 << 20, "1.5 GiB": 3 << 29, "10MB": 10e6, "2kib": 2048} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "MiB", "ten", "-1", "5 parsecs"} {
		if _, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) accepted", bad)
		}
	}
	c, err := load(t, nil, nil)
	if err != nil || c.MaxUpload != 100<<20 || c.IPFSAPI != "" {
		t.Errorf("default max upload %d, ipfs api %q, %v", c.MaxUpload, c.IPFSAPI, err)
	}
	if _, err := load(t, []string{"-ipfs-api", "127.0.0.1:5001"}, nil); err == nil {
		t.Error("an ipfs-api without scheme was accepted")
	}
}

func TestScale(t *testing.T) {
	c, err := load(t, nil, nil)
	if err != nil || c.Scale != domain.DefaultScale {
		t.Errorf("default scale = %+v, %v; want %+v", c.Scale, err, domain.DefaultScale)
	}
	c, err = load(t, []string{"-grade-max", "10", "-grade-step", "0.5", "-grade-weights", "0.6,0.2,0.2"}, nil)
	if err != nil || c.Scale.Max != 10000 || c.Scale.Step != 500 || c.Scale.Outcome != 600 {
		t.Errorf("custom scale = %+v, %v", c.Scale, err)
	}
	for _, bad := range [][]string{{"-grade-weights", "0.5,0.5,0.5"}, {"-grade-step", "0.3"}, {"-grade-max", "x"}, {"-grade-weights", "1"}} {
		if _, err := load(t, bad, nil); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestProxies(t *testing.T) {
	c, err := load(t, []string{"-trusted-proxies", "127.0.0.1, 10.0.0.0/8", "-tls-proxy"}, nil)
	if err != nil || len(c.TrustedProxies) != 2 || c.TrustedProxies[0].String() != "127.0.0.1/32" || !c.HTTPS() {
		t.Errorf("proxies %v, https %v, %v", c.TrustedProxies, c.HTTPS(), err)
	}
	if _, err := load(t, []string{"-trusted-proxies", "nginx"}, nil); err == nil {
		t.Error("a proxy that is not an address was accepted")
	}
}

func TestBoolSettings(t *testing.T) {
	if c, err := load(t, []string{"-bench-routes"}, nil); err != nil || !c.BenchRoutes {
		t.Errorf("-bench-routes: %v, %v", c.BenchRoutes, err)
	}
	if c, err := load(t, []string{"-bench-routes=false"}, map[string]string{"ACANBAN_BENCH_ROUTES": "true"}); err != nil || c.BenchRoutes {
		t.Errorf("-bench-routes=false over the environment: %v, %v", c.BenchRoutes, err)
	}
	if c, err := load(t, nil, map[string]string{"ACANBAN_TLS_PROXY": "true"}); err != nil || !c.TLSProxy {
		t.Errorf("ACANBAN_TLS_PROXY=true: %v, %v", c.TLSProxy, err)
	}
}
