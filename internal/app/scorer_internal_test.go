package app

import (
	"errors"
	"testing"

	"github.com/talentsystems/talentsystems/internal/outbound"
)

// TestModelPolicy: the model scorer may call its configured host only: an
// https endpoint as a public service (port 443, public addresses), an http
// or other-port endpoint (a local model server) exactly as configured.
func TestModelPolicy(t *testing.T) {
	tests := []struct {
		url         string
		allowed     []string
		refused     []string
		wantDomains bool
		wantTrusted string
	}{
		{"https://api.example.com/v1", []string{"https://api.example.com/v1/chat/completions"},
			[]string{"http://api.example.com/v1/chat/completions", "https://api.example.com:8443/v1", "https://other.example.net/v1", "http://127.0.0.1/v1"}, true, ""},
		{"http://127.0.0.1:8080/v1", []string{"http://127.0.0.1:8080/v1/chat/completions"},
			[]string{"http://127.0.0.1:9090/v1", "http://10.0.0.1:8080/v1", "https://api.example.com/v1"}, false, "127.0.0.1:8080"},
		{"http://models.internal/v1", []string{"http://models.internal/v1/chat/completions"},
			[]string{"http://other.internal/v1", "https://api.example.com/v1"}, false, "models.internal"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			p, err := modelPolicy(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if (len(p.Domains) > 0) != tt.wantDomains || (tt.wantTrusted != "" && (len(p.Trusted) != 1 || p.Trusted[0] != tt.wantTrusted)) {
				t.Errorf("policy %+v", p)
			}
			for _, u := range tt.allowed {
				if _, err := p.Check(u); err != nil {
					t.Errorf("%s refused: %v", u, err)
				}
			}
			for _, u := range tt.refused {
				if _, err := p.Check(u); !errors.Is(err, outbound.ErrRefused) {
					t.Errorf("%s allowed (%v)", u, err)
				}
			}
		})
	}
}
