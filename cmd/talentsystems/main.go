// Command talentsystems is the whole product in one binary: the server and
// its admin commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/talentsystems/talentsystems/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
