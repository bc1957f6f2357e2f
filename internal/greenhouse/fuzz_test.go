package greenhouse

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/talentsystems/talentsystems/internal/safetext"

	"github.com/talentsystems/talentsystems/internal/apperror"
)

// The seed corpora are in testdata/fuzz/<name>/ and run with the normal
// suite; go test -fuzz=FuzzX ./internal/greenhouse explores further.

func FuzzParseBasicAuth(f *testing.F) {
	f.Add("Basic " + b64(key+":"))
	f.Fuzz(func(t *testing.T, header string) {
		k, err := ParseBasicAuth(header)
		if err != nil {
			if err != ErrNoCredentials && err != ErrBadCredentials {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if k == "" || len(k) > 170 || strings.ContainsAny(k, ": \t\r\n\x00") || len(header) > MaxAuthorizationLength {
			t.Fatalf("accepted key %q from %q", k, header)
		}
		if again, err := ParseBasicAuth(BasicAuth(k, "")); err != nil || again != k {
			t.Fatalf("key %q does not round-trip: %q %v", k, again, err)
		}
	})
}

// checkDecodeError checks that a decoder failed the way the API promises:
// Invalid naming at least one field, or TooLarge.
func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	switch apperror.KindOf(err) {
	case apperror.TooLarge:
	case apperror.Invalid:
		fields := apperror.FieldsOf(err)
		if len(fields) == 0 || apperror.Message(err) == "" {
			t.Fatalf("invalid request error names no field: %v", err)
		}
	default:
		t.Fatalf("error of kind %v: %v", apperror.KindOf(err), err)
	}
}

func FuzzDecodeSendTest(f *testing.F) {
	f.Add([]byte(validSendTest))
	f.Fuzz(func(t *testing.T, body []byte) {
		st, err := DecodeSendTest(bytes.NewReader(body))
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		c := st.Candidate
		for name, v := range map[string]string{"partner_test_id": st.PartnerTestID, "first_name": c.FirstName, "last_name": c.LastName,
			"email": c.Email, "greenhouse_profile_url": c.GreenhouseProfileURL, "url": st.URL} {
			if v == "" || v != strings.TrimSpace(v) {
				t.Fatalf("accepted a request with %s %q", name, v)
			}
		}
		for _, v := range []string{st.PartnerTestID, c.FirstName, c.LastName, c.PreferredName, c.Email, c.PhoneNumber, c.ResumeURL, c.GreenhouseProfileURL, st.URL, st.SentBy} {
			if safetext.HasControl(v, false) {
				t.Fatalf("accepted a control character in %q", v)
			}
		}
		if len(st.PartnerTestID) > maxIDLength || len(c.FirstName) > maxNameLength || len(c.PhoneNumber) > 40 || len(st.SentBy) > maxTextLength {
			t.Fatalf("a field over its limit: %+v", st)
		}
		if u, err := url.Parse(st.URL); err != nil || !u.IsAbs() {
			t.Fatalf("accepted url %q", st.URL)
		}
		// What was accepted, sent again in the documented shape, decodes the same.
		again, err := DecodeSendTest(bytes.NewReader(encodeSendTest(st)))
		if err != nil || *again != *st {
			t.Fatalf("re-encoded request decodes to %+v, %v; want %+v", again, err, st)
		}
	})
}

func encodeSendTest(st *SendTest) []byte {
	b, _ := json.Marshal(map[string]any{
		"partner_test_id": st.PartnerTestID, "sent_by": st.SentBy, "url": st.URL,
		"candidate": map[string]any{"first_name": st.Candidate.FirstName, "last_name": st.Candidate.LastName,
			"preferred_name": st.Candidate.PreferredName, "email": st.Candidate.Email, "phone_number": st.Candidate.PhoneNumber,
			"resume_url": st.Candidate.ResumeURL, "greenhouse_profile_url": st.Candidate.GreenhouseProfileURL},
	})
	return b
}

func FuzzDecodeResponseError(f *testing.F) {
	f.Add([]byte(`{"api_call": "test_status", "errors": ["x"]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeResponseError(bytes.NewReader(body))
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		if r.APICall == "" || len(r.APICall) > maxIDLength || len(r.Errors) > maxErrors {
			t.Fatalf("accepted %+v", r)
		}
		for _, e := range r.Errors {
			if e == "" || len(e) > maxErrorText || safetext.HasControl(e, true) {
				t.Fatalf("accepted error text %q", e)
			}
		}
	})
}

func FuzzParseInterviewID(f *testing.F) {
	f.Add("partner_interview_id=42")
	f.Fuzz(func(t *testing.T, rawQuery string) {
		q, _ := url.ParseQuery(rawQuery)
		id, err := ParseInterviewID(q)
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		if id == "" || len(id) > maxIDLength || !utf8.ValidString(id) || id != strings.TrimSpace(id) {
			t.Fatalf("accepted id %q", id)
		}
	})
}
