package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Greenhouse holds the settings of the Greenhouse Assessment Partner integration.
type Greenhouse struct {
	// SandboxHosts may receive completion callbacks in addition to
	// https://*.greenhouse.io, over http or https: a local Greenhouse sandbox
	// or a test server. Entries are "host", "host:port" or "*.domain".
	SandboxHosts []string
	// CallbackAuth is how the completion callback authenticates: "key" (the
	// organization's API key as the Basic user name, empty password), "basic"
	// (the fixed CallbackCredential) or "none".
	CallbackAuth string
	// CallbackCredential is "user:password" for CallbackAuth "basic".
	CallbackCredential Secret
	// CallbackTimeout bounds one callback request.
	CallbackTimeout time.Duration
	// CallbackRetryBase is the wait before the first retry; it doubles with
	// each retry up to CallbackRetryMax, with jitter.
	CallbackRetryBase time.Duration
	// CallbackRetryMax caps the wait between retries.
	CallbackRetryMax time.Duration
	// CallbackMaxTries is how many times a callback is tried before it is
	// given up (staff can retry it from the console).
	CallbackMaxTries int
	// RateLimit is how many API requests per minute one key may make; bursts
	// of a quarter of it are allowed.
	RateLimit int
	// OAuthClientID and OAuthClientSecret are the partner credentials
	// Greenhouse issued for the Harvest API connection; empty turns the
	// connection off.
	OAuthClientID     string
	OAuthClientSecret Secret
	// AuthURL is Greenhouse's OAuth server (authorize and token endpoints).
	AuthURL string
	// HarvestURL is the Harvest API's base URL.
	HarvestURL string
	// NoteVisibility is the visibility of the notes posted to Greenhouse:
	// admin_only, private or public.
	NoteVisibility string
	// HarvestRefreshInterval is how often idle connections are refreshed and
	// outcomes are read.
	HarvestRefreshInterval time.Duration
	// HarvestPageSize is the per_page of Harvest lists (1–500).
	HarvestPageSize int
}

// HarvestEnabled reports whether the Harvest API connection is configured.
func (g *Greenhouse) HarvestEnabled() bool { return g.OAuthClientID != "" && g.OAuthClientSecret != "" }

// HarvestRedirectPath is the OAuth callback path under the base URL.
const HarvestRedirectPath = "/settings/integrations/greenhouse/harvest/callback"

// baseURL stores an absolute http(s) URL without its trailing slash.
func baseURL(p *string) func(string) error {
	return func(v string) error {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
			return fmt.Errorf("must be an absolute http(s) URL, got %q", v)
		}
		*p = strings.TrimRight(v, "/")
		return nil
	}
}

