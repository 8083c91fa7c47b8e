// Package auth says who a person is and what their role lets them do: it hashes passwords,
// makes API tokens and names the roles.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// MinPasswordLength is the shortest password accepted for a new account.
const MinPasswordLength = 8

// ErrWeakPassword is returned for passwords too short (or too long for bcrypt) to accept.
var ErrWeakPassword = errors.New("password must be 8 to 72 bytes long")

// HashPassword returns a bcrypt hash of password.
func HashPassword(password string) (string, error) {
	if len(password) < MinPasswordLength || len(password) > 72 {
		return "", ErrWeakPassword
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether password matches hash.
func CheckPassword(hash, password string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// TokenPrefix starts every API token, so leaked tokens are easy to recognise and scan for.
const TokenPrefix = "hdp_"

// NewToken returns a fresh random API token, the hash to store, and a short display prefix.
func NewToken() (token string, hash []byte, display string, err error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", nil, "", fmt.Errorf("new token: %w", err)
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(buf)
	return token, HashToken(token), token[:len(TokenPrefix)+6], nil
}

// HashToken returns the SHA-256 of a token: tokens are random and long, so a fast hash is enough.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(strings.TrimSpace(token)))
	return sum[:]
}
