package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// NewToken returns a random token (26 base32 characters, 130 bits) for a
// browser session or an invitation.
func NewToken() string { return rand.Text() }

// TokenID is what the store keeps of a token: its SHA-256, so that a copy
// of the database does not hand out working sessions or invitations.
func TokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
