package fairness

// Option is one answer of the survey: the stored code and the words shown.
type Option struct {
	Code, Label string
}

// NotSaid is the code of "I prefer not to say", on each question.
const NotSaid = "not_said"

// SexOptions are the answers to the question on sex, as in the EEO-1 report
// and NYC Local Law 144 bias audits.
var SexOptions = []Option{
	{"female", "Female"},
	{"male", "Male"},
	{NotSaid, "I prefer not to say"},
}

// RaceOptions are the race/ethnicity categories of the EEO-1 report, which
// NYC Local Law 144 bias audits use.
var RaceOptions = []Option{
	{"hispanic", "Hispanic or Latino"},
	{"white", "White"},
	{"black", "Black or African American"},
	{"pacific", "Native Hawaiian or Pacific Islander"},
	{"asian", "Asian"},
	{"native", "Native American or Alaska Native"},
	{"two_or_more", "Two or More Races"},
	{NotSaid, "I prefer not to say"},
}

// label returns the words of code among options ("" when unknown).
func label(options []Option, code string) string {
	for _, o := range options {
		if o.Code == code {
			return o.Label
		}
	}
	return ""
}

// valid reports whether code is one of options.
func valid(options []Option, code string) bool { return label(options, code) != "" }
