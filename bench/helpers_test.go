package bench

import (
	"bytes"
	"io"

	"github.com/talentsystems/talentsystems/internal/account"
	"github.com/talentsystems/talentsystems/internal/model"
)

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func accountUser(orgID int64) account.NewUser {
	return account.NewUser{OrgID: orgID, Email: "bench@example.test", Name: "Bench", Password: "bench password 1", Role: model.RoleRecruiter}
}
