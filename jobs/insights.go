package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"helpdesk/store"
)

// insightsRetentionArgs deletes search insights older than SEARCH_INSIGHTS_DAYS, queued by
// the leader once a day.
type insightsRetentionArgs struct{}

func (insightsRetentionArgs) Kind() string { return "search_insights_retention" }

// InsertOpts: low priority, and unique per day, so several leaders or restarts delete once.
func (insightsRetentionArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: store.QueueLow, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByPeriod: 24 * time.Hour}}
}

// insightsDeleteBatch is how many rows one statement deletes: short locks, and progress kept
// when a run is cut short (the next one goes on).
const insightsDeleteBatch = 5000

type insightsRetentionWorker struct {
	river.WorkerDefaults[insightsRetentionArgs]
	w *Worker
}

// Timeout: a first run after a long time may have millions of rows to delete, in batches.
func (*insightsRetentionWorker) Timeout(*river.Job[insightsRetentionArgs]) time.Duration {
	return 30 * time.Minute
}

func (r *insightsRetentionWorker) Work(ctx context.Context, _ *river.Job[insightsRetentionArgs]) error {
	return r.w.deleteOldInsights(ctx)
}

// deleteOldInsights deletes the insights past the retention period; with 0 days (recording
// off) nothing is kept at all.
func (w *Worker) deleteOldInsights(ctx context.Context) error {
	before := w.cfg.Now().Add(-time.Duration(w.cfg.SearchInsightsDays) * 24 * time.Hour)
	n, err := w.st.DeleteSearchInsightsBefore(ctx, before, insightsDeleteBatch)
	if n > 0 {
		w.cfg.Log.Info("search insights deleted", "rows", n, "before", before.UTC().Format(time.RFC3339))
	}
	return err
}
