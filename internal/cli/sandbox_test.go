package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/talentsystems/talentsystems/internal/cli"
)

// syncBuffer is a buffer two goroutines may use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestGreenhouseSandboxCommand serves the sandbox with flags, sends a
// candidate through it with "send", and checks the errors people see.
func TestGreenhouseSandboxCommand(t *testing.T) {
	var sendBody map[string]any
	partner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, _, _ := r.BasicAuth(); user != "gh_cli_key" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/greenhouse/list_tests":
			io.WriteString(w, `[{"partner_test_id":"pst_1","partner_test_name":"Backend"}]`)
		case "/api/greenhouse/send_test":
			json.NewDecoder(r.Body).Decode(&sendBody)
			io.WriteString(w, `{"partner_interview_id":"7"}`)
		}
	}))
	defer partner.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int)
	go func() {
		done <- cli.Main(ctx, []string{"greenhouse-sandbox", "--addr", addr, "--partner-url", partner.URL, "--fault", "patch:latency=10ms"},
			cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(k string) string {
				return map[string]string{"TS_SANDBOX_KEY": "gh_cli_key"}[k]
			}})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "TS_GREENHOUSE_SANDBOX_HOSTS="+addr) {
		if time.Now().After(deadline) {
			t.Fatalf("the sandbox did not start: %s %s", out.String(), errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	r := run(t, nil, "", "greenhouse-sandbox", "send", "--sandbox", "http://"+addr, "--test", "pst_1", "--email", "hp@example.test", "--first-name", "Hermione")
	if r.code != 0 || !strings.Contains(r.stdout, "partner_interview_id: 7") || !strings.Contains(r.stdout, "http://"+addr+"/integrations/testing_partners/take_home_tests/") {
		t.Errorf("send: %+v", r)
	}
	if c, _ := sendBody["candidate"].(map[string]any); c["first_name"] != "Hermione" || sendBody["partner_test_id"] != "pst_1" {
		t.Errorf("send_test body %v", sendBody)
	}
	bad := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no test", []string{"greenhouse-sandbox", "send", "--email", "x@example.test"}, 2, "--test and --email are required"},
		{"no sandbox", []string{"greenhouse-sandbox", "send", "--sandbox", "http://127.0.0.1:1", "--test", "p", "--email", "x@example.test"}, 1, "no sandbox answers"},
		{"refused", []string{"greenhouse-sandbox", "send", "--sandbox", "http://" + addr, "--test", "p", "--email", "x@example.test", "--key", "gh_wrong"}, 1, "did not take the candidate"},
		{"bad fault", []string{"greenhouse-sandbox", "--fault", "patch:failure_rate=2"}, 2, "between 0 and 1"},
		{"unknown action", []string{"greenhouse-sandbox", "stop"}, 2, `unknown action "stop"`},
		{"help", []string{"greenhouse-sandbox", "-h"}, 0, "--partner-url"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, nil, "", tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, strings.TrimPrefix(tc.want, "--")) {
				t.Errorf("%+v, want code %d and %q", r, tc.code, tc.want)
			}
		})
	}
	if r := run(t, nil, "", "help"); !strings.Contains(r.stdout, "greenhouse-sandbox") {
		t.Error("the usage does not list greenhouse-sandbox")
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d: %s", code, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the sandbox did not stop")
	}
}
