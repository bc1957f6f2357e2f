package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
)

// Test is one entry of a partner's list_tests.
type Test struct {
	ID, Name string
}

// checkListTests checks a list_tests answer: a bare JSON array of objects
// with non-empty string partner_test_id and partner_test_name. It returns
// the tests it could read and the violations.
func checkListTests(body []byte) ([]Test, []string) {
	var items []json.RawMessage
	if err := json.Unmarshal(body, &items); err != nil {
		return nil, []string{"the response is not a JSON array (list_tests answers a bare array of tests): " + jsonProblem(body, err)}
	}
	var tests []Test
	var errs []string
	for i, raw := range items {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
			errs = append(errs, fmt.Sprintf("test %d is not a JSON object", i))
			continue
		}
		id, idErr := requiredString(obj, "partner_test_id")
		name, nameErr := requiredString(obj, "partner_test_name")
		for _, e := range []string{idErr, nameErr} {
			if e != "" {
				errs = append(errs, fmt.Sprintf("test %d: %s", i, e))
			}
		}
		if idErr == "" && nameErr == "" {
			tests = append(tests, Test{ID: id, Name: name})
		}
	}
	return tests, errs
}

// checkSendTest checks a send_test answer: {"partner_interview_id": "<string>"}.
func checkSendTest(body []byte) (string, []string) {
	obj, problem := object(body)
	if problem != "" {
		return "", []string{problem}
	}
	id, e := requiredString(obj, "partner_interview_id")
	if e != "" {
		return "", []string{e}
	}
	return id, nil
}

// checkTestStatus checks a test_status answer: partner_status required; once
// complete, partner_profile_url required (an absolute http(s) URL); partner_score
// optional, a number; metadata optional, a flat object of strings, numbers or
// booleans. Unknown fields are ignored, as Greenhouse ignores them.
func checkTestStatus(body []byte) (*Status, []string) {
	obj, problem := object(body)
	if problem != "" {
		return nil, []string{problem}
	}
	st := &Status{Raw: string(body)}
	var errs []string
	status, e := requiredString(obj, "partner_status")
	if e != "" {
		errs = append(errs, e)
	}
	st.PartnerStatus = status
	if raw, ok := present(obj, "partner_profile_url"); ok {
		var u string
		if json.Unmarshal(raw, &u) != nil {
			errs = append(errs, "partner_profile_url is not a string")
		} else if p, err := url.Parse(u); err != nil || !p.IsAbs() || p.Host == "" || (p.Scheme != "http" && p.Scheme != "https") {
			errs = append(errs, fmt.Sprintf("partner_profile_url %q is not an absolute http(s) URL", u))
		} else {
			st.ProfileURL = u
		}
	} else if status == "complete" {
		errs = append(errs, "partner_status is 'complete' but partner_profile_url is missing")
	}
	if raw, ok := present(obj, "partner_score"); ok {
		var n json.Number
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if d.Decode(&n) != nil || raw[0] == '"' {
			errs = append(errs, "partner_score is not a number: "+string(raw))
		} else if f, err := n.Float64(); err == nil {
			st.Score = &f
		}
	}
	if raw, ok := present(obj, "metadata"); ok {
		md, e := checkMetadata(raw)
		errs = append(errs, e...)
		st.Metadata = md
	}
	return st, errs
}

// checkMetadata reads a flat metadata object, in the partner's key order.
func checkMetadata(raw json.RawMessage) ([]MetadataEntry, []string) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, []string{"metadata is not a JSON object"}
	}
	var out []MetadataEntry
	var errs []string
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return out, []string{"metadata is not valid JSON"}
		}
		key, _ := t.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return out, []string{"metadata is not valid JSON"}
		}
		switch v[0] {
		case '{', '[':
			errs = append(errs, fmt.Sprintf("metadata %q is not a string, number or boolean (metadata must be flat)", key))
		case 'n':
			out = append(out, MetadataEntry{Label: key})
		case '"':
			var s string
			json.Unmarshal(v, &s)
			out = append(out, MetadataEntry{Label: key, Value: s})
		default:
			out = append(out, MetadataEntry{Label: key, Value: string(v)})
		}
	}
	return out, errs
}

func object(body []byte) (map[string]json.RawMessage, string) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, "the response is not a JSON object: " + jsonProblem(body, err)
	}
	return obj, ""
}

// present returns a field that is there and not null.
func present(obj map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	raw, ok := obj[name]
	if !ok || string(raw) == "null" {
		return nil, false
	}
	return raw, true
}

func requiredString(obj map[string]json.RawMessage, name string) (string, string) {
	raw, ok := present(obj, name)
	if !ok {
		return "", name + " is missing"
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Sprintf("%s is not a string: %s", name, short(string(raw), 60))
	}
	if s == "" {
		return "", name + " is empty"
	}
	return s, ""
}

func jsonProblem(body []byte, err error) string {
	if len(bytes.TrimSpace(body)) == 0 {
		return "the body is empty"
	}
	if err == nil {
		return "it is " + strconv.Quote(short(string(body), 60))
	}
	return err.Error()
}

func short(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
