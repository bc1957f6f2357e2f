// Package cli implements the subcommands of the talentsystems binary, so that
// tests can run them in-process exactly as a user does.
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/app"
	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/config"
	"github.com/talentsystems/talentsystems/internal/model"
)

// Env is the process environment a command runs in.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// Version is the release, set at build time with -ldflags "-X ...cli.Version=v1.2.3".
var Version = ""

const usage = `talentsystems — candidate assessments with a Greenhouse integration.

Usage: talentsystems <command> [flags]

Commands:
  serve         run the web server and the job workers
  migrate       apply database migrations and exit
  org create    create an organization (--name, optional --slug); prints its slug
  org list      list organizations
  user create   create a user (--org SLUG --email E --role admin|recruiter, or --staff --email E);
                reads the password from stdin, or prints a generated one
  posting import  import a posting file (--org SLUG --file F [--publish]); prints its id and public id
  posting export  print a posting as JSON (--org SLUG --id ID), the format posting import reads
  posting list    list an organization's postings (--org SLUG [--status draft|active|closed])
  apikey generate|rotate|revoke  manage an organization's Greenhouse API key (--org SLUG);
                generate and rotate print the new key, shown only this once
  candidate list  list candidates with status, link, score and recommendation
                (--org SLUG [--posting ID] [--status sent|started|completed|expired] [--json])
  candidate add   add a candidate to an active posting and mail the invitation; prints id and link
                (--org SLUG --posting ID --first-name F --last-name L --email E [--phone P] [--no-email])
  candidate export  print a posting's candidates with scores, competencies, question levels and
                percentiles, the dashboard's export (--org SLUG --posting ID [--format csv|json]
                [--status S] [--source manual|greenhouse])
  greenhouse-sandbox [serve]  run a local stand-in for Greenhouse (--addr, --partner-url, --key, …;
                see 'talentsystems greenhouse-sandbox -h' and docs/sandbox.md)
  greenhouse-sandbox send     send a dummy candidate through a running sandbox (--test ID --email E)
  version       print the version

Every command takes the same settings (flags win over the environment):
  --data-dir / TS_DATA_DIR, --database-url / DATABASE_URL, and the rest listed by
  'talentsystems serve -h' and in docs/configuration.md. Run commands with the
  server's data folder (or database) and its public URL (--base-url / TS_BASE_URL),
  or the links they print and mail point to the wrong place.
`

// Main runs the command named by args and returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	cmds := map[string]func(context.Context, Env, []string) error{
		"serve":            serve,
		"migrate":          migrate,
		"org create":       orgCreate,
		"org list":         orgList,
		"user create":      userCreate,
		"posting import":   postingImport,
		"posting export":   postingExport,
		"posting list":     postingList,
		"apikey":           apikeyCmd,
		"candidate list":   candidateList,
		"candidate export": candidateExport,
		"candidate add":    candidateAdd,
	}
	cmds["greenhouse-sandbox"] = sandboxCmd
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(env.Stdout, usage)
		return 0
	}
	if args[0] == "version" {
		fmt.Fprintln(env.Stdout, "talentsystems", version())
		return 0
	}
	name, rest := args[0], args[1:]
	if _, ok := cmds[name]; !ok && len(args) > 1 {
		name, rest = args[0]+" "+args[1], args[2:]
	}
	run, ok := cmds[name]
	if !ok && groupHelp(env, cmds, args) {
		return 0
	}
	if !ok {
		fmt.Fprintf(env.Stderr, "talentsystems: unknown command %q\n\n%s", strings.Join(args[:min(2, len(args))], " "), usage)
		return 2
	}
	if err := run(ctx, env, rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(env.Stderr, "talentsystems %s: %s\n", name, message(err))
		if apperror.KindOf(err) == apperror.Invalid {
			return 2
		}
		return 1
	}
	return 0
}

// groupHelp answers "talentsystems candidate --help" (or -h, help) with the
// usage of the group's commands, and reports whether it did.
func groupHelp(env Env, cmds map[string]func(context.Context, Env, []string) error, args []string) bool {
	if len(args) != 2 || (args[1] != "-h" && args[1] != "--help" && args[1] != "help") {
		return false
	}
	group := false
	for name := range cmds {
		group = group || strings.HasPrefix(name, args[0]+" ")
	}
	if !group {
		return false
	}
	fmt.Fprintf(env.Stdout, "Usage: talentsystems %s <command> [flags]\n\n", args[0])
	in := false
	for _, line := range strings.Split(usage, "\n") {
		switch {
		case strings.HasPrefix(line, "  "+args[0]+" "):
			in = true
		case strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   "):
			in = false
		}
		if in {
			fmt.Fprintln(env.Stdout, line)
		}
	}
	fmt.Fprintf(env.Stdout, "\nEach command's flags: talentsystems %s <command> -h\n", args[0])
	return true
}

