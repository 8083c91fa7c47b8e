package store

import (
	"strings"
	"unicode/utf8"
)

// Limits of what people write, as the schema's CHECK constraints state them (001_schema.sql):
// in characters, as Postgres's length counts them, so an accented text is held to the same
// limit as a plain one.
const (
	MaxTitle       = 300
	MaxDescription = 100_000
	MaxComment     = 100_000
	MaxArticleBody = 200_000
	MaxTag         = 40 // a ticket's tag (the schema bounds only their number)
)

// ValidTitle reports whether s is a title of a ticket or an article the schema accepts: not
// blank, at most MaxTitle characters.
func ValidTitle(s string) bool {
	return strings.TrimSpace(s) != "" && utf8.RuneCountInString(s) <= MaxTitle
}

// TooLong reports whether s has more than limit characters.
func TooLong(s string, limit int) bool { return utf8.RuneCountInString(s) > limit }
