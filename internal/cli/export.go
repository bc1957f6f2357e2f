package cli

import (
	"context"
	"flag"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"github.com/talentsystems/talentsystems/internal/model"
)

// candidateExport prints a posting's candidates with their scores, the
// rows of the dashboard's export, as CSV or JSON.
func candidateExport(ctx context.Context, env Env, args []string) error {
	var postingID int64
	var format, status, source string
	a, actor, err := openOrg(ctx, env, "candidate export", args, func(fs *flag.FlagSet) {
		fs.Int64Var(&postingID, "posting", 0, "the posting's id (required)")
		fs.StringVar(&format, "format", "csv", "csv (UTF-8 with a byte-order mark, for Excel) or json")
		fs.StringVar(&status, "status", "", "only candidates with this status: sent, started, completed, expired")
		fs.StringVar(&source, "source", "", "only candidates from this source: manual, greenhouse")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if postingID == 0 {
		return apperror.New(apperror.Invalid, "--posting is required")
	}
	return a.Analytics.Export(ctx, actor, model.CandidateFilter{PostingID: postingID, Status: model.CandidateStatus(status),
		Source: model.Source(source)}, format, env.Stdout)
}
