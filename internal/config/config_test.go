package config

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func load(args []string, env map[string]string) (*Config, error) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return Load(fs, args, func(k string) string { return env[k] })
}

func TestDefaults(t *testing.T) {
	c, err := load(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.IsPostgres() || c.SMTP.Port != 587 || c.JobPollInterval != time.Second || c.CookieSecure {
		t.Errorf("unexpected defaults: %+v", c)
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	env := map[string]string{"TS_ADDR": ":1111", "TS_DATA_DIR": "/env", "TS_BASE_URL": "https://env.example"}
	c, err := load([]string{"--addr", ":2222"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":2222" {
		t.Errorf("Addr = %q, want the flag's :2222", c.Addr)
	}
	if c.DataDir != "/env" || c.BaseURL != "https://env.example" || !c.CookieSecure {
		t.Errorf("environment not applied: %+v", c)
	}
}

func TestInvalidSettings(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"database url", map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL"},
		{"postgres without host", map[string]string{"DATABASE_URL": "postgres://"}, "DATABASE_URL"},
		{"base url", map[string]string{"TS_BASE_URL": "localhost:8080"}, "TS_BASE_URL"},
		{"smtp port", map[string]string{"TS_SMTP_PORT": "99999"}, "TS_SMTP_PORT"},
		{"smtp tls", map[string]string{"TS_SMTP_TLS": "maybe"}, "TS_SMTP_TLS"},
		{"log format", map[string]string{"TS_LOG_FORMAT": "xml"}, "TS_LOG_FORMAT"},
		{"secret key", map[string]string{"TS_SECRET_KEY": "c2hvcnQ="}, "TS_SECRET_KEY"},
		{"poll interval", map[string]string{"TS_JOB_POLL_INTERVAL": "1ms"}, "TS_JOB_POLL_INTERVAL"},
		{"empty data dir", map[string]string{"TS_DATA_DIR": ""}, ""},
		{"scorer url", map[string]string{"TS_SCORER_MODEL_URL": "ftp://model", "TS_SCORER_MODEL": "m"}, "TS_SCORER_MODEL_URL"},
		{"scorer url with user", map[string]string{"TS_SCORER_MODEL_URL": "https://u:p@model.example/v1", "TS_SCORER_MODEL": "m"}, "TS_SCORER_MODEL_URL"},
		{"scorer without model", map[string]string{"TS_SCORER_MODEL_URL": "https://model.example/v1"}, "TS_SCORER_MODEL"},
		{"scorer key without url", map[string]string{"TS_SCORER_MODEL_KEY": "k"}, "TS_SCORER_MODEL_URL"},
		{"scorer timeout", map[string]string{"TS_SCORER_MODEL_URL": "https://model.example/v1", "TS_SCORER_MODEL": "m", "TS_SCORER_MODEL_TIMEOUT": "1h"}, "TS_SCORER_MODEL_TIMEOUT"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := []string(nil)
			if tc.name == "empty data dir" {
				args = []string{"--data-dir", ""}
			}
			_, err := load(args, tc.env)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %s", err, tc.want)
			}
		})
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL":        "postgres://user:hunter2@db:5432/x",
		"TS_SMTP_PASSWORD":    "hunter3",
		"TS_SECRET_KEY":       "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
		"TS_SCORER_MODEL_URL": "https://model.example/v1",
		"TS_SCORER_MODEL":     "small-1",
		"TS_SCORER_MODEL_KEY": "sk-hunter4",
	}
	c, err := load(nil, env)
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "config", c, "smtp", c.SMTP, "db", c.DatabaseURL, "scorer", c.ScorerModel)
	for _, out := range []string{fmt.Sprintf("%v %+v", c, c), logged.String()} {
		for _, secret := range []string{"hunter2", "hunter3", "MDEyMzQ1", "hunter4"} {
			if strings.Contains(out, secret) {
				t.Errorf("secret %q printed in %s", secret, out)
			}
		}
	}
	if c.DatabaseURL.Reveal() != env["DATABASE_URL"] || !c.IsPostgres() {
		t.Error("the secret's value was lost")
	}
}

func TestBaseURLFollowsTheListenAddress(t *testing.T) {
	cases := map[string]string{":8080": "http://localhost:8080", "127.0.0.1:9000": "http://127.0.0.1:9000", "0.0.0.0:80": "http://localhost:80"}
	for addr, want := range cases {
		c, err := load([]string{"--addr", addr}, nil)
		if err != nil || c.BaseURL != want {
			t.Errorf("--addr %s: base URL %q (%v), want %q", addr, c.BaseURL, err, want)
		}
	}
	if c, _ := load([]string{"--addr", ":9000", "--base-url", "https://assess.example.com/"}, nil); c.BaseURL != "https://assess.example.com" {
		t.Errorf("an explicit base URL: %q", c.BaseURL)
	}
}

func TestTrustedProxiesAndMetricsToken(t *testing.T) {
	env := map[string]string{"TS_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1 ,::ffff:192.168.1.0/120", "TS_METRICS_TOKEN": "s3cret"}
	c, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "127.0.0.1/32", "192.168.1.0/24"}
	if len(c.TrustedProxies) != len(want) {
		t.Fatalf("proxies %v", c.TrustedProxies)
	}
	for i, p := range c.TrustedProxies {
		if p.String() != want[i] {
			t.Errorf("proxy %d = %s, want %s", i, p, want[i])
		}
	}
	if c.MetricsToken.Reveal() != "s3cret" || c.MetricsToken.String() == "s3cret" {
		t.Errorf("metrics token %q", c.MetricsToken)
	}
	env["TS_METRICS_ADDR"] = "127.0.0.1:9090"
	if c, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string { return env[k] }); err != nil || c.MetricsAddr != "127.0.0.1:9090" {
		t.Errorf("metrics address %q %v", c.MetricsAddr, err)
	}
	env["TS_METRICS_ADDR"] = "9090"
	if _, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string { return env[k] }); err == nil {
		t.Error("a metrics address without a port separator was accepted")
	}
	delete(env, "TS_METRICS_ADDR")
	if c, _ := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string { return env[k] }); c.JobRescueAfter != 2*time.Minute {
		t.Errorf("jobs of a dead instance are rescued after %s by default, want 2m (River's own default is an hour)", c.JobRescueAfter)
	}
	env["TS_JOB_RESCUE_AFTER"] = "10ms"
	if _, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string { return env[k] }); err == nil {
		t.Error("a rescue after 10ms was accepted")
	}
	delete(env, "TS_JOB_RESCUE_AFTER")
	env["TS_TRUSTED_PROXIES"] = "not-a-range"
	if _, err := Load(flag.NewFlagSet("t", flag.ContinueOnError), nil, func(k string) string { return env[k] }); err == nil {
		t.Error("a malformed proxy range was accepted")
	}
}

func TestScorerModel(t *testing.T) {
	c, err := load(nil, nil)
	if err != nil || c.ScorerModel.Enabled() {
		t.Fatalf("the model scorer is on by default: %+v %v", c.ScorerModel, err)
	}
	c, err = load([]string{"--scorer-model-url", "http://127.0.0.1:9/v1/", "--scorer-model", "small-1", "--scorer-model-key", "sk-x", "--scorer-model-timeout", "5s"},
		map[string]string{"TS_SCORER_MODEL": "other"})
	if err != nil {
		t.Fatal(err)
	}
	m := c.ScorerModel
	if !m.Enabled() || m.URL != "http://127.0.0.1:9/v1" || m.Model != "small-1" || m.Key.Reveal() != "sk-x" || m.Timeout != 5*time.Second {
		t.Errorf("scorer settings %+v", m)
	}
}
