package jobs

import (
	"context"
	"strconv"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"helpdesk/store"
	"helpdesk/tracing"
)

// traceJobs makes a span of each job worked, the statements it runs inside it: a slow mail
// or export is found the way a slow request is. The request that queued the job is named in
// it (the trace itself ended with the request; a job is linked by its request id).
type traceJobs struct {
	river.WorkerMiddlewareDefaults
	tracer trace.Tracer
}

func (m *traceJobs) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	attrs := []attribute.KeyValue{attribute.String("messaging.system", "river"), attribute.String("messaging.destination.name", job.Queue),
		attribute.String("job.kind", job.Kind), attribute.String("job.id", strconv.FormatInt(job.ID, 10)), attribute.Int("job.attempt", job.Attempt)}
	if id := store.JobRequestID(job.Metadata); id != "" {
		attrs = append(attrs, attribute.String("request_id", id))
		ctx = tracing.WithRequestID(ctx, id)
	}
	ctx, span := m.tracer.Start(ctx, "job "+job.Kind, trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(attrs...))
	defer span.End()
	err := doInner(ctx)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	return err
}
