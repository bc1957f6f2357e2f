package analytics

// slimResult is the part of a stored scoring.Result the analytics read:
// decoding only these fields skips the evidence's allocations.
type slimResult struct {
	Overall      float64 `json:"overall"`
	Competencies []struct {
		Key   string  `json:"key"`
		Name  string  `json:"name"`
		Score float64 `json:"score"`
	} `json:"competencies"`
	Questions []struct {
		Key   string `json:"key"`
		Level int    `json:"level"`
	} `json:"questions"`
}
