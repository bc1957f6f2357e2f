package sandbox

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// takeHomeTest receives the completion callback on
// /integrations/testing_partners/take_home_tests/{id}, as Greenhouse does:
// a method other than PATCH gets 412, a wrong or missing credential 403, an
// unknown test 404; a 2xx is followed at once by a test_status read.
func (s *Sandbox) takeHomeTest(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	p := Patch{Method: r.Method, Path: r.URL.Path, Body: string(body), At: s.now()}
	p.SendID, _ = strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	sd := s.sendLocked(p.SendID)
	user, pass := s.cfg.APIKey, ""
	if sd != nil {
		user = sd.partner.key
	}
	if s.cfg.PatchCredential != "" {
		user, pass, _ = strings.Cut(s.cfg.PatchCredential, ":")
	}
	s.mu.Unlock()
	p.Auth = checkBasic(r, user, pass)
	fault, answered := s.faults.apply("patch", w, r)
	p.Fault = fault
	record := func(code int, msg string) {
		p.Answer = code
		s.update(func(st *State) { st.Patches = append(st.Patches, p) })
		if msg != "" {
			writeJSON(w, code, map[string]any{"status": code, "message": msg})
		}
	}
	if answered {
		code, _ := strconv.Atoi(fault) // a 429 or failure status; 0 when nothing was answered
		record(code, "")
		return
	}
	switch {
	case r.Method != http.MethodPatch:
		record(http.StatusPreconditionFailed, "Only PATCH is accepted here.")
		return
	case p.Auth != "ok":
		record(http.StatusForbidden, "Invalid credentials.")
		return
	case sd == nil:
		record(http.StatusNotFound, "No such take-home test.")
		return
	}
	record(http.StatusOK, "Test status will be updated.")
	if s.cfg.Legacy {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := s.readStatus(ctx, p.SendID, "patch"); err != nil {
			s.log.Warn("sandbox: test_status after PATCH", "send", p.SendID, "err", err)
		}
	}()
}

// checkBasic compares the request's HTTP Basic credential with user and
// password (by default the partner's key as user name, an empty password);
// an empty user name matches nothing.
func checkBasic(r *http.Request, user, password string) string {
	u, p, ok := r.BasicAuth()
	switch {
	case !ok:
		return "missing"
	case user != "" && subtle.ConstantTimeCompare([]byte(u), []byte(user)) == 1 && subtle.ConstantTimeCompare([]byte(p), []byte(password)) == 1:
		return "ok"
	}
	return "wrong"
}

// writeJSON answers v as JSON with the given status.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
