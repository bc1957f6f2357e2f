package config

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// ScorerModel configures the optional model-based scorer of open answers
// (internal/scoring/llm): an OpenAI-compatible chat-completions endpoint.
// It is off unless URL is set.
type ScorerModel struct {
	// URL is the endpoint's base URL, e.g. https://api.example.com/v1;
	// requests go to URL + "/chat/completions". Empty turns the scorer off.
	URL string
	// Model is the model name sent with each request.
	Model string
	// Key is the API key, sent as a bearer token; empty sends none.
	Key Secret
	// Timeout bounds one request.
	Timeout time.Duration
}

// Enabled reports whether the model scorer is configured.
func (m *ScorerModel) Enabled() bool { return m.URL != "" }

func scorerSettings(c *Config) []setting {
	m := &c.ScorerModel
	return []setting{
		{"scorer-model-url", "TS_SCORER_MODEL_URL", "", "base URL of an OpenAI-compatible endpoint (…/v1) that suggests levels for open answers; empty: the phrase rules alone", func(v string) error {
			m.URL = ""
			if v == "" {
				return nil
			}
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return errors.New("must be an absolute http(s) URL without query, e.g. https://api.example.com/v1 (the value is not shown)")
			}
			if u.User != nil {
				return errors.New("must not carry a user or password: set the key in TS_SCORER_MODEL_KEY (the value is not shown)")
			}
			m.URL = strings.TrimRight(v, "/")
			return nil
		}},
		{"scorer-model", "TS_SCORER_MODEL", "", "model name sent to the scorer endpoint", func(v string) error {
			m.Model = strings.TrimSpace(v)
			return nil
		}},
		{"scorer-model-key", "TS_SCORER_MODEL_KEY", "", "API key of the scorer endpoint, sent as a bearer token (secret: never printed)", func(v string) error {
			m.Key = Secret(v)
			return nil
		}},
		{"scorer-model-timeout", "TS_SCORER_MODEL_TIMEOUT", "20s", "time limit of one request to the scorer endpoint", func(v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < 100*time.Millisecond || d > 5*time.Minute {
				return fmt.Errorf("must be a duration from 100ms to 5m, got %q", v)
			}
			m.Timeout = d
			return nil
		}},
	}
}

// validate checks that the model scorer is configured whole.
func (m *ScorerModel) validate() error {
	switch {
	case m.URL != "" && m.Model == "":
		return errors.New("--scorer-model / TS_SCORER_MODEL must name the model when TS_SCORER_MODEL_URL is set")
	case m.URL == "" && (m.Model != "" || m.Key != ""):
		return errors.New("--scorer-model-url / TS_SCORER_MODEL_URL must be set to use TS_SCORER_MODEL or TS_SCORER_MODEL_KEY")
	}
	return nil
}
