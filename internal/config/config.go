// Package config reads the one typed configuration of the talentsystems binary
// from command-line flags and the environment. Flags win over the environment.
package config

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the binary. It is built once and passed
// explicitly; nothing reads the environment after Load.
type Config struct {
	// Addr is the listen address of the HTTP server.
	Addr string
	// BaseURL is the public URL used in every link handed out (mails, Greenhouse).
	BaseURL string
	// DataDir holds the SQLite database and the generated secret key.
	DataDir string
	// DatabaseURL selects PostgreSQL when it starts with postgres:// or postgresql://.
	DatabaseURL Secret
	// SecretKey encrypts secrets at rest and signs CSRF tokens. When empty it is
	// read from, or generated into, DataDir/secret.key.
	SecretKey Secret
	// SMTP is the outgoing mail server; an empty Host writes mails to the log.
	SMTP SMTP
	// LogFormat is "text" or "json".
	LogFormat string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// JobPollInterval is how often idle instances look for new jobs.
	JobPollInterval time.Duration
	// JobRescueAfter is how long a job may stay running before it is taken
	// for stuck (its instance died) and run again.
	JobRescueAfter time.Duration
	// MailRetention is how long a sent (or given-up) mail's body is kept.
	MailRetention time.Duration
	// CookieSecure forces the Secure flag on cookies; by default it follows BaseURL's scheme.
	CookieSecure bool
	// TrustedProxies are the address ranges of reverse proxies whose
	// X-Forwarded-For / Forwarded headers name the client; empty trusts none.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, is the bearer token /metrics requires.
	MetricsToken Secret
	// MetricsAddr, when set, is a separate listen address that serves
	// /metrics alone; the main address then answers 404 there.
	MetricsAddr string
	// Greenhouse configures the Greenhouse Assessment Partner integration.
	Greenhouse Greenhouse
	// ScorerModel configures the optional model-based scorer; off by default.
	ScorerModel ScorerModel
}

// SMTP is the outgoing mail server.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password Secret
	From     string
	// TLS is "starttls" (default), "tls" (implicit TLS) or "none".
	TLS string
}

// Secret is a string that never prints its value, so a Config can be logged.
type Secret string

// String masks the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "********"
}

// LogValue masks the value in slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Reveal returns the secret's value, for the one place that needs it.
func (s Secret) Reveal() string { return string(s) }

