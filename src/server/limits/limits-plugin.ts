import type { ApolloServerPlugin } from '@apollo/server';
import { getVariableValues } from 'graphql';
import type { RequestScope } from '../../service/request-scope';
import { operationCost } from './cost';
import { tooComplex, type QueryLimits } from './query-limits';

/**
 * The limits that need the variables and the caller: `maxFirst` and `maxCost` (docs/callers-and-limits.md).
 * Runs in didResolveOperation — after parsing (maxTokens) and validation (shape-rules.ts), before
 * any resolver — so a refused query makes no vendor call. Costs are those of the sources the
 * caller can see: a restricted caller's `users` only ever walks its own sources.
 */
export function limitsPlugin(limits: QueryLimits): ApolloServerPlugin<RequestScope> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          // Variables that do not coerce fail execution before any resolver; nothing to price.
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
          if (coerced.errors) return;
          const visible = contextValue.visibleConnectors();
          const bySource = new Map(visible.map((c) => [c.sourceId, c.costs]));
          const { cost, largestFirst } = operationCost(document, operation, coerced.coerced, {
            visibleSources: visible.map((c) => c.sourceId),
            costsOf: (id) => bySource.get(id),
          });
          if (largestFirst > limits.maxFirst) throw tooComplex('maxFirst', limits.maxFirst, largestFirst);
          if (cost > limits.maxCost) throw tooComplex('maxCost', limits.maxCost, cost);
        },
      };
    },
  };
}
