package scoring

import "strings"

// stem reduces an English word to a stem so that the usual inflections of a
// word match each other: "retry", "retries", "retried" and "retrying" all
// become "retri"; "apologize", "apologized", "apologizing", "apologises" and
// "apologised" all become "apologiz".
//
// It is deliberately light: the British spellings -ise and -yse are read as
// -ize and -yze, then steps 1 (plurals, -ed, -ing, final y) and 5 (final e,
// final double l) of the Porter stemmer (M. F. Porter, "An algorithm for
// suffix stripping", 1980) are applied. Derivational suffixes (-ation,
// -ment, -ness, -ly, …) are kept, so "organize" does not match
// "organization". Only words of three or more letters a–z are stemmed; words
// with digits or other letters are returned unchanged. Both the answer and
// the phrases go through the same stemmer, so a stem that is not a real word
// does no harm.
func stem(w string) string {
	if len(w) <= 2 || !isLowerASCII(w) {
		return w
	}
	w = britishZ(w)
	w = step1a(w)
	w = step1b(w)
	w = step1c(w)
	w = step5(w)
	return w
}

func isLowerASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// britishZ rewrites the British -ise/-yse verb endings with z. The part
// before the ending must have at least three letters, so "rise" and "wise"
// are left alone.
func britishZ(w string) string {
	for _, suf := range []string{"isations", "isation", "ising", "ised", "ises", "isers", "iser", "ise"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			return w[:len(w)-len(suf)] + "iz" + suf[2:]
		}
	}
	for _, suf := range []string{"ysing", "ysed", "yses", "yse"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 {
			return w[:len(w)-len(suf)] + "yz" + suf[2:]
		}
	}
	return w
}

// consonant reports whether w[i] is a consonant in Porter's sense: a letter
// other than a, e, i, o, u, and other than a y that follows a consonant.
func consonant(w string, i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return false
	case 'y':
		return i == 0 || !consonant(w, i-1)
	}
	return true
}

// measure returns Porter's m: the number of vowel-consonant sequences in w.
func measure(w string) int {
	m := 0
	i := 0
	for i < len(w) && consonant(w, i) {
		i++
	}
	for i < len(w) {
		for i < len(w) && !consonant(w, i) {
			i++
		}
		if i == len(w) {
			break
		}
		for i < len(w) && consonant(w, i) {
			i++
		}
		m++
	}
	return m
}

func hasVowel(w string) bool {
	for i := range len(w) {
		if !consonant(w, i) {
			return true
		}
	}
	return false
}

// doubleConsonant reports whether w ends with two equal consonants.
func doubleConsonant(w string) bool {
	n := len(w)
	return n >= 2 && w[n-1] == w[n-2] && consonant(w, n-1)
}

// cvc reports whether w ends consonant-vowel-consonant, the last not w, x or
// y (as in "hop", "mak(e)").
func cvc(w string) bool {
	n := len(w)
	if n < 3 || !consonant(w, n-3) || consonant(w, n-2) || !consonant(w, n-1) {
		return false
	}
	c := w[n-1]
	return c != 'w' && c != 'x' && c != 'y'
}

// step1a removes plural endings.
func step1a(w string) string {
	switch {
	case strings.HasSuffix(w, "sses"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ies"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ss"):
		return w
	case strings.HasSuffix(w, "s"):
		return w[:len(w)-1]
	}
	return w
}

// step1b removes -eed, -ed and -ing and repairs the stem.
func step1b(w string) string {
	if strings.HasSuffix(w, "eed") {
		if measure(w[:len(w)-3]) > 0 {
			return w[:len(w)-1]
		}
		return w
	}
	var s string
	switch {
	case strings.HasSuffix(w, "ed") && hasVowel(w[:len(w)-2]):
		s = w[:len(w)-2]
	case strings.HasSuffix(w, "ing") && hasVowel(w[:len(w)-3]):
		s = w[:len(w)-3]
	default:
		return w
	}
	if strings.HasSuffix(s, "eed") {
		// "exceeded" and "agreeing" end like "exceed" and "agree" after the
		// -eed rule, not before it.
		return step1b(s)
	}
	switch {
	case strings.HasSuffix(s, "at"), strings.HasSuffix(s, "bl"), strings.HasSuffix(s, "iz"):
		return s + "e"
	case doubleConsonant(s):
		if c := s[len(s)-1]; c != 'l' && c != 's' && c != 'z' {
			return s[:len(s)-1]
		}
	case measure(s) == 1 && cvc(s):
		return s + "e"
	}
	return s
}

// step1c turns a final y into i when the stem has a vowel.
func step1c(w string) string {
	if strings.HasSuffix(w, "y") && hasVowel(w[:len(w)-1]) {
		return w[:len(w)-1] + "i"
	}
	return w
}

// step5 removes a final e and undoubles a final ll in longer words.
func step5(w string) string {
	if strings.HasSuffix(w, "e") {
		s := w[:len(w)-1]
		if m := measure(s); m > 1 || (m == 1 && !cvc(s)) {
			w = s
		}
	}
	if strings.HasSuffix(w, "ll") && measure(w) > 1 {
		w = w[:len(w)-1]
	}
	return w
}
