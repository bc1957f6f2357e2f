package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
)

// SendInput is the JSON body of POST /admin/sends.
type SendInput struct {
	TestID     string `json:"test_id"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Email      string `json:"email"`
	SentBy     string `json:"sent_by"`
	PartnerURL string `json:"partner_url"`
	APIKey     string `json:"api_key"`
}

func (s *Sandbox) adminState(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Snapshot())
}

func (s *Sandbox) adminFaults(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Faults())
}

// adminSetFault sets one endpoint's fault from a JSON Fault ({} clears it),
// or a sequence of faults from a JSON array of them (see SetFaults).
func (s *Sandbox) adminSetFault(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "The body could not be read: " + err.Error()})
		return
	}
	var seq []Fault
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '[' {
		err = d.Decode(&seq)
	} else {
		var f Fault
		err = d.Decode(&f)
		seq = []Fault{f}
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "The body is not a fault nor a list of faults: " + err.Error()})
		return
	}
	if err := s.SetFaults(r.PathValue("endpoint"), seq...); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, s.Faults())
}

// adminSend sends a candidate and answers the send as recorded.
func (s *Sandbox) adminSend(w http.ResponseWriter, r *http.Request) {
	var in SendInput
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "The body is not a send: " + err.Error()})
		return
	}
	if in.TestID == "" || in.Email == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "test_id and email are required."})
		return
	}
	sd, err := s.Send(r.Context(), SendRequest{TestID: in.TestID, FirstName: in.FirstName, LastName: in.LastName, Email: in.Email,
		SentBy: in.SentBy, PartnerURL: in.PartnerURL, APIKey: in.APIKey})
	if sd == nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	code := http.StatusOK
	if err != nil {
		code = http.StatusBadGateway
	}
	writeJSON(w, code, sd)
}

func (s *Sandbox) adminPoll(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	st, err := s.Poll(r.Context(), id)
	if err != nil {
		code := http.StatusBadGateway
		if errors.Is(err, ErrNoSend) {
			code = http.StatusNotFound
		}
		writeJSON(w, code, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (s *Sandbox) adminRevoke(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]int{"revoked": s.RevokeGrants()})
}

// adminResend repeats a send and answers the partner_interview_id it got.
func (s *Sandbox) adminResend(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	got, err := s.Resend(r.Context(), id)
	switch {
	case errors.Is(err, ErrNoSend):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	case err != nil:
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": err.Error(), "partner_interview_id": got})
	default:
		writeJSON(w, http.StatusOK, map[string]string{"partner_interview_id": got})
	}
}
