package config

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestGreenhouseSettings(t *testing.T) {
	c, err := load(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := c.Greenhouse
	if g.SandboxHosts != nil || g.CallbackAuth != "key" || g.CallbackTimeout != 15*time.Second || g.CallbackRetryBase != 30*time.Second ||
		g.CallbackRetryMax != 2*time.Hour || g.CallbackMaxTries != 24 || g.RateLimit != 1200 {
		t.Errorf("defaults: %+v", g)
	}
	c, err = load([]string{"--greenhouse-sandbox-hosts", " 127.0.0.1:8999, Sandbox.Test ,*.dev.test,"}, map[string]string{
		"TS_GREENHOUSE_CALLBACK_AUTH": "basic", "TS_GREENHOUSE_CALLBACK_CREDENTIAL": "partner:hunter4", "TS_GREENHOUSE_RATE_LIMIT": "60",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Greenhouse.SandboxHosts, " "); got != "127.0.0.1:8999 sandbox.test *.dev.test" {
		t.Errorf("sandbox hosts %q", got)
	}
	if c.Greenhouse.CallbackCredential.Reveal() != "partner:hunter4" || c.Greenhouse.RateLimit != 60 {
		t.Errorf("%+v", c.Greenhouse)
	}
	if out := fmt.Sprintf("%+v", c); strings.Contains(out, "hunter4") {
		t.Error("the callback credential is printed")
	}
	bad := []map[string]string{
		{"TS_GREENHOUSE_SANDBOX_HOSTS": "http://example.com"},
		{"TS_GREENHOUSE_SANDBOX_HOSTS": "example.com:99999"},
		{"TS_GREENHOUSE_SANDBOX_HOSTS": "*example.com"},
		{"TS_GREENHOUSE_SANDBOX_HOSTS": "a.*.example.com"},
		{"TS_GREENHOUSE_CALLBACK_AUTH": "bearer"},
		{"TS_GREENHOUSE_CALLBACK_AUTH": "basic"},
		{"TS_GREENHOUSE_CALLBACK_TIMEOUT": "0s"},
		{"TS_GREENHOUSE_CALLBACK_RETRY_BASE": "soon"},
		{"TS_GREENHOUSE_CALLBACK_MAX_TRIES": "0"},
		{"TS_GREENHOUSE_RATE_LIMIT": "-5"},
	}
	for _, env := range bad {
		_, err := load(nil, env)
		var name string
		for k := range env {
			name = k
		}
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v: %v", env, err)
		}
	}
}
