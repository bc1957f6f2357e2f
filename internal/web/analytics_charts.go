package web

import (
	"fmt"
	"math"
)

// Chart is a server-rendered horizontal bar chart: an SVG with a title and
// labels, and the same figures as a table (templates "bar_chart").
type Chart struct {
	ID, Title string
	// Caption names the columns of the data table: the label's and the value's.
	LabelHead, ValueHead string
	Bars                 []Bar
}

// Bar is one bar of a chart, with its geometry in the SVG's 600-wide viewBox.
type Bar struct {
	Label, Text string
	Value       float64
	Y, TextY    int
	LabelY      int
	Width       float64
}

// Chart geometry: each row has its label above a full-width bar, so long
// labels stay readable on a phone; values are right of the bars.
const (
	chartBarX   = 0
	chartBarMax = 420
	chartRow    = 40
)

// Height is the SVG's viewBox height.
func (c *Chart) Height() int { return len(c.Bars)*chartRow + 8 }

// BarX and TextX place bars and values.
func (c *Chart) BarX() int  { return chartBarX }
func (c *Chart) TextX() int { return chartBarX + chartBarMax + 10 }

// Track is the width of a full-length bar.
func (c *Chart) Track() int { return chartBarMax }

// newChart lays out bars for values; scale is the value of a full-length bar
// (0: the largest value).
func newChart(id, title, labelHead, valueHead string, scale float64, labels []string, values []float64, texts []string) *Chart {
	if scale == 0 {
		for _, v := range values {
			scale = math.Max(scale, v)
		}
	}
	c := &Chart{ID: id, Title: title, LabelHead: labelHead, ValueHead: valueHead}
	for i, l := range labels {
		w := 0.0
		if scale > 0 {
			w = values[i] / scale * chartBarMax
		}
		t := fmt.Sprint(values[i])
		if texts != nil {
			t = texts[i]
		}
		c.Bars = append(c.Bars, Bar{Label: l, Text: t, Value: values[i], Y: i*chartRow + 20, TextY: i*chartRow + 32, LabelY: i*chartRow + 14, Width: w})
	}
	return c
}
