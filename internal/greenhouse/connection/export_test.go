package connection

// SetAfterPost makes the push worker run fn after Greenhouse accepted a note
// and before the push is recorded; an error from fn stands for a crash there.
func SetAfterPost(s *Service, fn func(pushID int64) error) { s.afterPost = fn }
