package greenhouse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/safetext"
)

// MaxBodyBytes caps a request body.
const MaxBodyBytes = 1 << 20

// Field length limits. Required fields over their limit are refused; optional
// ones are cut, since they are only shown to people.
const (
	maxIDLength   = 100
	maxNameLength = 100
	maxURLLength  = 2048
	maxTextLength = 254
	maxErrors     = 50
	maxErrorText  = 2000
)

// SendTest is a Send Test request (contract §1.2).
type SendTest struct {
	PartnerTestID string
	Candidate     Candidate
	SentBy        string
	// URL is where the completion callback goes; very old integrations sent
	// it inside candidate, which is accepted too.
	URL string
}

// Candidate is the person Greenhouse sends.
type Candidate struct {
	FirstName, LastName, PreferredName, Email, PhoneNumber, ResumeURL string
	GreenhouseProfileURL                                              string
}

// ResponseErrorReport is a Response Error request (contract §1.5).
type ResponseErrorReport struct {
	APICall            string
	Errors             []string
	PartnerTestID      string
	PartnerTestName    string
	PartnerInterviewID string
	CandidateEmail     string
}

// fieldErrors collects what is wrong with a request, in the order found.
type fieldErrors struct {
	order  []string
	fields map[string]string
}

func (fe *fieldErrors) add(field, format string, args ...any) {
	if fe.fields == nil {
		fe.fields = map[string]string{}
	}
	if _, dup := fe.fields[field]; dup {
		return
	}
	fe.order = append(fe.order, field)
	fe.fields[field] = fmt.Sprintf(format, args...)
}

func (fe *fieldErrors) err() error {
	if len(fe.order) == 0 {
		return nil
	}
	msg := fe.fields[fe.order[0]]
	if n := len(fe.order); n > 1 {
		msg += fmt.Sprintf(" (and %d more problems)", n-1)
	}
	return &apperror.Error{Kind: apperror.Invalid, Message: msg, Fields: fe.fields}
}

// object is a decoded JSON object with its location, for messages.
type object struct {
	path   string
	fields map[string]json.RawMessage
}

