import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestScope } from '../service/request-scope';
import type { GraphqlOutcome, Metrics } from './metrics';

/** Error codes that mean the request was refused before running: over a limit, no caller, no scope. */
const REFUSED_CODES = new Set(['QUERY_TOO_COMPLEX', 'UNAUTHENTICATED', 'FORBIDDEN']);

/**
 * `staffgraph_graphql_requests_total{operation,outcome}` and `staffgraph_graphql_duration_seconds`
 * (docs/resilience.md), one observation per request in willSendResponse — after formatError, so a
 * parse error over maxTokens already carries QUERY_TOO_COMPLEX. Outcome: "refused" when any error
 * has a refusal code, "error" when there is any other error or a source failed (partial results),
 * else "ok". The 401 and 413 the HTTP layer answers itself never reach Apollo; http-server.ts
 * counts those.
 */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<RequestScope> {
  return {
    async requestDidStart({ request }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, contextValue, response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          let outcome: GraphqlOutcome = 'ok';
          if (errors.some((e) => REFUSED_CODES.has(String(e.extensions?.code)))) outcome = 'refused';
          else if (errors.length || contextValue.failures.length) outcome = 'error';
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          // operationName is known once the operation is resolved; before that, the one sent.
          metrics.graphql(operationName ?? request.operationName, outcome, seconds);
          metrics.speculativePages(contextValue.speculativePages.used, contextValue.speculativePages.unused);
        },
      };
    },
  };
}
