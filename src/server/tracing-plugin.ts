import type http from 'node:http';
import type { ApolloServerPlugin, HTTPGraphQLResponse } from '@apollo/server';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, defaultTextMapGetter, trace, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { tracer } from '../observability/tracing';
import type { RequestContext } from '../core/context';
import type { RequestScope } from '../service/request-scope';
import { errorCodes, operationOf, requestOutcome } from './access-log-plugin';

const isServerSide = (code: string) => code.startsWith('SOURCE_') || code === 'INTERNAL_SERVER_ERROR' || code === 'OUTCOME_UNKNOWN' || code === 'AUDIT_UNAVAILABLE';

/**
 * One SERVER span per GraphQL operation (docs/observability.md), the parent of the CLIENT spans
 * vendor-http.ts opens for each vendor call.
 *
 * Why two halves: Apollo's plugin hooks are called around the phases of a request but none of
 * them *wraps* execution, so a hook cannot make its span the active context for the resolvers
 * (which is what lets `startActiveSpan` in the vendor stack find its parent through
 * AsyncLocalStorage). So `run()` — called by the HTTP server around `executeHTTPGraphQLRequest`
 * — starts the span and enters its context, and `plugin()` names it and marks its outcome once
 * Apollo knows the operation.
 *
 * An inbound W3C `traceparent` (and `tracestate`) continues the caller's trace; without one the
 * span starts a new trace. With no tracer provider registered (tracing off) every span is a no-op.
 *
 * Attributes are bounded and PHI-free: operation name (cut as the metrics label is) and type,
 * outcome, error codes, request id and HTTP status. Never the document, the variables or results.
 */
export class OperationTracing {
  private readonly propagator = new W3CTraceContextPropagator();
  /** By the scope's RequestContext: the plugins see a shallow copy of the scope, with the same one. */
  private readonly spans = new WeakMap<RequestContext, Span>();

  async run(headers: http.IncomingHttpHeaders, scope: RequestScope, execute: () => Promise<HTTPGraphQLResponse>): Promise<HTTPGraphQLResponse> {
    const parent = this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    const span = tracer().startSpan('graphql', { kind: SpanKind.SERVER, attributes: { 'staffgraph.request_id': scope.request.requestId } }, parent);
    this.spans.set(scope.request, span);
    try {
      const result = await context.with(trace.setSpan(parent, span), execute);
      const status = result.status ?? 200;
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      return result;
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  }

  plugin(): ApolloServerPlugin<RequestScope> {
    return {
      requestDidStart: async () => ({
        willSendResponse: async (rc) => {
          const { contextValue } = rc;
          const span = this.spans.get(contextValue.request);
          if (!span) return;
          const codes = errorCodes(rc);
          const { operation: name, operationType: type } = operationOf(rc);
          span.updateName(`graphql${type ? '.' + type : ''}${name ? ' ' + name : ''}`);
          if (name) span.setAttribute('graphql.operation.name', name);
          if (type) span.setAttribute('graphql.operation.type', type);
          const outcome = requestOutcome(codes, contextValue.failures.length > 0);
          span.setAttribute('staffgraph.outcome', outcome);
          if (codes.length) span.setAttribute('staffgraph.error_codes', codes);
          // The span is an error when the gateway or a source failed — what a search for failed
          // traces should find — not when the caller sent bad input or was refused (as OTel
          // leaves a server span's status unset on a 4xx).
          if (contextValue.failures.length || codes.some(isServerSide)) span.setStatus({ code: SpanStatusCode.ERROR });
        },
      }),
    };
  }
}
