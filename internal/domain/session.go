package domain

import "time"

// Session is a login on the server side. The browser holds a random token;
// the store keeps only its hash.
type Session struct {
	ID       string // hex SHA-256 of the token
	UserID   int64
	Created  time.Time
	Expires  time.Time
	Remember bool
}

// Invite is a one-use invitation to register with a given role.
type Invite struct {
	ID         string // hex SHA-256 of the token
	Role       Role
	Department string
	CreatedBy  int64 // 0 when made on the command line
	Created    time.Time
	Expires    time.Time
	UsedBy     int64
	Used       time.Time
}
