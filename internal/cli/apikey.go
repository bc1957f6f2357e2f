package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// apikeyCmd runs "apikey generate|rotate|revoke --org SLUG". A new key is
// printed alone on standard output (so scripts can capture it) and is never
// shown again.
func apikeyCmd(ctx context.Context, env Env, args []string) error {
	if len(args) == 0 {
		return apperror.New(apperror.Invalid, "give an action: apikey generate|rotate|revoke --org SLUG")
	}
	action, rest := args[0], args[1:]
	switch action {
	case "generate", "rotate", "revoke":
	default:
		return apperror.New(apperror.Invalid, "unknown action %q: apikey generate|rotate|revoke --org SLUG", action)
	}
	a, actor, err := openOrg(ctx, env, "apikey "+action, rest, func(*flag.FlagSet) {})
	if err != nil {
		return err
	}
	defer a.Close()
	switch action {
	case "revoke":
		k, err := a.APIKeys.Revoke(ctx, model.CommandLine(actor.OrgID), actor.OrgID)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "revoked %s…\n", k.Prefix)
		return nil
	case "rotate":
		issued, err := a.APIKeys.Rotate(ctx, model.CommandLine(actor.OrgID), actor.OrgID)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, issued.Key)
		fmt.Fprintf(env.Stderr, "The key %s… stopped working. The new key above is shown once and never again.\n", issued.Replaced.Prefix)
		return nil
	default:
		issued, err := a.APIKeys.Generate(ctx, model.CommandLine(actor.OrgID), actor.OrgID)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, issued.Key)
		fmt.Fprintln(env.Stderr, "The key above is shown once and never again. Give it to Greenhouse with the four URLs (see docs/greenhouse.md).")
		return nil
	}
}
