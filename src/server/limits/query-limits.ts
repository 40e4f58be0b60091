import { GraphQLError } from 'graphql';

/**
 * Query limits (docs/callers-and-limits.md, contract: `server.limits`). Every limit is checked before any
 * resolver runs; a query over one is refused with HTTP 400 and QUERY_TOO_COMPLEX naming it.
 */
export interface QueryLimits {
  /** Request body, from Content-Length before it is read (413). Defaults to 102_400 (100 KiB). */
  maxBodyBytes: number;
  /** Lexical tokens in the document (graphql-js stops parsing past it). Defaults to 2_000. */
  maxTokens: number;
  /** Nesting of selections. Defaults to 8. */
  maxDepth: number;
  /** Aliased fields in the document. Defaults to 15. */
  maxAliases: number;
  /** Directives in the document. Defaults to 20. */
  maxDirectives: number;
  /** Fields at the root of the operation (after fragments are expanded). Defaults to 10. */
  maxRootFields: number;
  /** The largest `first` a `users` field may ask for. Defaults to 100. */
  maxFirst: number;
  /** Vendor calls the operation can cause, as the connectors declare them (src/server/limits/cost.ts). Defaults to 1_000. */
  maxCost: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxBodyBytes: 102_400,
  maxTokens: 2_000,
  maxDepth: 8,
  maxAliases: 15,
  maxDirectives: 20,
  maxRootFields: 10,
  maxFirst: 100,
  maxCost: 1_000,
};

export type LimitName = keyof QueryLimits;

/** The one error every limit answers with. `found` is ours to say (a count), never caller input. */
export function tooComplex(limit: LimitName, max: number, found?: number): GraphQLError {
  return new GraphQLError(`The query is over the ${limit} limit of ${max}${found === undefined ? '' : ` (found ${found})`}.`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', limit, max, http: { status: 400 } },
  });
}
