package procs

import (
	"testing"
	"time"
)

// TestQuietReportTZ: at every hour of the day the zone puts now at 21:00, far from 09:00.
func TestQuietReportTZ(t *testing.T) {
	for h := range 24 {
		now := time.Date(2026, 12, 5, h, 30, 0, 0, time.UTC)
		loc, err := time.LoadLocation(QuietReportTZ(now))
		if err != nil {
			t.Fatalf("%d: %v", h, err)
		}
		if got := now.In(loc).Hour(); got != 21 {
			t.Errorf("at %02d UTC: %s is %d there", h, QuietReportTZ(now), got)
		}
	}
}
