//go:build !unix

package app

import "errors"

// freeBytes is not measured on this platform; the write probe still runs.
func freeBytes(string) (uint64, error) { return 0, errors.ErrUnsupported }
