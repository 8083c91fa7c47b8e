package store

import (
	"errors"
	"fmt"
)

// Sentinel errors. The portal maps each to one HTTP status (portal/errors.go).
var (
	ErrNotFound = errors.New("not found")     // 404
	ErrInvalid  = errors.New("invalid input") // 422
	ErrConflict = errors.New("conflict")      // 409
)

// InvalidError is input the store refuses: the field it concerns ("" when it is the input as a
// whole) and why, in words for the person who sent it. It is ErrInvalid, and Err when set.
type InvalidError struct {
	Field, Reason string
	Err           error // the cause, when another package refused the input first
}

func (e *InvalidError) Error() string { return ErrInvalid.Error() + ": " + e.Message() }

// Message is what the person who sent the input is told.
func (e *InvalidError) Message() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }
func (e *InvalidError) Unwrap() error        { return e.Err }

// Invalid refuses field for the reason format says.
func Invalid(field, format string, args ...any) error {
	return &InvalidError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// ConflictError is a write refused because of what is stored (a row changed since it was read,
// a value already taken), with why, in words for the person who asked. It is ErrConflict.
type ConflictError struct {
	Reason string
}

func (e *ConflictError) Error() string   { return ErrConflict.Error() + ": " + e.Reason }
func (e *ConflictError) Message() string { return e.Reason }
func (e *ConflictError) Is(target error) bool {
	return target == ErrConflict
}

// Conflict refuses a write for the reason format says.
func Conflict(format string, args ...any) error {
	return &ConflictError{Reason: fmt.Sprintf(format, args...)}
}
