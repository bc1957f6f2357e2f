package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/greenhouse/sandbox"
)

const sandboxUsage = `Usage:
  talentsystems greenhouse-sandbox [serve] [flags]
      run a local stand-in for Greenhouse: the assessment stage (a page at its
      address), OAuth (/authorize, /token) and Harvest v3 (/v3/...)
  talentsystems greenhouse-sandbox send --test ID --email E [flags]
      ask a running sandbox to send a dummy candidate to the partner

See docs/sandbox.md. Flags of serve:
`

// sandboxCmd runs "greenhouse-sandbox [serve|send]".
func sandboxCmd(ctx context.Context, env Env, args []string) error {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "serve":
			return sandboxServe(ctx, env, args[1:])
		case "send":
			return sandboxSend(ctx, env, args[1:])
		default:
			return apperror.New(apperror.Invalid, "unknown action %q: greenhouse-sandbox [serve|send]", args[0])
		}
	}
	return sandboxServe(ctx, env, args)
}

// faultFlags collects repeated --fault flags.
type faultFlags map[string]sandbox.Fault

func (f faultFlags) String() string { return "" }

func (f faultFlags) Set(v string) error {
	name, fault, err := sandbox.ParseFault(v)
	if err != nil {
		return err
	}
	f[name] = fault
	return nil
}

// listFlag collects a repeated string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

