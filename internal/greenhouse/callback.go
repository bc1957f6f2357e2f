package greenhouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/talentsystems/talentsystems/internal/outbound"
)

// Outcome is the result of one completion callback attempt.
type Outcome struct {
	// Code is the HTTP status Greenhouse answered, 0 when there was no answer.
	Code int
	// Delivered reports a 2xx answer.
	Delivered bool
	// Retry reports a failure worth trying again: 429, 5xx, a timeout or a
	// network error. Any other failure is final.
	Retry bool
	// RetryAfter is what Greenhouse asked us to wait (Retry-After), if anything.
	RetryAfter time.Duration
	// Message says what happened, for people.
	Message string
}

// Patch sends the completion callback: an empty-body PATCH to callbackURL
// with the given Authorization header (none when empty). It never returns
// the key or the header in its message.
func Patch(ctx context.Context, client *http.Client, callbackURL, authorization, userAgent string, now time.Time) Outcome {
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, callbackURL, http.NoBody)
	if err != nil {
		return Outcome{Message: "the callback URL cannot be requested: " + err.Error()}
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, outbound.ErrRefused) {
			return Outcome{Message: cleanError(err)}
		}
		return Outcome{Retry: true, Message: "no answer from Greenhouse: " + cleanError(err)}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	out := Outcome{Code: resp.StatusCode}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		out.Delivered = true
		out.Message = "Greenhouse answered " + resp.Status
		return out
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		out.Retry = true
		out.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), now)
	}
	out.Message = "Greenhouse answered " + resp.Status
	if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
		out.Message += " redirecting to " + snippet(loc) + " (not followed: a callback goes only to the URL Greenhouse gave)"
	}
	if s := snippet(string(body)); s != "" {
		out.Message += ": " + s
	}
	return out
}

// ParseRetryAfter reads a Retry-After header: delay seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, int64(7*24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// snippet makes text from a remote server safe and short enough to store and show.
func snippet(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	return cut(s, 300)
}

func cleanError(err error) string {
	// url.Error repeats method and URL; keep the cause.
	msg := err.Error()
	if i := strings.Index(msg, "\": "); i >= 0 && strings.HasPrefix(msg, "Patch \"") {
		msg = msg[i+3:]
	}
	return snippet(msg)
}

// DescribeDelay renders a delay for people, e.g. "2m0s" → "2 minutes".
func DescribeDelay(d time.Duration) string {
	switch {
	case d < 2*time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	case d < 2*time.Minute:
		return fmt.Sprintf("%d seconds", int(d.Seconds()))
	case d < 2*time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	default:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
}
