import type { GatewayConfig } from './config/config';
import type { StartedSimulator, VendorModule } from './core/connector';
import type { Logger } from './core/logger';
import { buildGatewaySchema } from './schema/build';
import { startGateway, type RunningGateway } from './gateway/server';
import { SourceSet } from './gateway/sources';

/**
 * The composition root: config → connectors (once at start) → schema → HTTP server.
 * The vendor list is passed in (from src/vendors/registry.ts), so the core names no vendor.
 */
export async function startApp(config: GatewayConfig, vendors: readonly VendorModule[], logger: Logger): Promise<RunningGateway & { sources: SourceSet }> {
  const sources = SourceSet.create(config, vendors, { logger });
  const schema = await buildGatewaySchema(vendors.map((v) => v.vendor));
  const gateway = await startGateway({
    schema,
    sources,
    logger,
    port: config.server.port,
    host: config.server.host,
    requestTimeoutMs: config.server.requestTimeoutMs,
  });
  return {
    ...gateway,
    sources,
    close: async () => {
      await gateway.close();
      await sources.close();
    },
  };
}

/** A gateway config for simulators that were started in this process (demo, tests, bench). */
export function configForSimulators(sims: ReadonlyArray<{ id: string; sim: StartedSimulator; name?: string }>, server: Partial<GatewayConfig['server']> = {}): GatewayConfig {
  return {
    server: { port: 0, host: '127.0.0.1', requestTimeoutMs: 20_000, logLevel: 'info', ...server },
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
