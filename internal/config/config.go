// Package config reads Acanban's settings from, in order of precedence,
// command-line flags, ACANBAN_* environment variables, an optional TOML file
// and built-in defaults.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/acanban/acanban/internal/domain"
)

// Config is the server's settings.
type Config struct {
	Listen       string // address of the web server
	HTTPListen   string // plain-HTTP address that redirects to https://Domain
	Data         string // data folder
	File         string // the TOML file read, if any
	Database     string // empty: SQLite in Data; later postgres://…
	Registration domain.RegistrationMode
	TLSCert      string
	TLSKey       string
	Domain       string
	LogLevel     slog.Level
	LogFormat    string // text or json
	// Location is the time zone in which dates are shown and deadlines typed.
	Location *time.Location
	// IPFSAPI is the RPC address of a Kubo node; empty for the embedded store.
	IPFSAPI string
	// MaxUpload is the largest file accepted, in bytes.
	MaxUpload int64
	// Scale is the grading scale and the weights of the final grade.
	Scale domain.Scale
	// TrustedProxies are the addresses of reverse proxies (nginx) whose
	// X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
	// TLSProxy: a proxy in front terminates HTTPS, so cookies are Secure
	// and HSTS is sent although this server speaks plain HTTP.
	TLSProxy bool
	// BenchRoutes adds /bench/bytes/{n}, a fixed byte slice, the ceiling
	// that acanban-load -saturate compares pages with.
	BenchRoutes bool
}

// HTTPS reports whether browsers reach the site over HTTPS.
func (c Config) HTTPS() bool { return c.TLS() || c.TLSProxy }

// TLS reports whether the server speaks HTTPS.
func (c Config) TLS() bool { return c.TLSCert != "" }

type setting struct {
	name, def, usage string
}

// boolFlags are the settings given as -name alone (or -name=false).
var boolFlags = map[string]bool{"tls-proxy": true, "bench-routes": true}

// boolValue is a string setting that a bare -flag sets to "true".
type boolValue struct{ p *string }

func (b boolValue) String() string {
	if b.p == nil {
		return ""
	}
	return *b.p
}
func (b boolValue) Set(v string) error { *b.p = v; return nil }
func (b boolValue) IsBoolFlag() bool   { return true }

// settings is every setting, named as its flag and its TOML key; its
// environment variable is ACANBAN_ and the name in capitals with _ for -.
var settings = []setting{
	{"listen", "127.0.0.1:8000", "address the web server listens on"},
	{"http-listen", "", "with -tls-cert and -domain: plain-HTTP address whose requests are redirected to https://DOMAIN (default :80)"},
	{"data", "./acanban-data", "data folder (SQLite database, embedded file store); created on first start"},
	{"config", "", "path of an acanban.toml file of settings"},
	{"database", "", "database: empty for the SQLite file in the data folder, or a postgres:// URL shared by several instances"},
	{"registration", "open", "who may register: open, invite or closed"},
	{"tls-cert", "", "TLS certificate file (PEM); serves HTTPS when set with -tls-key"},
	{"tls-key", "", "TLS private key file (PEM)"},
	{"domain", "", "the site's domain name, for the HTTP to HTTPS redirect"},
	{"log-level", "info", "least important log level shown: debug, info, warn or error"},
	{"log-format", "text", "log format: text or json"},
	{"ipfs-api", "", "RPC API of a Kubo node for the files (such as http://127.0.0.1:5001); empty for the embedded IPFS store in the data folder"},
	{"max-upload", "100MiB", "largest file accepted: bytes, or a size such as 100MiB or 1GiB"},
	{"grade-min", "0", "lowest grade"},
	{"grade-max", "20", "highest grade"},
	{"grade-step", "0.25", "step between grades"},
	{"grade-weights", "0.5,0.25,0.25", "weights of the project outcome, the report and the presentation in the final grade (adding up to 1)"},
	{"max-adjustment", "2", "most a supervisor may add to or take from one student's grade"},
	{"trusted-proxies", "", "comma-separated addresses or CIDR ranges of reverse proxies (nginx) whose X-Forwarded-For header names the client, such as 127.0.0.1/32"},
	{"tls-proxy", "false", "true when a proxy in front terminates HTTPS: cookies are Secure and HSTS is sent"},
	{"bench-routes", "false", "serve /bench/bytes/N (N fixed bytes) for acanban-load -saturate; not for production"},
	{"timezone", "Local", "time zone of the dates shown and of the deadlines typed: an IANA name such as Asia/Ho_Chi_Minh, or Local for the server's"},
}

