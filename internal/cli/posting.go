package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
	"github.com/talentsystems/talentsystems/internal/postings"
)

// openOrg opens the app and returns the organization with slug, and an actor
// acting on its behalf from the command line (no user).
func openOrg(ctx context.Context, env Env, name string, args []string, define func(fs *flag.FlagSet)) (*app.App, model.Actor, error) {
	var slug string
	cfg, err := load(env, name, args, func(fs *flag.FlagSet) {
		fs.StringVar(&slug, "org", "", "the organization's slug (required)")
		define(fs)
	})
	if err != nil {
		return nil, model.Actor{}, err
	}
	if slug == "" {
		return nil, model.Actor{}, apperror.New(apperror.Invalid, "--org is required")
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return nil, model.Actor{}, err
	}
	org, err := a.Accounts.OrgBySlug(ctx, slug)
	if err != nil {
		a.Close()
		return nil, model.Actor{}, apperror.New(apperror.Invalid, "no organization has the slug %q", slug)
	}
	return a, model.CommandLine(org.ID), nil
}

func postingImport(ctx context.Context, env Env, args []string) error {
	var file string
	var publish bool
	a, actor, err := openOrg(ctx, env, "posting import", args, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "file", "", "the posting JSON file, or - for standard input (required)")
		fs.BoolVar(&publish, "publish", false, "publish the posting at once (only if it passes every publish rule)")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if file == "" {
		return apperror.New(apperror.Invalid, "--file is required")
	}
	in := env.Stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return apperror.New(apperror.Invalid, "cannot read %s: %v", file, err)
		}
		defer f.Close()
		in = f
	}
	p, err := a.Postings.Import(ctx, actor, in, publish)
	if err != nil {
		if problems := postings.ProblemsOf(err); len(problems) > 0 {
			var b strings.Builder
			b.WriteString(apperror.Message(err))
			for _, pr := range problems {
				fmt.Fprintf(&b, "\n  %s", pr.Error())
			}
			return apperror.New(apperror.Invalid, "%s", b.String())
		}
		return err
	}
	fmt.Fprintf(env.Stdout, "%d\t%s\t%s\n", p.ID, p.PublicID, p.Status)
	return nil
}

func postingExport(ctx context.Context, env Env, args []string) error {
	var id int64
	a, actor, err := openOrg(ctx, env, "posting export", args, func(fs *flag.FlagSet) {
		fs.Int64Var(&id, "id", 0, "the posting's id (required)")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	doc, err := a.Postings.Export(ctx, actor, id)
	if err != nil {
		return err
	}
	_, err = env.Stdout.Write(doc)
	return err
}

func postingList(ctx context.Context, env Env, args []string) error {
	var status string
	a, actor, err := openOrg(ctx, env, "posting list", args, func(fs *flag.FlagSet) {
		fs.StringVar(&status, "status", "", "only postings with this status")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	list, err := a.Postings.List(ctx, actor, model.PostingStatus(status))
	if err != nil {
		return err
	}
	for _, p := range list {
		fmt.Fprintf(env.Stdout, "%d\t%s\t%s\t%s\n", p.ID, p.PublicID, p.Status, p.Title)
	}
	return nil
}
