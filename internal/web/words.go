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

// fieldLabel names a form field for people: "link_validity_days" → "Link validity days".
func fieldLabel(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return "This form"
	}
	return strings.ToUpper(s[:1]) + s[1:]
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
