package greenhouse

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Guard decides which callback URLs may receive an organization's key: only
// https URLs on greenhouse.io or its subdomains (tenants live on
// app.greenhouse.io, app2., app4. …), resolving to public addresses, plus
// the sandbox hosts an operator configured, where plain http and any address
// are allowed so that a local stand-in for Greenhouse can be used.
type Guard struct {
	// Sandbox lists extra hosts: "host" (any port), "host:port", or
	// "*.domain" (any subdomain, any port).
	Sandbox []string
}

// ErrRefused wraps every refusal of the guard.
var ErrRefused = errors.New("refused")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// Check parses raw and reports whether the guard lets a callback go there.
func (g Guard) Check(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return nil, refuse("the callback URL is not an absolute URL")
	}
	if u.User != nil {
		return nil, refuse("the callback URL carries user information")
	}
	host, port := canonicalHost(u.Hostname()), u.Port()
	if g.sandbox(host, port) {
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, refuse("the callback URL's scheme %q is not http or https", u.Scheme)
		}
		return u, nil
	}
	if u.Scheme != "https" {
		return nil, refuse("only https callback URLs are called, not %s", u.Scheme)
	}
	if !onGreenhouse(host) {
		return nil, refuse("%s is not a greenhouse.io host nor a configured sandbox host", host)
	}
	if port != "" && port != "443" {
		return nil, refuse("port %s is not allowed on %s", port, host)
	}
	return u, nil
}

func canonicalHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

func onGreenhouse(host string) bool {
	return host == "greenhouse.io" || strings.HasSuffix(host, ".greenhouse.io")
}

// sandbox reports whether host (and port) match a configured sandbox entry.
func (g Guard) sandbox(host, port string) bool {
	for _, e := range g.Sandbox {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		eh, ep := e, ""
		if h, p, err := net.SplitHostPort(e); err == nil {
			eh, ep = h, p
		}
		eh = canonicalHost(eh)
		if ep != "" && ep != port {
			continue
		}
		if strings.HasPrefix(eh, "*.") {
			if strings.HasSuffix(host, eh[1:]) && len(host) > len(eh)-1 {
				return true
			}
			continue
		}
		if eh == host {
			return true
		}
	}
	return false
}

// publicAddr reports whether ip is a public unicast address.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() || ip.IsLinkLocalUnicast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can reach IPv4 private space
	netip.MustParsePrefix("2001:db8::/32"),
}

// Client returns the HTTP client for callbacks. It connects only where the
// guard allows: for greenhouse.io hosts every resolved address must be
// public (checked at connect time, so DNS rebinding cannot slip in); it uses
// no proxy; and it follows a redirect only for a PATCH, only to the same host,
// at most 3 times (Go turns a PATCH into a GET on 301/302/303, which
// Greenhouse answers with 412, so those are reported instead).
func (g Guard) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			host = canonicalHost(host)
			if g.sandbox(host, port) {
				return dialer.DialContext(ctx, network, addr)
			}
			if !onGreenhouse(host) {
				return nil, refuse("%s is not a greenhouse.io host", host)
			}
			ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
			if err != nil {
				return nil, err
			}
			for _, ip := range ips {
				if !publicAddr(ip) {
					return nil, refuse("%s resolves to %s, which is not a public address", host, ip)
				}
			}
			var last error = refuse("%s has no address", host)
			for _, ip := range ips {
				conn, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
				if err == nil {
					return conn, nil
				}
				last = err
			}
			return nil, last
		},
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 || req.Method != http.MethodPatch {
				return http.ErrUseLastResponse
			}
			if canonicalHost(req.URL.Hostname()) != canonicalHost(via[0].URL.Hostname()) {
				return http.ErrUseLastResponse
			}
			if _, err := g.Check(req.URL.String()); err != nil {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
}
