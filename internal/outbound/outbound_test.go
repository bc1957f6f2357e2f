package outbound

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	g := Policy{Purpose: "callback", Domains: []string{"greenhouse.io"}, Trusted: []string{"127.0.0.1:8999", "sandbox.test", "*.dev.test"}}
	allowed := []string{
		"https://app.greenhouse.io/integrations/testing_partners/take_home_tests/1",
		"https://app4.greenhouse.io/x",
		"https://APP.Greenhouse.IO./x",
		"https://app.greenhouse.io:443/x",
		"http://127.0.0.1:8999/take_home_tests/1",
		"http://sandbox.test:1234/x",
		"https://a.b.dev.test/x",
	}
	for _, u := range allowed {
		if _, err := g.Check(u); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
	refused := []string{
		"http://app.greenhouse.io/x",           // not https
		"https://evil.example/x",               // other host
		"https://greenhouse.io.evil.example/x", // suffix trick
		"https://evilgreenhouse.io/x",          // no dot boundary
		"https://app.greenhouse.io@evil.example/x",
		"https://user:pw@app.greenhouse.io/x",
		"https://app.greenhouse.io:8443/x",
		"https://127.0.0.1/x",
		"http://127.0.0.1:9000/x", // sandbox port differs
		"https://dev.test/x",      // the wildcard needs a subdomain
		"ftp://sandbox.test/x",
		"/relative",
		"javascript:alert(1)",
	}
	for _, u := range refused {
		if _, err := g.Check(u); !errors.Is(err, ErrRefused) {
			t.Errorf("%s allowed", u)
		}
	}
	for ip, want := range map[string]bool{"8.8.8.8": true, "2606:4700::1": true, "10.0.0.1": false, "127.0.0.1": false,
		"169.254.169.254": false, "100.64.1.1": false, "::1": false, "fd00::1": false, "::ffff:10.0.0.1": false, "0.0.0.0": false,
		"fec0::1": false, "2002:a00:1::1": false, "2001:0:4136:e378::1": false, "64:ff9b:1::a00:1": false, "64:ff9b::a00:1": false, "2001:db8::1": false} {
		if got := Public(netip.MustParseAddr(ip)); got != want {
			t.Errorf("Public(%s) = %t", ip, got)
		}
	}
}

// fakeResolver answers every name with the same addresses.
type fakeResolver []netip.Addr

func (f fakeResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return f, nil
}

// TestConnectTimeCheck: a name that passes Check but resolves to a private
// address (DNS rebinding) is refused when connecting, before any dial.
func TestConnectTimeCheck(t *testing.T) {
	for _, addrs := range [][]string{{"10.0.0.1"}, {"8.8.8.8", "127.0.0.1"}, {"fd00::1"}, {"2002:a00:1::1"}} {
		var ips fakeResolver
		for _, a := range addrs {
			ips = append(ips, netip.MustParseAddr(a))
		}
		p := Policy{Purpose: "callback", Domains: []string{"greenhouse.io"}, Resolver: ips}
		_, err := p.Client(time.Second).Get("https://app.greenhouse.io/x")
		if !errors.Is(err, ErrRefused) {
			t.Errorf("resolving to %v: %v, want a refusal", addrs, err)
		}
	}
}

// TestRedirects: same-host redirects that keep the method are followed;
// one to another host, or one that turns a PATCH into a GET, is not.
func TestRedirects(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "other") }))
	defer other.Close()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/end", http.StatusTemporaryRedirect)
		case "/see-other":
			http.Redirect(w, r, "/end", http.StatusSeeOther)
		case "/away":
			http.Redirect(w, r, other.URL+"/end", http.StatusTemporaryRedirect)
		case "/end":
			io.WriteString(w, "end "+r.Method)
		}
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	p := Policy{Trusted: []string{host, strings.TrimPrefix(other.URL, "http://")}}
	c := p.Client(5 * time.Second)
	for path, want := range map[string]int{"/same": 200, "/see-other": 303, "/away": 307} {
		req, _ := http.NewRequest(http.MethodPatch, srv.URL+path, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("PATCH %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func FuzzCheck(f *testing.F) {
	f.Add("https://app.greenhouse.io/integrations/testing_partners/take_home_tests/1")
	g := Policy{Domains: []string{"greenhouse.io"}, Trusted: []string{"127.0.0.1:8999"}}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := g.Check(raw)
		if err != nil {
			return
		}
		host := canonicalHost(u.Hostname())
		if host == "127.0.0.1" && u.Port() == "8999" {
			return
		}
		if u.Scheme != "https" || !g.allowedDomain(host) || u.User != nil || (u.Port() != "" && u.Port() != "443") {
			t.Fatalf("the guard let %q through (host %q)", raw, host)
		}
	})
}