// IsPostgres reports whether the configuration selects PostgreSQL.
func (c *Config) IsPostgres() bool {
	u := c.DatabaseURL.Reveal()
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// setting describes one configuration value: its flag, its variable and how to store it.
type setting struct {
	flag, env, def, usage string
	set                   func(string) error
}

// Load builds the configuration from args (the subcommand's flags) and the
// environment lookup function. It returns flag.ErrHelp for -h.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (*Config, error) {
	c := &Config{}
	settings := Settings(c)
	vals := make(map[string]*string, len(settings))
	for _, s := range settings {
		v := new(string)
		vals[s.flag] = v
		fs.StringVar(v, s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env, s.def))
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	for _, s := range settings {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		}
		if given[s.flag] {
			v = *vals[s.flag]
		}
		if err := s.set(v); err != nil {
			errs = append(errs, fmt.Errorf("--%s / %s: %w", s.flag, s.env, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Settings lists every setting bound to c. docs/configuration.md documents the same list.
func Settings(c *Config) []setting {
	str := func(p *string) func(string) error { return func(v string) error { *p = v; return nil } }
	sec := func(p *Secret) func(string) error { return func(v string) error { *p = Secret(v); return nil } }
	return append([]setting{
		{"addr", "TS_ADDR", ":8080", "listen address", str(&c.Addr)},
		{"base-url", "TS_BASE_URL", "", "public base URL used in links (default: http://localhost and the listen port)", func(v string) error {
			if v == "" {
				v = localURL(c.Addr)
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return fmt.Errorf("must be an absolute http(s) URL, got %q", v)
			}
			c.BaseURL = strings.TrimRight(v, "/")
			return nil
		}},
		{"data-dir", "TS_DATA_DIR", "./data", "data folder (SQLite database, secret key)", str(&c.DataDir)},
		{"database-url", "DATABASE_URL", "", "postgres://… to use PostgreSQL; empty for SQLite in the data folder", func(v string) error {
			if v != "" {
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
					return errors.New("must look like postgres://user@host:5432/dbname (the value is not shown)")
				}
			}
			c.DatabaseURL = Secret(v)
			return nil
		}},
		{"secret-key", "TS_SECRET_KEY", "", "base64 of 32 random bytes; generated into the data folder when empty", func(v string) error {
			if v != "" {
				b, err := base64.StdEncoding.DecodeString(v)
				if err != nil || len(b) != 32 {
					return errors.New("must be the base64 encoding of exactly 32 bytes")
				}
			}
			c.SecretKey = Secret(v)
			return nil
		}},
		{"smtp-host", "TS_SMTP_HOST", "", "SMTP server; empty writes mails to the log and the staff outbox", str(&c.SMTP.Host)},
		{"smtp-port", "TS_SMTP_PORT", "587", "SMTP port", func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 65535 {
				return fmt.Errorf("must be a port number, got %q", v)
			}
			c.SMTP.Port = n
			return nil
		}},
		{"smtp-username", "TS_SMTP_USERNAME", "", "SMTP user name", str(&c.SMTP.Username)},
		{"smtp-password", "TS_SMTP_PASSWORD", "", "SMTP password", sec(&c.SMTP.Password)},
		{"smtp-from", "TS_SMTP_FROM", "Talent Systems <no-reply@localhost>", "sender address", str(&c.SMTP.From)},
		{"smtp-tls", "TS_SMTP_TLS", "starttls", "starttls, tls or none", oneOf(&c.SMTP.TLS, "starttls", "tls", "none")},
		{"log-format", "TS_LOG_FORMAT", "text", "text or json", oneOf(&c.LogFormat, "text", "json")},
		{"log-level", "TS_LOG_LEVEL", "info", "debug, info, warn or error", oneOf(&c.LogLevel, "debug", "info", "warn", "error")},
		{"job-poll-interval", "TS_JOB_POLL_INTERVAL", "1s", "how often idle instances poll for jobs", func(v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 10*time.Millisecond {
				return fmt.Errorf("must be a duration of at least 10ms, got %q", v)
			}
			c.JobPollInterval = d
			return nil
		}},
		{"job-rescue-after", "TS_JOB_RESCUE_AFTER", "2m", "how long a job may stay running before it is taken for stuck (its instance died) and run again", func(v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second {
				return fmt.Errorf("must be a duration of at least 1s, got %q", v)
			}
			c.JobRescueAfter = d
			return nil
		}},
		{"mail-retention", "TS_MAIL_RETENTION", "168h", "how long the body of a sent mail is kept (sealed) before it is deleted", func(v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Hour {
				return fmt.Errorf("must be a duration of at least 1h, got %q", v)
			}
			c.MailRetention = d
			return nil
		}},
		{"trusted-proxies", "TS_TRUSTED_PROXIES", "", "comma-separated CIDR ranges (or addresses) of reverse proxies whose X-Forwarded-For / Forwarded headers are believed", func(v string) error {
			c.TrustedProxies = nil
			for _, f := range strings.Split(v, ",") {
				f = strings.TrimSpace(f)
				if f == "" {
					continue
				}
				p, err := netip.ParsePrefix(f)
				if err != nil {
					a, aerr := netip.ParseAddr(f)
					if aerr != nil {
						return fmt.Errorf("must be CIDR ranges like 10.0.0.0/8, got %q", f)
					}
					p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
				}
				if p.Addr().Is4In6() {
					p = netip.PrefixFrom(p.Addr().Unmap(), max(0, p.Bits()-96))
				}
				c.TrustedProxies = append(c.TrustedProxies, p.Masked())
			}
			return nil
		}},
		{"metrics-token", "TS_METRICS_TOKEN", "", "bearer token /metrics requires (empty: /metrics is open)", sec(&c.MetricsToken)},
		{"metrics-addr", "TS_METRICS_ADDR", "", "separate listen address for /metrics alone, e.g. 127.0.0.1:9090 (empty: /metrics on the main address)", func(v string) error {
			if v == "" {
				c.MetricsAddr = ""
				return nil
			}
			if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
				return fmt.Errorf("must be host:port or :port, got %q", v)
			}
			c.MetricsAddr = v
			return nil
		}},
		{"cookie-secure", "TS_COOKIE_SECURE", "auto", "auto (from base URL), true or false", func(v string) error {
			switch v {
			case "auto":
				c.CookieSecure = strings.HasPrefix(c.BaseURL, "https://")
			case "true", "false":
				c.CookieSecure = v == "true"
			default:
				return fmt.Errorf("must be auto, true or false, got %q", v)
			}
			return nil
		}},
	}, append(greenhouseSettings(c), scorerSettings(c)...)...)
}

// localURL is the address a browser on this machine reaches addr at.
func localURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

func oneOf(p *string, allowed ...string) func(string) error {
	return func(v string) error {
		for _, a := range allowed {
			if v == a {
				*p = v
				return nil
			}
		}
		return fmt.Errorf("must be one of %s, got %q", strings.Join(allowed, ", "), v)
	}
}

func (c *Config) validate() error {
	if !c.IsPostgres() && c.DataDir == "" {
		return errors.New("--data-dir must not be empty")
	}
	return c.ScorerModel.validate()
}
