import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { getVariableValues, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { RequestScope } from '../../service/request-scope';
import { operationCost, type OperationCost } from './cost';
import type { Connector } from '../../core/connector';
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
          const { cost, largestFirst } = cachedCost(document, operation, coerced.coerced, visible);
          if (largestFirst > limits.maxFirst) throw tooComplex('maxFirst', limits.maxFirst, largestFirst);
          if (cost > limits.maxCost) throw tooComplex('maxCost', limits.maxCost, cost);
        },
      };
    },
  };
}

/**
 * Costs already worked out, per parsed document: Apollo hands the same DocumentNode to every
 * request with the same query text (its document cache), and the cost depends only on that
 * document, the operation, the variables and the sources the caller sees (each source's
 * ReadCosts are fixed at start). Pricing a 100-user page again each time was ~1 % of its CPU.
 */
const priced = new WeakMap<DocumentNode, Map<string, OperationCost>>();
const PRICES_PER_DOCUMENT = 64;

function cachedCost(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>, visible: readonly Connector[]): OperationCost {
  const ids = visible.map((c) => c.sourceId);
  const price = () => {
    const bySource = new Map(visible.map((c) => [c.sourceId, c.costs]));
    return operationCost(document, operation, variables, { visibleSources: ids, costsOf: (id) => bySource.get(id) });
  };
  // Mutations are priced afresh: they are few, and their variables hold passwords.
  if (operation.operation !== 'query') return price();
  let prices = priced.get(document);
  if (!prices) priced.set(document, (prices = new Map()));
  // Variables may hold personal data (an e-mail filter): the key keeps only a digest of them.
  const key = createHash('sha256').update(`${operation.name?.value ?? ''}\u0000${ids.join(',')}\u0000${JSON.stringify(variables)}`).digest('base64');
  let known = prices.get(key);
  if (!known) {
    known = price();
    if (prices.size >= PRICES_PER_DOCUMENT) prices.clear();
    prices.set(key, known);
  }
  return known;
}
