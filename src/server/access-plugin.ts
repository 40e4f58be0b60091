import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RequestScope } from '../service/request-scope';
import { fieldsOf, fragmentsOf } from './limits/selections';

const META_FIELDS = new Set(['__typename', '__schema', '__type']);

/**
 * `users:read` gates every query (DESIGN.md §10), checked once per operation before any resolver:
 * a caller without it gets HTTP 403 FORBIDDEN and no vendor call. Introspection and `__typename`
 * need no scope (whether introspection is served at all is `server.introspection`). Mutations are
 * gated per field by the write pipeline (`users:write`), so they answer with userErrors; PII fields
 * by the schema's auth checker (`users:pii`).
 */
export function accessPlugin(): ApolloServerPlugin<RequestScope> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (!operation) return;
          if (operation.operation !== 'query' || contextValue.may('users:read')) return;
          const readsData = fieldsOf(operation.selectionSet, fragmentsOf(document)).some((f) => !META_FIELDS.has(f.name.value));
          if (readsData) {
            throw new GraphQLError('This query needs the users:read scope.', { extensions: { code: 'FORBIDDEN', scope: 'users:read', http: { status: 403 } } });
          }
        },
      };
    },
  };
}