// EnvName is the environment variable of a setting.
func EnvName(name string) string {
	return "ACANBAN_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// Loader reads the settings once its flag set has been parsed.
type Loader struct {
	fs     *flag.FlagSet
	values map[string]*string
}

// Bind defines every setting as a flag of fs.
func Bind(fs *flag.FlagSet) *Loader {
	l := &Loader{fs: fs, values: map[string]*string{}}
	for _, s := range settings {
		if boolFlags[s.name] {
			v := s.def
			l.values[s.name] = &v
			fs.Var(boolValue{&v}, s.name, s.usage+" (env "+EnvName(s.name)+")")
			continue
		}
		l.values[s.name] = fs.String(s.name, s.def, s.usage+" (env "+EnvName(s.name)+")")
	}
	return l
}

// Load merges flags (after fs.Parse), the environment as getenv sees it,
// the TOML file and the defaults, and checks the result.
func (l *Loader) Load(getenv func(string) string) (Config, error) {
	explicit := map[string]string{}
	l.fs.Visit(func(f *flag.Flag) {
		if _, ok := l.values[f.Name]; ok {
			explicit[f.Name] = f.Value.String()
		}
	})
	merged := map[string]string{}
	for _, s := range settings {
		merged[s.name] = s.def
	}
	path, ok := explicit["config"]
	if !ok {
		path = getenv(EnvName("config"))
	}
	if path != "" {
		file, err := readFile(path)
		if err != nil {
			return Config{}, err
		}
		for k, v := range file {
			merged[k] = v
		}
	}
	for _, s := range settings {
		if v, ok := lookupEnv(getenv, EnvName(s.name)); ok {
			merged[s.name] = v
		}
	}
	for k, v := range explicit {
		merged[k] = v
	}
	merged["config"] = path
	return build(merged)
}

func lookupEnv(getenv func(string) string, name string) (string, bool) {
	if getenv == nil {
		return "", false
	}
	v := getenv(name)
	return v, v != ""
}

func readFile(path string) (map[string]string, error) {
	raw := map[string]any{}
	_, err := toml.DecodeFile(path, &raw)
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	known := map[string]bool{}
	for _, s := range settings {
		known[s.name] = true
	}
	out := map[string]string{}
	var unknown []string
	for k, v := range raw {
		if !known[k] || k == "config" {
			unknown = append(unknown, k)
			continue
		}
		switch v.(type) {
		case string, int64, bool:
			out[k] = fmt.Sprint(v)
		default:
			return nil, fmt.Errorf("config file %s: %s must be a string", path, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("config file %s: unknown settings %s", path, strings.Join(unknown, ", "))
	}
	return out, nil
}

func build(m map[string]string) (Config, error) {
	c := Config{
		Listen: m["listen"], HTTPListen: m["http-listen"], Data: m["data"], File: m["config"],
		Database: m["database"], TLSCert: m["tls-cert"], TLSKey: m["tls-key"], Domain: m["domain"],
		LogFormat: m["log-format"],
	}
	var errs []error
	mode, err := domain.ParseRegistrationMode(m["registration"])
	if err != nil {
		errs = append(errs, fmt.Errorf("registration: unknown mode %q: use open, invite or closed", m["registration"]))
	}
	c.Registration = mode
	if err := c.LogLevel.UnmarshalText([]byte(m["log-level"])); err != nil {
		errs = append(errs, fmt.Errorf("log-level: unknown level %q: use debug, info, warn or error", m["log-level"]))
	}
	if loc, err := time.LoadLocation(m["timezone"]); err != nil {
		errs = append(errs, fmt.Errorf("timezone: unknown time zone %q: use an IANA name such as Europe/Paris, UTC or Local", m["timezone"]))
	} else {
		c.Location = loc
	}
	if n, err := ParseSize(m["max-upload"]); err != nil || n <= 0 {
		errs = append(errs, fmt.Errorf("max-upload: %q is not a size such as 100MiB", m["max-upload"]))
	} else {
		c.MaxUpload = n
	}
	if sc, err := scale(m); err != nil {
		errs = append(errs, err)
	} else {
		c.Scale = sc
	}
	for _, p := range strings.Split(m["trusted-proxies"], ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			if a, err := netip.ParseAddr(p); err == nil {
				p = netip.PrefixFrom(a, a.BitLen()).String()
			}
		}
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("trusted-proxies: %q is not an address or a CIDR range", p))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, pfx.Masked())
	}
	if b, err := strconv.ParseBool(m["bench-routes"]); err != nil {
		errs = append(errs, fmt.Errorf("bench-routes: %q is not true or false", m["bench-routes"]))
	} else {
		c.BenchRoutes = b
	}
	if b, err := strconv.ParseBool(m["tls-proxy"]); err != nil {
		errs = append(errs, fmt.Errorf("tls-proxy: %q is not true or false", m["tls-proxy"]))
	} else {
		c.TLSProxy = b
	}
	c.IPFSAPI = m["ipfs-api"]
	if c.IPFSAPI != "" && !strings.HasPrefix(c.IPFSAPI, "http://") && !strings.HasPrefix(c.IPFSAPI, "https://") {
		errs = append(errs, fmt.Errorf("ipfs-api: %q is not an address such as http://127.0.0.1:5001", c.IPFSAPI))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log-format: unknown format %q: use text or json", c.LogFormat))
	}
	if c.Listen == "" {
		errs = append(errs, errors.New("listen: an address is required"))
	}
	if c.Data == "" {
		errs = append(errs, errors.New("data: a folder is required"))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls-cert and tls-key go together: set both or neither"))
	}
	if c.TLS() && c.Domain != "" && c.HTTPListen == "" {
		c.HTTPListen = ":80"
	}
	if c.HTTPListen != "" && (!c.TLS() || c.Domain == "") {
		errs = append(errs, errors.New("http-listen redirects to HTTPS: it needs tls-cert, tls-key and domain"))
	}
	if c.Database != "" && !strings.HasPrefix(c.Database, "postgres://") && !strings.HasPrefix(c.Database, "postgresql://") {
		errs = append(errs, fmt.Errorf("database: %q is not a postgres:// URL: leave it empty for the embedded SQLite database", redact(c.Database)))
	}
	return c, errors.Join(errs...)
}

