import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../src/server/http-server';
import { SourceSet } from '../../src/service/sources';
import { silentLogger } from '../../src/core/logger';
import { anonymousCaller } from '../../src/auth/caller';
import { DEFAULT_LIMITS } from '../../src/server/limits/query-limits';
import { Metrics } from '../../src/server/metrics';

/** A one-field schema whose resolver throws an error carrying a secret, to test masking end to end. */
export function makeExecutableSchemaForTest(): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        boom: {
          type: GraphQLString,
          resolve: () => {
            throw new Error('connect postgres://admin:hunter2@db failed');
          },
        },
      },
    }),
  });
}

/**
 * A gateway over that schema with no sources and no writes: the HTTP layer and error masking on
 * their own. `overrides` replaces any option (a logger that records, an authenticator that refuses).
 */
export function startThrowingGateway(overrides: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
  return startGateway({
    schema: makeExecutableSchemaForTest(),
    sources: new SourceSet([]),
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
    requestTimeoutMs: 5000,
    authenticator: { authenticate: async () => ({ ok: true as const, caller: anonymousCaller() }) },
    // The schema has no mutations: nothing is made idempotent, audited or stored.
    idempotency: {} as GatewayOptions['idempotency'],
    audit: {} as GatewayOptions['audit'],
    store: {} as GatewayOptions['store'],
    introspection: true,
    limits: DEFAULT_LIMITS,
    cors: { origins: [] },
    auditReads: false,
    metrics: new Metrics(),
    ...overrides,
  });
}