// message is what the user reads: the classified message, or the full chain
// for internal errors (an operator at a terminal needs the cause).
func message(err error) string {
	var e *apperror.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// load parses flags (the command's own, registered by define, and the shared
// settings) and returns the configuration.
func load(env Env, name string, args []string, define func(fs *flag.FlagSet)) (*config.Config, error) {
	fs := flag.NewFlagSet("talentsystems "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	if define != nil {
		define(fs)
	}
	cfg, err := config.Load(fs, args, env.Getenv)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return nil, apperror.New(apperror.Invalid, "%s", err.Error())
	}
	return cfg, err
}

// open builds the app (database and migrations) for an admin command.
func open(ctx context.Context, env Env, cfg *config.Config) (*app.App, error) {
	cfg.LogLevel = "warn"
	return app.New(ctx, cfg, app.Options{Log: app.NewLogger(cfg, env.Stderr)})
}

func serve(ctx context.Context, env Env, args []string) error {
	cfg, err := load(env, "serve", args, nil)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, app.Options{Log: app.NewLogger(cfg, env.Stderr)})
	if err != nil {
		return err
	}
	email, password, created, err := a.Accounts.EnsureStaff(ctx)
	if err != nil {
		a.Close()
		return err
	}
	if created {
		fmt.Fprintf(env.Stdout, "\nFirst start: a staff account was created. Sign in at %s/login\n  email:    %s\n  password: %s\nThis password is shown once; change it under Settings.\n\n",
			cfg.BaseURL, email, password)
	}
	return a.Run(ctx)
}

func migrate(ctx context.Context, env Env, args []string) error {
	cfg, err := load(env, "migrate", args, nil)
	if err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "migrations applied (%s)\n", a.Store.Dialect)
	return a.Close()
}

func orgCreate(ctx context.Context, env Env, args []string) error {
	var name, slug string
	cfg, err := load(env, "org create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "the organization's name (required)")
		fs.StringVar(&slug, "slug", "", "its slug (default: derived from the name)")
	})
	if err != nil {
		return err
	}
	if name == "" {
		return apperror.New(apperror.Invalid, "--name is required")
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	org, err := a.Accounts.CreateOrg(ctx, model.CommandLine(0), name, slug)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, org.Slug)
	return nil
}

func orgList(ctx context.Context, env Env, args []string) error {
	cfg, err := load(env, "org list", args, nil)
	if err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	orgs, err := a.Accounts.Orgs(ctx)
	if err != nil {
		return err
	}
	for _, o := range orgs {
		fmt.Fprintf(env.Stdout, "%s\t%s\t%d members\n", o.Slug, o.Name, o.Users)
	}
	return nil
}

func userCreate(ctx context.Context, env Env, args []string) error {
	var orgSlug, email, name, role string
	var staff bool
	cfg, err := load(env, "user create", args, func(fs *flag.FlagSet) {
		fs.StringVar(&orgSlug, "org", "", "the organization's slug")
		fs.StringVar(&email, "email", "", "the user's email (required)")
		fs.StringVar(&name, "name", "", "the user's name (default: from the email)")
		fs.StringVar(&role, "role", "recruiter", "admin or recruiter")
		fs.BoolVar(&staff, "staff", false, "create a Talent Systems staff user (no organization)")
	})
	if err != nil {
		return err
	}
	if email == "" {
		return apperror.New(apperror.Invalid, "--email is required")
	}
	if staff == (orgSlug != "") {
		return apperror.New(apperror.Invalid, "give either --org SLUG or --staff")
	}
	in := account.NewUser{Email: email, Name: name, Role: model.RoleStaff}
	if !staff {
		if in.Role, err = account.ParseRole(role); err != nil {
			return err
		}
	}
	password, generated, err := readPassword(env.Stdin)
	if err != nil {
		return err
	}
	in.Password = password
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if !staff {
		org, err := a.Accounts.OrgBySlug(ctx, orgSlug)
		if err != nil {
			return apperror.New(apperror.Invalid, "no organization has the slug %q", orgSlug)
		}
		in.OrgID = org.ID
	}
	u, err := a.Accounts.CreateUser(ctx, model.CommandLine(in.OrgID), in)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "created %s (%s)\n", u.Email, u.Role)
	if generated {
		fmt.Fprintf(env.Stdout, "password: %s\n", password)
	}
	return nil
}

// readPassword reads one line from stdin when it is piped, or generates a
// password when stdin is a terminal or empty.
func readPassword(in io.Reader) (string, bool, error) {
	if f, ok := in.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return account.GeneratePassword(), true, nil
		}
	}
	if in == nil {
		return account.GeneratePassword(), true, nil
	}
	line, err := bufio.NewReader(io.LimitReader(in, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("read password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return account.GeneratePassword(), true, nil
	}
	return line, false, nil
}
