import type { GatewayConfig } from './config/config';
import type { StartedSimulator, VendorModule } from './core/connector';
import type { Logger } from './core/logger';
import { buildGatewaySchema } from './schema/build';
import { startGateway, type RunningGateway } from './server/http-server';
import { SourceSet } from './service/sources';
import { MemoryIdempotencyStore } from './service/idempotency';
import type { PayloadRecord } from './service/payload';
import { createAuthenticator } from './auth/authenticator';
import { DEFAULT_LIMITS } from './server/limits/query-limits';

/**
 * The composition root: config → what lives once per process (connectors with their pools and
 * token caches, the authenticator with its key ring and JWKS cache, the idempotency store) →
 * schema → HTTP server. The vendor list is passed in (from src/vendors/registry.ts), so the core
 * names no vendor.
 */
export async function startApp(config: GatewayConfig, vendors: readonly VendorModule[], logger: Logger): Promise<RunningGateway & { sources: SourceSet }> {
  const sources = SourceSet.create(config, vendors, { logger });
  const authenticator = createAuthenticator(config.auth, { logger });
  const schema = await buildGatewaySchema(vendors.map((v) => v.vendor));
  const gateway = await startGateway({
    schema,
    sources,
    logger,
    authenticator,
    idempotency: new MemoryIdempotencyStore<PayloadRecord>(),
    port: config.server.port,
    host: config.server.host,
    requestTimeoutMs: config.server.requestTimeoutMs,
    introspection: config.server.introspection,
    limits: config.server.limits,
    cors: config.server.cors,
  });
  return {
    ...gateway,
    sources,
    close: async () => {
      await gateway.close();
      authenticator.close();
      await sources.close();
    },
  };
}

/**
 * A gateway config for simulators that were started in this process (demo, tests, bench): on
 * loopback, with `auth.mode: none` unless `overrides.auth` says otherwise.
 */
export function configForSimulators(
  sims: ReadonlyArray<{ id: string; sim: StartedSimulator; name?: string }>,
  server: Partial<GatewayConfig['server']> = {},
  auth: GatewayConfig['auth'] = { mode: 'none', jwt: null, apiKeys: [] },
): GatewayConfig {
  return {
    server: {
      port: 0,
      host: '127.0.0.1',
      requestTimeoutMs: 20_000,
      logLevel: 'info',
      introspection: true,
      limits: DEFAULT_LIMITS,
      cors: { origins: [] },
      ...server,
    },
    auth,
    sources: sims.map(({ id, sim, name }) => ({
      id,
      vendor: sim.vendor,
      name: name ?? id,
      baseUrl: sim.baseUrl,
      auth: sim.auth,
      http: sim.http,
      options: sim.options,
    })),
  };
}
