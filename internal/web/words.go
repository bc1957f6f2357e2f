package web

import (
	"fmt"
	"strings"
)

// article puts "a" or "an" before word: "an active", "a draft".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}

// plural counts n things: "1 candidate", "2 candidates"; many is the plural
// (one+"s" when empty).
func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}