func sandboxServe(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("talentsystems greenhouse-sandbox", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned; the usage is printed for -h only
	var cfg sandbox.Config
	var addr, publicURL string
	var seed uint64
	var redirects listFlag
	faults := faultFlags{}
	fs.StringVar(&addr, "addr", "127.0.0.1:8090", "address to listen on")
	fs.StringVar(&publicURL, "url", "", "the sandbox's base URL as the partner reaches it (default: http://ADDR)")
	fs.StringVar(&cfg.PartnerURL, "partner-url", "", "the partner's base URL, e.g. http://127.0.0.1:8080 (its API is under /api/greenhouse/)")
	fs.StringVar(&cfg.PatchCredential, "patch-credential", "", "user:password the completion PATCH must carry instead of the API key\n(for a partner with TS_GREENHOUSE_CALLBACK_AUTH=basic)")
	fs.StringVar(&cfg.APIKey, "key", "", "the organization's API key for the partner API (default: $TS_SANDBOX_KEY); the PATCH must carry it")
	fs.StringVar(&cfg.ClientID, "client-id", "sandbox-client", "OAuth client id the token endpoint accepts")
	fs.StringVar(&cfg.ClientSecret, "client-secret", "sandbox-secret", "OAuth client secret the token endpoint accepts")
	fs.Var(&redirects, "redirect-uri", "an allowed OAuth redirect URI (repeatable; default: any absolute URI)")
	fs.DurationVar(&cfg.AccessTokenTTL, "access-token-ttl", time.Hour, "access token lifetime")
	fs.DurationVar(&cfg.RefreshTokenTTL, "refresh-token-ttl", 24*time.Hour, "refresh token lifetime (single use, rotating)")
	fs.DurationVar(&cfg.CodeTTL, "code-ttl", time.Minute, "authorization code lifetime")
	fs.IntVar(&cfg.RateLimit, "rate-limit", 50, "Harvest requests allowed per access token per --rate-window")
	fs.DurationVar(&cfg.RateWindow, "rate-window", 10*time.Second, "Harvest rate limit window")
	fs.Var(faults, "fault", "a fault, repeatable: ENDPOINT:key=value,... with ENDPOINT one of "+strings.Join(sandbox.Endpoints, ", ")+
		"\nand keys failure_rate, failure_status, rate_limit_rate, retry_after, timeout_rate, timeout_seconds,\ndrop_rate, latency (e.g. 200ms), hold, count (the fault applies to the next N requests only);\ne.g. --fault patch:failure_rate=0.3,latency=500ms")
	fs.Uint64Var(&seed, "seed", 1, "seed of the fault decisions (same seed, same faults)")
	fs.BoolVar(&cfg.Legacy, "legacy", false, "legacy mode: read test_status only when polled, not after each PATCH")
	if err := parseFlags(env, fs, args, sandboxUsage); err != nil {
		return err
	}
	if cfg.APIKey == "" {
		cfg.APIKey = env.Getenv("TS_SANDBOX_KEY")
	}
	if fs.NArg() > 0 {
		return apperror.New(apperror.Invalid, "unexpected argument %q", fs.Arg(0))
	}
	if cfg.PartnerURL == "" || cfg.APIKey == "" {
		fmt.Fprintln(env.Stderr, "note: without --partner-url and --key the sandbox cannot call list_tests; sends can still name them (send --partner --key).")
	}
	cfg.RedirectURIs, cfg.Faults, cfg.Seed = redirects, faults, seed
	cfg.Log = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s := sandbox.New(cfg)
	if err := s.Start(addr); err != nil {
		return err
	}
	if publicURL != "" {
		s.SetURL(publicURL)
	}
	fmt.Fprintf(env.Stdout, "Greenhouse sandbox at %s\n  stage page:   %s/\n  OAuth:        %s/authorize, %s/token (client %s)\n  Harvest v3:   %s/v3/\n"+
		"Let the product call it back: TS_GREENHOUSE_SANDBOX_HOSTS=%s\n", s.URL(), s.URL(), s.URL(), s.URL(), cfg.ClientID, s.URL(), s.Addr())
	<-ctx.Done()
	return s.Close()
}

func sandboxSend(ctx context.Context, env Env, args []string) error {
	fs := flag.NewFlagSet("talentsystems greenhouse-sandbox send", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var base string
	var in sandbox.SendInput
	fs.StringVar(&base, "sandbox", "http://127.0.0.1:8090", "the running sandbox's URL")
	fs.StringVar(&in.TestID, "test", "", "the partner_test_id to send (required; the sandbox's page lists them)")
	fs.StringVar(&in.Email, "email", "", "the dummy candidate's email (required)")
	fs.StringVar(&in.FirstName, "first-name", "Harry", "the candidate's first name")
	fs.StringVar(&in.LastName, "last-name", "Potter", "the candidate's last name")
	fs.StringVar(&in.PartnerURL, "partner", "", "the partner's base URL (default: the sandbox's --partner-url)")
	fs.StringVar(&in.APIKey, "key", "", "the organization's API key (default: $TS_SANDBOX_KEY, else the sandbox's --key)")
	if err := parseFlags(env, fs, args, "Usage: talentsystems greenhouse-sandbox send --test ID --email E [flags]\n"); err != nil {
		return err
	}
	if in.APIKey == "" {
		in.APIKey = env.Getenv("TS_SANDBOX_KEY")
	}
	if in.TestID == "" || in.Email == "" {
		return apperror.New(apperror.Invalid, "--test and --email are required")
	}
	body, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(base, "/")+"/admin/sends", bytes.NewReader(body))
	if err != nil {
		return apperror.New(apperror.Invalid, "--sandbox %q is not a URL", base)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("no sandbox answers at %s (start it with 'talentsystems greenhouse-sandbox'): %w", base, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var sd sandbox.Send
	if resp.StatusCode == http.StatusBadRequest || json.Unmarshal(raw, &sd) != nil || sd.ID == 0 {
		var e struct{ Error string }
		json.Unmarshal(raw, &e)
		if e.Error == "" {
			e.Error = strings.TrimSpace(string(raw))
		}
		return fmt.Errorf("the sandbox refused the send (%s): %s", resp.Status, e.Error)
	}
	if sd.Error != "" {
		return fmt.Errorf("take-home test %d: the partner did not take the candidate: %s", sd.ID, sd.Error)
	}
	fmt.Fprintf(env.Stdout, "sent %s %s <%s> to test %s\n  partner_interview_id: %s\n  callback url:         %s\n  watch it at           %s/\n",
		sd.FirstName, sd.LastName, sd.Email, sd.TestID, sd.InterviewID, sd.URL, strings.TrimRight(base, "/"))
	return nil
}

// parseFlags parses args; on -h it prints usage and the flags to stderr.
func parseFlags(env Env, fs *flag.FlagSet, args []string, usage string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(env.Stderr, usage)
		fs.SetOutput(env.Stderr)
		fs.PrintDefaults()
		return err
	}
	if err != nil {
		return apperror.New(apperror.Invalid, "%s (see -h)", err.Error())
	}
	return nil
}
