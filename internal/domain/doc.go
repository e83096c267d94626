// Package domain holds Acanban's entities, roles, validation rules and the
// typed errors that every layer shares. It does no I/O.
package domain