// decodeObject reads one JSON object from r. Unknown fields are kept (and
// ignored by the callers); anything after the object is an error.
func decodeObject(r io.Reader) (*object, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBodyBytes+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || len(b) > MaxBodyBytes {
		return nil, apperror.New(apperror.TooLarge, "The request body is larger than %d MiB.", MaxBodyBytes>>20)
	}
	if err != nil {
		return nil, apperror.Field("body", "The request body could not be read.")
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, apperror.Field("body", "The request body is empty: it must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var fields map[string]json.RawMessage
	if err := dec.Decode(&fields); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, apperror.Field("body", "The request body must be a JSON object, not %s.", typeErr.Value)
		}
		return nil, apperror.Field("body", "The request body is not valid JSON: %s.", strings.TrimPrefix(err.Error(), "json: "))
	}
	if fields == nil {
		return nil, apperror.Field("body", "The request body must be a JSON object, not null.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, apperror.Field("body", "The request body must hold one JSON object and nothing after it.")
	}
	return &object{fields: fields}, nil
}

func (o *object) name(key string) string {
	if o.path == "" {
		return key
	}
	return o.path + "." + key
}

// has reports whether key is present and not null.
func (o *object) has(key string) bool {
	raw, ok := o.fields[key]
	return ok && !bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

// str returns a string field; a number is accepted as its decimal text,
// since ids may arrive either way. Missing and null give "".
func (o *object) str(key string, fe *fieldErrors) string {
	if !o.has(key) {
		return ""
	}
	raw := bytes.TrimSpace(o.fields[key])
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if safetext.HasControl(s, false) {
			fe.add(o.name(key), "%s must not contain control characters.", o.name(key))
			return ""
		}
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	fe.add(o.name(key), "%s must be a string.", o.name(key))
	return ""
}

// required returns a string field that must be present, non-empty and at
// most limit bytes long.
func (o *object) required(key string, limit int, fe *fieldErrors) string {
	name := o.name(key)
	if !o.has(key) {
		fe.add(name, "%s is required.", name)
		return ""
	}
	s := o.str(key, fe)
	if _, bad := fe.fields[name]; bad {
		return ""
	}
	if s == "" {
		fe.add(name, "%s must not be empty.", name)
		return ""
	}
	if len(s) > limit {
		fe.add(name, "%s is longer than %d characters.", name, limit)
		return ""
	}
	return s
}

// optional returns a string field cut to limit bytes (on a character boundary).
func (o *object) optional(key string, limit int, fe *fieldErrors) string {
	return cut(o.str(key, fe), limit)
}

func cut(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	for limit > 0 && !utf8.RuneStart(s[limit]) {
		limit--
	}
	return s[:limit]
}

// child returns a nested object field, or nil when it is missing or null.
func (o *object) child(key string, fe *fieldErrors) *object {
	if !o.has(key) {
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(o.fields[key], &fields); err != nil {
		fe.add(o.name(key), "%s must be a JSON object.", o.name(key))
		return nil
	}
	return &object{path: o.name(key), fields: fields}
}

// absoluteURL checks that a required field is an absolute http(s) URL.
func absoluteURL(field, s string, fe *fieldErrors) {
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		fe.add(field, "%s must be an absolute http or https URL.", field)
	}
}

// DecodeSendTest reads and validates a Send Test request. Errors are Invalid
// (naming each field at fault) or TooLarge.
func DecodeSendTest(r io.Reader) (*SendTest, error) {
	o, err := decodeObject(r)
	if err != nil {
		return nil, err
	}
	var fe fieldErrors
	st := &SendTest{}
	st.PartnerTestID = o.required("partner_test_id", maxIDLength, &fe)
	c := o.child("candidate", &fe)
	if c == nil {
		if _, bad := fe.fields["candidate"]; !bad {
			fe.add("candidate", "candidate is required.")
		}
	} else {
		st.Candidate = Candidate{
			FirstName:            c.required("first_name", maxNameLength, &fe),
			LastName:             c.required("last_name", maxNameLength, &fe),
			PreferredName:        c.optional("preferred_name", maxNameLength, &fe),
			Email:                c.required("email", maxTextLength, &fe),
			PhoneNumber:          c.optional("phone_number", 40, &fe),
			ResumeURL:            c.optional("resume_url", maxURLLength, &fe),
			GreenhouseProfileURL: c.required("greenhouse_profile_url", maxURLLength, &fe),
		}
		absoluteURL("candidate.greenhouse_profile_url", st.Candidate.GreenhouseProfileURL, &fe)
	}
	st.SentBy = o.optional("sent_by", maxTextLength, &fe)
	switch {
	case o.has("url"):
		st.URL = o.required("url", maxURLLength, &fe)
		absoluteURL("url", st.URL, &fe)
	case c != nil && c.has("url"):
		st.URL = c.required("url", maxURLLength, &fe)
		absoluteURL("candidate.url", st.URL, &fe)
	default:
		fe.add("url", "url is required: the address Greenhouse is told of the result at.")
	}
	if err := fe.err(); err != nil {
		return nil, err
	}
	return st, nil
}

// DecodeResponseError reads and validates a Response Error report. errors
// may be an array (elements that are not strings are kept as JSON text) or a
// single string.
func DecodeResponseError(r io.Reader) (*ResponseErrorReport, error) {
	o, err := decodeObject(r)
	if err != nil {
		return nil, err
	}
	var fe fieldErrors
	rep := &ResponseErrorReport{APICall: o.required("api_call", maxIDLength, &fe)}
	if !o.has("errors") {
		fe.add("errors", "errors is required.")
	} else {
		var list []json.RawMessage
		var one string
		raw := o.fields["errors"]
		switch {
		case json.Unmarshal(raw, &list) == nil:
			for _, item := range list {
				if len(rep.Errors) == maxErrors {
					break
				}
				var s string
				if json.Unmarshal(item, &s) != nil {
					s = string(bytes.TrimSpace(item))
				} else if safetext.HasControl(s, true) {
					fe.add("errors", "errors must not contain control characters other than tabs and line breaks.")
					break
				}
				if s = strings.TrimSpace(s); s != "" {
					rep.Errors = append(rep.Errors, cut(s, maxErrorText))
				}
			}
		case json.Unmarshal(raw, &one) == nil:
			if safetext.HasControl(one, true) {
				fe.add("errors", "errors must not contain control characters other than tabs and line breaks.")
				break
			}
			if one = strings.TrimSpace(one); one != "" {
				rep.Errors = []string{cut(one, maxErrorText)}
			}
		default:
			fe.add("errors", "errors must be an array of strings.")
		}
	}
	rep.PartnerTestID = o.optional("partner_test_id", maxIDLength, &fe)
	rep.PartnerTestName = o.optional("partner_test_name", maxTextLength, &fe)
	rep.PartnerInterviewID = o.optional("partner_interview_id", maxIDLength, &fe)
	rep.CandidateEmail = o.optional("candidate_email", maxTextLength, &fe)
	if err := fe.err(); err != nil {
		return nil, err
	}
	return rep, nil
}

// ParseInterviewID returns the partner_interview_id query parameter of a
// Test Status request.
func ParseInterviewID(q url.Values) (string, error) {
	if !q.Has("partner_interview_id") {
		return "", apperror.Field("partner_interview_id", "partner_interview_id is required.")
	}
	id := strings.TrimSpace(q.Get("partner_interview_id"))
	switch {
	case id == "":
		return "", apperror.Field("partner_interview_id", "partner_interview_id must not be empty.")
	case len(id) > maxIDLength || !utf8.ValidString(id) || safetext.HasControl(id, false):
		return "", apperror.Field("partner_interview_id", "partner_interview_id is not a valid id.")
	}
	return id, nil
}

// ParseProfileURL returns the Greenhouse candidate id (the path segment after
// /people/) and application id (the application_id query parameter) of a
// greenhouse_profile_url; either is empty when the URL does not carry it.
func ParseProfileURL(s string) (candidateID, applicationID string) {
	u, err := url.Parse(s)
	if err != nil {
		return "", ""
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if segs[i] == "people" && segs[i+1] != "" {
			candidateID = cut(segs[i+1], 64)
			break
		}
	}
	return candidateID, cut(u.Query().Get("application_id"), 64)
}

var takeHomeRe = regexp.MustCompile(`/take_home_tests/([^/?#]+)`)

// TestKey returns what makes a Send Test unique: the id after
// take_home_tests/ in its callback url, or the whole url when it has none.
func TestKey(callbackURL string) string {
	u, err := url.Parse(callbackURL)
	if err == nil {
		if m := takeHomeRe.FindStringSubmatch(u.EscapedPath()); m != nil {
			return m[1]
		}
	}
	return callbackURL
}
