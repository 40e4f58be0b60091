import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';

/**
 * The gateway's tracer. Until a tracer provider is registered (src/observability/otel.ts does so
 * only when OTEL_* variables ask for it) @opentelemetry/api hands out no-op spans, so tracing
 * costs next to nothing when off.
 */
export const TRACER_NAME = 'staffgraph';

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/**
 * One span per vendor call attempt, a child of the active GraphQL operation span. Attributes are
 * the same bounded, PHI-free set as the metrics: source, method, route *template*, status. Never
 * the real path (it holds usernames), a query string, headers or a body.
 */
export function vendorSpan<T>(attrs: { source: string; method: string; route: string }, run: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(
    `${attrs.method} ${attrs.route}`,
    { kind: SpanKind.CLIENT, attributes: { 'staffgraph.source': attrs.source, 'http.request.method': attrs.method, 'url.template': attrs.route } },
    async (span) => {
      try {
        return await run(span);
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** Marks a vendor span with the answer's status (5xx is an error; 4xx is the vendor answering). */
export function setResponseStatus(span: Span, status: number): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
}

/** Marks a vendor span that got no response with a bounded transport outcome (timeout, reset, …). */
export function setTransportOutcome(span: Span, outcome: string): void {
  span.setAttribute('staffgraph.transport', outcome);
  span.setStatus({ code: SpanStatusCode.ERROR });
}
