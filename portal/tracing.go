package portal

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"helpdesk/tracing"
)

// carryRequestID puts the request id into the request's context: the search engine sends it
// to Elasticsearch (X-Opaque-Id) and the jobs a request queues keep it.
func carryRequestID(c *fiber.Ctx) error {
	c.SetUserContext(tracing.WithRequestID(c.UserContext(), requestID(c)))
	return c.Next()
}

// traceRequests makes a server span of each request, going on with the caller's trace when it
// sends a traceparent header; the statements, searches and Redis commands the request makes
// are its children.
func traceRequests(tracer trace.Tracer) fiber.Handler {
	return func(c *fiber.Ctx) error {
		carrier := propagation.MapCarrier{"traceparent": c.Get("traceparent"), "tracestate": c.Get("tracestate")}
		ctx := tracing.Propagator.Extract(c.UserContext(), carrier)
		ctx, span := tracer.Start(ctx, c.Method(), trace.WithSpanKind(trace.SpanKindServer))
		defer span.End()
		c.SetUserContext(ctx)
		err := c.Next() // observe, inside, has written errors out: the status is final here
		status := c.Response().StatusCode()
		route := c.Route().Path
		span.SetName(c.Method() + " " + route)
		span.SetAttributes(attribute.String("http.request.method", c.Method()), attribute.String("http.route", route),
			attribute.String("url.path", c.Path()), attribute.Int("http.response.status_code", status),
			attribute.String("request_id", requestID(c)))
		if status >= fiber.StatusInternalServerError {
			span.SetStatus(codes.Error, strconv.Itoa(status))
		}
		return err
	}
}