// Redact hides the password of a database URL in messages.
func Redact(dsn string) string { return redact(dsn) }

func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		if at := strings.LastIndex(dsn, "@"); at > i {
			if colon := strings.Index(dsn[i+3:at], ":"); colon >= 0 {
				return dsn[:i+3+colon] + ":***" + dsn[at:]
			}
		}
	}
	return dsn
}

// Logger returns the logger the settings ask for, writing to w.
func (c Config) Logger(w *os.File) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// ParseSize reads a size in bytes: a number, optionally followed by B, KB,
// MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024).
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.TrimSpace(s[i:])
	}
	mult, ok := map[string]float64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9,
		"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}[strings.ToLower(unit)]
	if !ok || num == "" {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || f*mult > 1<<50 {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	return int64(f * mult), nil
}

// scale reads the grading settings.
func scale(m map[string]string) (domain.Scale, error) {
	var sc domain.Scale
	var err error
	for _, f := range []struct {
		name string
		dst  *domain.Grade
	}{{"grade-min", &sc.Min}, {"grade-max", &sc.Max}, {"grade-step", &sc.Step}, {"max-adjustment", &sc.MaxAdjustment}} {
		if *f.dst, err = domain.ParseGrade(m[f.name]); err != nil {
			return sc, fmt.Errorf("%s: %q is not a number", f.name, m[f.name])
		}
	}
	ws := strings.Split(m["grade-weights"], ",")
	if len(ws) != 3 {
		return sc, fmt.Errorf("grade-weights: %q is not three weights such as 0.5,0.25,0.25", m["grade-weights"])
	}
	for i, dst := range []*int64{&sc.Outcome, &sc.Report, &sc.Presentation} {
		w, err := domain.ParseGrade(ws[i])
		if err != nil {
			return sc, fmt.Errorf("grade-weights: %q is not a number", ws[i])
		}
		*dst = int64(w)
	}
	return sc, sc.Validate()
}
