package candidates

import (
	"bytes"

	"github.com/talentsystems/talentsystems/internal/memo"
	"github.com/talentsystems/talentsystems/internal/posting"
)

// docs keeps decoded posting documents by content. Every page a candidate
// opens needs the posting version their attempt runs on, and decoding the
// strict format dominated those pages; versions change rarely and a changed
// document is other bytes.
var docs = memo.New[*posting.Posting](256)

// decodeDoc returns the posting in raw. The result is shared: callers read
// it and never modify it.
func decodeDoc(raw []byte) (*posting.Posting, error) {
	return docs.Get(raw, func(raw []byte) (*posting.Posting, error) { return posting.Decode(bytes.NewReader(raw)) })
}