func greenhouseSettings(c *Config) []setting {
	g := &c.Greenhouse
	duration := func(p *time.Duration, least time.Duration) func(string) error {
		return func(v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < least {
				return fmt.Errorf("must be a duration of at least %s, got %q", least, v)
			}
			*p = d
			return nil
		}
	}
	positive := func(p *int, most int) func(string) error {
		return func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > most {
				return fmt.Errorf("must be a whole number from 1 to %d, got %q", most, v)
			}
			*p = n
			return nil
		}
	}
	return []setting{
		{"greenhouse-sandbox-hosts", "TS_GREENHOUSE_SANDBOX_HOSTS", "", "comma-separated hosts (host, host:port, *.domain) that may receive Greenhouse callbacks besides https://*.greenhouse.io, also over http", func(v string) error {
			g.SandboxHosts = nil
			for _, h := range strings.Split(v, ",") {
				h = strings.ToLower(strings.TrimSpace(h))
				if h == "" {
					continue
				}
				host := h
				if hh, port, err := net.SplitHostPort(h); err == nil {
					if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
						return fmt.Errorf("%q has an invalid port", h)
					}
					host = hh
				}
				wild := strings.Contains(host, "*") && (!strings.HasPrefix(host, "*.") || strings.Contains(host[2:], "*") || len(host) < 3)
				if host == "" || wild || strings.ContainsAny(host, "/@?# ") {
					return fmt.Errorf("%q is not a host, host:port or *.domain", h)
				}
				g.SandboxHosts = append(g.SandboxHosts, h)
			}
			return nil
		}},
		{"greenhouse-callback-auth", "TS_GREENHOUSE_CALLBACK_AUTH", "key", "credential of the completion callback: key (the organization's API key as Basic user name), basic (TS_GREENHOUSE_CALLBACK_CREDENTIAL) or none", oneOf(&g.CallbackAuth, "key", "basic", "none")},
		{"greenhouse-callback-credential", "TS_GREENHOUSE_CALLBACK_CREDENTIAL", "", "user:password for --greenhouse-callback-auth basic", func(v string) error {
			if g.CallbackAuth == "basic" && !strings.Contains(v, ":") {
				return errors.New("must be user:password when TS_GREENHOUSE_CALLBACK_AUTH is basic (the value is not shown)")
			}
			g.CallbackCredential = Secret(v)
			return nil
		}},
		{"greenhouse-callback-timeout", "TS_GREENHOUSE_CALLBACK_TIMEOUT", "15s", "time limit of one completion callback request", duration(&g.CallbackTimeout, 100*time.Millisecond)},
		{"greenhouse-callback-retry-base", "TS_GREENHOUSE_CALLBACK_RETRY_BASE", "30s", "wait before the first callback retry; doubles per retry", duration(&g.CallbackRetryBase, 10*time.Millisecond)},
		{"greenhouse-callback-retry-max", "TS_GREENHOUSE_CALLBACK_RETRY_MAX", "2h", "longest wait between callback retries", duration(&g.CallbackRetryMax, 10*time.Millisecond)},
		{"greenhouse-callback-max-tries", "TS_GREENHOUSE_CALLBACK_MAX_TRIES", "24", "tries of a callback before it is given up", positive(&g.CallbackMaxTries, 1000)},
		{"greenhouse-rate-limit", "TS_GREENHOUSE_RATE_LIMIT", "1200", "Assessment Partner API requests per minute per key", positive(&g.RateLimit, 1000000)},
		{"greenhouse-oauth-client-id", "TS_GREENHOUSE_OAUTH_CLIENT_ID", "", "OAuth client id of the Harvest API connection, issued by Greenhouse", func(v string) error { g.OAuthClientID = strings.TrimSpace(v); return nil }},
		{"greenhouse-oauth-client-secret", "TS_GREENHOUSE_OAUTH_CLIENT_SECRET", "", "OAuth client secret of the Harvest API connection (never printed)", func(v string) error { g.OAuthClientSecret = Secret(v); return nil }},
		{"greenhouse-auth-url", "TS_GREENHOUSE_AUTH_URL", "https://auth.greenhouse.io", "Greenhouse OAuth server (authorize and token)", baseURL(&g.AuthURL)},
		{"greenhouse-harvest-url", "TS_GREENHOUSE_HARVEST_URL", "https://harvest.greenhouse.io", "Harvest API base URL", baseURL(&g.HarvestURL)},
		{"greenhouse-note-visibility", "TS_GREENHOUSE_NOTE_VISIBILITY", "private", "visibility of notes posted to Greenhouse: admin_only, private or public", oneOf(&g.NoteVisibility, "admin_only", "private", "public")},
		{"greenhouse-harvest-refresh-interval", "TS_GREENHOUSE_HARVEST_REFRESH_INTERVAL", "1h", "how often idle Harvest connections are refreshed and application outcomes read", duration(&g.HarvestRefreshInterval, time.Second)},
		{"greenhouse-harvest-page-size", "TS_GREENHOUSE_HARVEST_PAGE_SIZE", "500", "page size (per_page) of Harvest lists, 1 to 500", positive(&g.HarvestPageSize, 500)},
	}
}
