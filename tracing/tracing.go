// Package tracing gives every process OpenTelemetry spans: HTTP requests, Postgres statements,
// Elasticsearch requests and Redis commands, exported over OTLP/HTTP when
// OTEL_EXPORTER_OTLP_ENDPOINT is set. Without it the provider is OpenTelemetry's no-op one and
// nothing is installed on the hot paths: tracing costs nothing when off.
package tracing

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Provider is the process's tracer provider: exporting to endpoint (an OTLP/HTTP base URL,
// as OTEL_EXPORTER_OTLP_ENDPOINT gives it) or, with no endpoint, the no-op one. Shutdown
// flushes the spans still buffered.
type Provider struct {
	trace.TracerProvider
	Enabled  bool
	Shutdown func(context.Context) error
}

// New returns the provider for service.
func New(ctx context.Context, endpoint, service string) (*Provider, error) {
	if endpoint == "" {
		return &Provider{TracerProvider: noop.NewTracerProvider(), Shutdown: func(context.Context) error { return nil }}, nil
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(strings.TrimSuffix(endpoint, "/")+"/v1/traces"))
	if err != nil {
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp),
		sdktrace.WithResource(resource.NewSchemaless(semconv.ServiceName(service))))
	return &Provider{TracerProvider: tp, Enabled: true, Shutdown: tp.Shutdown}, nil
}

// Propagator reads and writes the W3C traceparent header, so a trace started by a caller
// (a load balancer, another service) goes on here.
var Propagator = propagation.TraceContext{}

// instrumentation names the tracer of this project's own spans.
const instrumentation = "helpdesk"

// requestIDKey carries the portal's request id in a context, for the spans, Elasticsearch's
// X-Opaque-Id and the jobs a request queues.
type requestIDKey struct{}

// WithRequestID returns ctx carrying the request id.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID is the request id ctx carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// QueryTracer returns a pgx tracer that makes a span of each statement.
func QueryTracer(tp trace.TracerProvider) pgx.QueryTracer {
	return queryTracer{tp.Tracer(instrumentation)}
}

type queryTracer struct{ tracer trace.Tracer }

// maxStatement bounds the statement text a span keeps: search statements run long.
const maxStatement = 2000

func (q queryTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	sql := data.SQL
	if len(sql) > maxStatement {
		sql = sql[:maxStatement]
	}
	ctx, _ = q.tracer.Start(ctx, "postgres "+firstWord(sql), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system", "postgresql"), attribute.String("db.statement", sql)))
	return ctx
}

func (q queryTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	span := trace.SpanFromContext(ctx)
	if data.Err != nil {
		span.RecordError(data.Err)
		span.SetStatus(codes.Error, data.Err.Error())
	}
	span.SetAttributes(attribute.Int64("db.rows_affected", data.CommandTag.RowsAffected()))
	span.End()
}

func firstWord(sql string) string {
	f := strings.Fields(sql)
	if len(f) == 0 {
		return ""
	}
	return strings.ToUpper(f[0])
}

// RedisHook makes a span of each Redis command and pipeline.
func RedisHook(tp trace.TracerProvider) redis.Hook { return redisHook{tp.Tracer(instrumentation)} }

type redisHook struct{ tracer trace.Tracer }

func (redisHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		ctx, span := h.tracer.Start(ctx, "redis "+strings.ToUpper(cmd.Name()), trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("db.system", "redis")))
		defer span.End()
		err := next(ctx, cmd)
		if err != nil && err != redis.Nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		ctx, span := h.tracer.Start(ctx, "redis pipeline", trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("db.system", "redis"), attribute.Int("db.redis.commands", len(cmds))))
		defer span.End()
		err := next(ctx, cmds)
		if err != nil && err != redis.Nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, err.Error())
		}
		return err
	}
}

// Tracer is the tracer of this project's own spans (HTTP requests).
func Tracer(tp trace.TracerProvider) trace.Tracer { return tp.Tracer(instrumentation) }
