import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import { isInternalError } from './format-error';
import type { Logger } from '../core/logger';
import type { RequestScope } from '../service/request-scope';

/**
 * Request-level behaviour that needs the per-request context:
 *  - partial results: each source that failed inside `users` adds one top-level error with
 *    extensions.code and extensions.source, next to the data of the sources that answered;
 *  - masked errors get the request id, which is also the `x-request-id` response header, and are
 *    logged with it (error class and stack frames only — never the message, which may hold input).
 * Upstream work still running is cancelled by the HTTP server when the response closes.
 */
export function gatewayPlugin(logger: Logger): ApolloServerPlugin<RequestScope> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const e of errors) {
            const original = unwrapResolverError(e);
            const code = original instanceof GraphQLError ? original.extensions?.code : e.extensions?.code;
            if (!isInternalError(e, code)) continue;
            const err = original instanceof Error ? original : new Error('non-error thrown');
            logger.error('internal_error', { requestId: contextValue.request.requestId, error: err.name, stack: (err.stack ?? '').split('\n').slice(1, 6).join(' | ') });
          }
        },
        async willSendResponse({ contextValue, response }) {
          const requestId = contextValue.request.requestId;
          response.http.headers.set('x-request-id', requestId);
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          // Failure messages are SourceError messages: generic by construction (see core/errors.ts).
          const withSource = contextValue.failures.map((f) => ({
            message: f.message,
            path: [...f.path],
            extensions: { code: f.code, source: f.sourceId, ...(f.retryAfterSeconds != null ? { retryAfterSeconds: f.retryAfterSeconds } : {}) },
          }));
          const errors = [...(result.errors ?? []), ...withSource].map((e) =>
            e.extensions?.code === 'INTERNAL_SERVER_ERROR' ? { ...e, extensions: { ...e.extensions, requestId } } : e,
          );
          if (errors.length) result.errors = errors;
        },
      };
    },
  };
}
