// Package auth holds the credentials primitives: argon2id passwords, random
// tokens stored only as hashes, and CSRF tokens.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/talentsystems/talentsystems/internal/apperror"
	"golang.org/x/crypto/argon2"
)

// argon2id parameters (RFC 9106 second recommendation, lighter memory).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
)

// hashSlots bounds the password hashes computed at once in this process:
// each takes argonMemory (19 MiB), so unbounded concurrent sign-ins could
// exhaust memory. It is process-wide because memory is.
var hashSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// hashWait is how long a hash waits for a slot before giving up with ErrBusy.
const hashWait = 2 * time.Second

// ErrBusy is returned when too many passwords are being hashed at once; the
// caller should answer 429 and let the client retry.
var ErrBusy = apperror.Wait(time.Second, "The server is busy checking other sign-ins. Please try again in a moment.")

// withSlot runs fn holding one of the hashing slots.
func withSlot(fn func()) error {
	t := time.NewTimer(hashWait)
	defer t.Stop()
	select {
	case hashSlots <- struct{}{}:
	case <-t.C:
		return ErrBusy
	}
	defer func() { <-hashSlots }()
	fn()
	return nil
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// HashPassword returns an encoded argon2id hash of password.
func HashPassword(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	var key []byte
	if err := withSlot(func() { key = argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen) }); err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches an encoded hash, in
// constant time. It fails with ErrBusy when no hashing slot frees in time.
func CheckPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false, nil
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || m > 256*1024 || t > 10 || p > 16 {
		return false, nil
	}
	var got []byte
	if err := withSlot(func() { got = argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want))) }); err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// dummyHash is compared against when a user does not exist, so that a login
// for an unknown email takes as long as one for a known email.
var dummyHash, _ = HashPassword("not-a-real-password")

// CheckNoUser spends the time of one password check; it fails with ErrBusy
// like CheckPassword.
func CheckNoUser(password string) error {
	_, err := CheckPassword(dummyHash, password)
	return err
}

// ValidatePassword returns a user-facing problem with a new password, or nil.
func ValidatePassword(p string) error {
	if len([]rune(p)) < MinPasswordLength {
		return fmt.Errorf("the password must have at least %d characters", MinPasswordLength)
	}
	if len(p) > 1024 {
		return errors.New("the password must have at most 1024 characters")
	}
	return nil
}
