import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RequestScope } from '../service/request-scope';
import type { Scope } from '../auth/caller';
import { fieldsOf, fragmentsOf } from './limits/selections';

const META_FIELDS = new Set(['__typename', '__schema', '__type']);
/** Root query fields gated by another scope than users:read: an auditor holds only audit:read. */
const FIELD_SCOPES: Record<string, Scope> = { auditEvents: 'audit:read' };

/**
 * `users:read` gates every query (docs/callers-and-limits.md) — `auditEvents` needs `audit:read` instead — checked
 * per root field, once per operation, before any resolver: a caller without it gets HTTP 403
 * FORBIDDEN and no vendor call. Introspection and `__typename`
 * need no scope (whether introspection is served at all is `server.introspection`). Mutations are
 * gated per field by the write pipeline (`users:write`), so they answer with userErrors; PII fields
 * by the schema's auth checker (`users:pii`).
 */
export function accessPlugin(): ApolloServerPlugin<RequestScope> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (!operation || operation.operation !== 'query') return;
          const fields = fieldsOf(operation.selectionSet, fragmentsOf(document)).filter((f) => !META_FIELDS.has(f.name.value));
          const missing = fields.map((f) => FIELD_SCOPES[f.name.value] ?? 'users:read').find((s) => !contextValue.may(s));
          if (missing) {
            throw new GraphQLError(`This query needs the ${missing} scope.`, { extensions: { code: 'FORBIDDEN', scope: missing, http: { status: 403 } } });
          }
        },
      };
    },
  };
}
