package bench

import (
	"bytes"
	"io"
	"testing"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/apptest"
	"github.com/talentsystems/talentsystems/internal/model"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func accountUser(orgID int64) account.NewUser {
	return account.NewUser{OrgID: orgID, Email: "bench@example.test", Name: "Bench", Password: "bench password 1", Role: model.RoleRecruiter}
}

// runScenario runs a load scenario once per iteration on SQLite and on
// PostgreSQL (when TEST_DATABASE_URL is set) at full scale.
func runScenario(b *testing.B, scenario func(r *report, databaseURL string, s scale)) {
	for _, db := range []string{"sqlite", "postgres"} {
		b.Run(db, func(b *testing.B) {
			url := ""
			if db == "postgres" {
				url = apptest.PostgresURL(b)
			}
			for b.Loop() {
				scenario(&report{tb: b}, url, fullScale())
			}
		})
	}
}
