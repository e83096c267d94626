package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the user did wrong, so that the web layer
// can pick a status and the CLI a message without knowing the rule behind it.
type Kind int

const (
	KindInternal        Kind = iota // a fault of ours
	KindMalformed                   // the request cannot be read (400)
	KindUnauthenticated             // not logged in, or wrong credentials (401)
	KindForbidden                   // logged in but not allowed (403)
	KindNotFound                    // no such thing (404)
	KindConflict                    // clashes with existing data (409)
	KindTooLarge                    // over a size limit (413)
	KindUnsupported                 // file type refused (415)
	KindInvalid                     // a value breaks a rule (422)
	KindTooMany                     // too many attempts, try later (429)
	KindUnavailable                 // a service we need is down (503)
)

// Error is an error meant to be shown to the user. Message is a complete
// sentence; Field names the form field at fault, if any.
type Error struct {
	Kind    Kind
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

func newError(kind Kind, field, format string, args ...any) error {
	return &Error{Kind: kind, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports a value that breaks a rule (422).
func Invalid(field, format string, args ...any) error {
	return newError(KindInvalid, field, format, args...)
}

// Conflict reports a clash with existing data (409).
func Conflict(field, format string, args ...any) error {
	return newError(KindConflict, field, format, args...)
}

// NotFound reports something that does not exist (404).
func NotFound(format string, args ...any) error {
	return newError(KindNotFound, "", format, args...)
}

// Forbidden reports an action the user may not take (403).
func Forbidden(format string, args ...any) error {
	return newError(KindForbidden, "", format, args...)
}

// Unauthenticated reports a missing login or wrong credentials (401).
func Unauthenticated(format string, args ...any) error {
	return newError(KindUnauthenticated, "", format, args...)
}

// TooMany reports too many attempts in a short time (429).
func TooMany(format string, args ...any) error {
	return newError(KindTooMany, "", format, args...)
}

// Unavailable reports a service we depend on that cannot be reached (503).
func Unavailable(format string, args ...any) error {
	return newError(KindUnavailable, "", format, args...)
}

// Malformed reports a request that cannot be read (400).
func Malformed(format string, args ...any) error {
	return newError(KindMalformed, "", format, args...)
}

// KindOf returns the kind of the first *Error in err's chain, or
// KindInternal when there is none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}
