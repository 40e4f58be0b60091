import { SizeHints } from './service/size-hints';
import { MIRROR_DEFAULTS, Mirror } from './service/mirror/mirror';
import { Webhooks } from './service/mirror/webhooks';
import { HTTP_DEFAULTS } from './http/vendor-http';
import type { GatewayConfig } from './config/config';
import type { StartedSimulator, VendorModule } from './core/connector';
import type { Logger } from './core/logger';
import { buildGatewaySchema } from './schema/build';
import { buildFederatedSchema } from './schema/federation';
import { startGateway, type RunningGateway } from './server/http-server';
import { SourceSet } from './service/sources';
import { DurableIdempotency } from './service/durable-idempotency';
import { AuditTrail } from './service/audit/audit-trail';
import { openAuditStream } from './service/audit/audit-stream';
import { openStore } from './store/open-store';
import type { Store } from './store/types';
import { createAuthenticator } from './auth/authenticator';
import { DEFAULT_LIMITS } from './server/limits/query-limits';
import { Metrics } from './server/metrics';
import { openCoordination } from './coordination/open';
import { randomUUID } from 'node:crypto';

/** This process among several instances (mirror leases, shared sign-ins). */
const INSTANCE_ID = `${process.pid}-${randomUUID().slice(0, 8)}`;
import type { SharedServices } from './service/request-scope';
import { People } from './service/people/people';
import { Jobs } from './service/people/jobs';

/**
 * The composition root: config → what lives once per process (connectors with their pools and
 * token caches, the authenticator with its key ring and JWKS cache, the idempotency store) →
 * schema → HTTP server. The vendor list is passed in (from src/vendors/registry.ts), so the core
 * names no vendor.
 */
export async function startApp(
  config: GatewayConfig,
  vendors: readonly VendorModule[],
  logger: Logger,
  /** A store opened by the caller (tests share one across restarts); it is then not closed here. */
  opts: { store?: Store } = {},
): Promise<RunningGateway & { sources: SourceSet; store: Store; mirror: Mirror; jobs: Jobs }> {
  // The store first: the audit trail and idempotency records must be there before any request.
  const store = opts.store ?? (await openStore(config.store, { logger }));
  const stream = openAuditStream(config.audit.stream);
  const audit = new AuditTrail(store.audit, stream, logger);
  // One registry per process start, shared by the connectors (vendor calls) and the server (GraphQL).
  const metrics = new Metrics();
  // What several instances share (Redis), before the connectors: their limiters and credentials use it.
  const coordination = await openCoordination(config.redis ?? null, logger);
  const sources = SourceSet.create(config, vendors, { logger, metrics, coordination });
  const mirror = new Mirror(
    sources.connectors,
    (id) => {
      const source = config.sources.find((c) => c.id === id);
      return { ...MIRROR_DEFAULTS, ...source?.mirror, concurrency: source?.http.maxConcurrency ?? HTTP_DEFAULTS.maxConcurrency };
    },
    store.mirror,
    logger,
    {
      changed: () => webhooks.kick(),
      refreshed: (source, outcome, seconds) => metrics.mirrorRefreshed(source, outcome, seconds),
      lease: { coordination, instanceId: INSTANCE_ID, ttlMs: (config.redis?.leaseSeconds ?? 15) * 1000 },
    },
  );
  metrics.watchMirrors(() => mirror.statuses());
  const webhooks = new Webhooks(
    config.webhooks,
    store.mirror,
    store.webhooks,
    sources.connectors.map((c) => c.sourceId),
    logger,
    { attempted: (id, outcome) => metrics.webhookDelivery(id, outcome) },
  );
  await mirror.start();
  webhooks.start();
  const authenticator = createAuthenticator(config.auth, { logger });
  const vendorNames = vendors.map((v) => v.vendor);
  const schema = config.server.federation ? await buildFederatedSchema(vendorNames) : await buildGatewaySchema(vendorNames);
  // What every request shares; the jobs run their account writes with it too (as a request would).
  const shared: SharedServices = {
    sources,
    logger,
    idempotency: new DurableIdempotency(store.idempotency, logger),
    audit,
    store,
    requestTimeoutMs: config.server.requestTimeoutMs,
    sizeHints: new SizeHints(),
    mirror,
    coordination,
    people: new People(mirror, store.people, (id) => config.sources.find((s) => s.id === id)?.organization ?? id),
  };
  // With Redis the deployment runs several instances on one store: jobs are owned and handed over.
  const jobs = new Jobs(shared, store.jobs, logger, config.redis ? { owner: INSTANCE_ID, staleMs: config.redis.leaseSeconds * 1000 } : undefined);
  shared.jobs = jobs;
  const gateway = await startGateway({
    ...shared,
    schema,
    authenticator,
    port: config.server.port,
    host: config.server.host,
    introspection: config.server.introspection,
    limits: config.server.limits,
    cors: config.server.cors,
    auditReads: config.audit.reads,
    metrics,
  });
  await jobs.resumeUnfinished();
  return {
    ...gateway,
    sources,
    store,
    mirror,
    jobs,
    close: async () => {
      await gateway.close();
      await jobs.stop();
      await mirror.stop();
      await coordination.close();
      await webhooks.stop();
      authenticator.close();
      await sources.close();
      stream?.close();
      if (!opts.store) await store.close();
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
      federation: false,
      limits: DEFAULT_LIMITS,
      cors: { origins: [] },
      shutdownGraceMs: 10_000,
      ...server,
    },
    auth,
    // In memory unless the caller sets a folder (`demo --data DIR`); tests pass their own store.
    store: { path: null, postgres: null },
    audit: { stream: 'none', reads: false },
    webhooks: [],
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
