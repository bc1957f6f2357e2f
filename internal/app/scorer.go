package app

import (
	"fmt"
	"log/slog"
	"net/url"

	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/outbound"
	"github.com/talentsystems/talentsystems/internal/scoring"
	"github.com/talentsystems/talentsystems/internal/scoring/llm"
)

// scorer returns the scorer of submitted assessments: the phrase rules, or,
// when TS_SCORER_MODEL_URL is set, the model-based scorer (whose level is a
// suggestion reviewed under the same rules, docs/scoring.md). Its calls go
// through an outbound policy that allows the configured host only: an https
// endpoint on port 443 at public addresses (checked again at connect time),
// or, for a local model server, the configured http host (and its port, if
// the URL names one) at any address.
func scorer(m config.ScorerModel, log *slog.Logger) (scoring.Scorer, error) {
	if !m.Enabled() {
		return scoring.Rules{}, nil
	}
	p, err := modelPolicy(m.URL)
	if err != nil {
		return nil, err
	}
	s := llm.New(m.URL, m.Model, m.Key.Reveal(), p.Client(m.Timeout))
	s.Timeout = m.Timeout
	if log != nil {
		u, _ := url.Parse(m.URL)
		log.Info("model scorer on: open answers get the model's suggestion", "host", u.Host, "model", m.Model, "timeout", m.Timeout.String())
	}
	return s, nil
}

// modelPolicy is the outbound policy of the model scorer's endpoint.
func modelPolicy(raw string) (outbound.Policy, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return outbound.Policy{}, fmt.Errorf("app: scorer model URL: %w", err)
	}
	p := outbound.Policy{Purpose: "model scorer"}
	if u.Scheme == "https" && (u.Port() == "" || u.Port() == "443") {
		p.Domains = []string{u.Hostname()}
	} else {
		p.Trusted = []string{u.Host} // host:port, or the host alone when the URL names no port
	}
	if _, err := p.Check(raw + "/chat/completions"); err != nil {
		return outbound.Policy{}, fmt.Errorf("app: scorer model URL: %w", err)
	}
	return p, nil
}
