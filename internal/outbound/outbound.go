// Package outbound guards every HTTP call the product makes to other
// services (Greenhouse callbacks, Harvest, future webhooks). A Policy per
// purpose lists where calls may go; its client checks again at connect time
// that the addresses a name resolves to are public (so DNS rebinding cannot
// reach the private network), uses no proxy, and never follows a redirect to
// another origin or one that changes the method.
package outbound

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

// ErrRefused wraps every refusal.
var ErrRefused = errors.New("refused")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// Resolver looks up a host's addresses; *net.Resolver is one. Tests inject
// their own so that no real name is resolved.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Policy says where the calls of one purpose may go.
type Policy struct {
	// Purpose names the calls in refusals, e.g. "callback".
	Purpose string
	// Domains are the public services allowed: each entry allows the domain
	// and its subdomains, over https on port 443, at public addresses only.
	Domains []string
	// Trusted are hosts an operator configured (a local sandbox, a test
	// server): "host" (any port), "host:port" or "*.domain". Plain http and
	// any address are allowed there.
	Trusted []string
	// Resolver resolves names at connect time; nil is net.DefaultResolver.
	Resolver Resolver
}

// Check parses raw and reports whether the policy lets a call go there.
func (p Policy) Check(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return nil, refuse("the %s URL is not an absolute URL", p.purpose())
	}
	if u.User != nil {
		return nil, refuse("the %s URL carries user information", p.purpose())
	}
	host, port := canonicalHost(u.Hostname()), u.Port()
	if p.trusted(host, port) {
		if u.Scheme != "http" && u.Scheme != "https" {
			return nil, refuse("the %s URL's scheme %q is not http or https", p.purpose(), u.Scheme)
		}
		return u, nil
	}
	if u.Scheme != "https" {
		return nil, refuse("only https %s URLs are called, not %s", p.purpose(), u.Scheme)
	}
	if !p.allowedDomain(host) {
		return nil, refuse("%s is not %s nor a configured sandbox host", host, p.domains())
	}
	if port != "" && port != "443" {
		return nil, refuse("port %s is not allowed on %s", port, host)
	}
	return u, nil
}

func (p Policy) purpose() string {
	if p.Purpose == "" {
		return "outbound"
	}
	return p.Purpose
}

func (p Policy) domains() string {
	if len(p.Domains) == 0 {
		return "an allowed host"
	}
	return "a host of " + strings.Join(p.Domains, ", ")
}

func canonicalHost(h string) string { return strings.TrimSuffix(strings.ToLower(h), ".") }

func (p Policy) allowedDomain(host string) bool {
	for _, d := range p.Domains {
		d = canonicalHost(d)
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// trusted reports whether host (and port) match a configured trusted entry.
func (p Policy) trusted(host, port string) bool {
	for _, e := range p.Trusted {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		eh, ep := e, ""
		if h, pt, err := net.SplitHostPort(e); err == nil {
			eh, ep = h, pt
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

// Client returns the HTTP client for the policy's calls, with timeout
// bounding each request.
func (p Policy) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           p.dial(dialer),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: p.checkRedirect}
}

// dial connects only where the policy allows, to public addresses for every
// host that is not trusted.
func (p Policy) dial(dialer *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		host = canonicalHost(host)
		if p.trusted(host, port) {
			return dialer.DialContext(ctx, network, addr)
		}
		if !p.allowedDomain(host) {
			return nil, refuse("%s is not %s", host, p.domains())
		}
		ips, err := p.PublicAddrs(ctx, host)
		if err != nil {
			return nil, err
		}
		var last error
		for _, ip := range ips {
			conn, err := dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
			if err == nil {
				return conn, nil
			}
			last = err
		}
		return nil, last
	}
}

// PublicAddrs resolves host and returns its addresses, refusing when any of
// them is not a public unicast address.
func (p Policy) PublicAddrs(ctx context.Context, host string) ([]netip.Addr, error) {
	var r Resolver = net.DefaultResolver
	if p.Resolver != nil {
		r = p.Resolver
	}
	ips, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	if len(ips) == 0 {
		return nil, refuse("%s has no address", host)
	}
	for _, ip := range ips {
		if !Public(ip) {
			return nil, refuse("%s resolves to %s, which is not a public address", host, ip)
		}
	}
	return ips, nil
}

// checkRedirect follows at most 3 redirects, only to the same origin, only
// where the method is kept (Go turns a PATCH or POST into a GET on 301, 302
// and 303, which the receiver would not expect), and only where Check allows.
func (p Policy) checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	if len(via) >= 3 || req.Method != first.Method {
		return http.ErrUseLastResponse
	}
	if origin(req.URL) != origin(first.URL) {
		return http.ErrUseLastResponse
	}
	if _, err := p.Check(req.URL.String()); err != nil {
		return http.ErrUseLastResponse
	}
	return nil
}

// origin is a URL's scheme, host and port (the scheme's default if none).
func origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	return u.Scheme + "://" + net.JoinHostPort(canonicalHost(u.Hostname()), port)
}

// Public reports whether ip is a public unicast address: not private,
// loopback, link- or site-local, multicast, reserved, documentation, or a
// transition prefix that can embed a private IPv4 address.
func Public(ip netip.Addr) bool {
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
	netip.MustParsePrefix("192.0.2.0/24"), // documentation
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64 can reach IPv4 private space
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("100::/64"),       // discard-only
	netip.MustParsePrefix("2001::/32"),      // Teredo embeds an IPv4 address
	netip.MustParsePrefix("2001:10::/28"),   // ORCHID
	netip.MustParsePrefix("2001:20::/28"),   // ORCHIDv2
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("2002::/16"),      // 6to4 embeds an IPv4 address
	netip.MustParsePrefix("fec0::/10"),      // deprecated site-local
}
