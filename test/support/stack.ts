import type { Jobs } from '../../src/service/people/jobs';
import 'reflect-metadata';
import type { Mirror } from '../../src/service/mirror/mirror';
import type { ResilienceSettings, SourceHttpSettings, StartedSimulator, VendorModule } from '../../src/core/connector';
import { createLogger, type Logger } from '../../src/core/logger';
import { VENDORS } from '../../src/vendors/registry';
import { configForSimulators, startApp } from '../../src/app';
import { SimControl } from '../../src/sim/control';
import type { GatewayConfig } from '../../src/config/config';
import type { Store } from '../../src/store/types';
import { openTestStore } from '../../src/store/open-store';
import { DEFAULT_LIMITS, type QueryLimits } from '../../src/server/limits/query-limits';

export interface GqlResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }> };
  text: string;
}

export interface Stack {
  url: string;
  /** Simulators by source id (= vendor name): the running simulator and its test controls. */
  sims: Record<string, { sim: StartedSimulator; control: SimControl }>;
  /** Every log line the gateway wrote, for "no secret in logs" assertions. */
  logLines: string[];
  /** POSTs a GraphQL request; `headers` adds e.g. an Authorization header. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse<T>>;
  /** The gateway's store (audit events, idempotency records). */
  store: Store;
  /** The running gateway's mirrors (a new object after restartGateway). */
  readonly mirror: Mirror;
  /** The running gateway's jobs (a new object after restartGateway). */
  readonly jobs: Jobs;
  /** Stops the gateway and starts it again on the same port, simulators and store (a restart). */
  restartGateway(): Promise<void>;
  /** Every vendor request the simulators logged since the last clearLogs(), by source id. */
  vendorCalls(): Promise<Record<string, number>>;
  resetAll(): Promise<void>;
  clearLogs(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts real simulators on loopback (free ports) and a gateway configured against them, all in
 * this process. Source ids are the vendor names.
 */
export async function startStack(opts: {
  vendors?: readonly VendorModule[];
  users?: number;
  seed?: number;
  latencyMs?: number;
  requestTimeoutMs?: number;
  http?: SourceHttpSettings;
  /** Every source's `resilience` block (retries, breaker, size cap); default the production defaults. */
  resilience?: ResilienceSettings;
  /** Every source's `forwardRequestId`. */
  forwardRequestId?: boolean;
  /** Sources (by id) whose mirror is enabled, with their settings. A long refreshSeconds leaves refreshes to the test (`stack.mirror.refresh`). */
  mirror?: Record<string, { refreshSeconds?: number; share?: number }>;
  /** `webhooks[]` of the config. */
  webhooks?: GatewayConfig['webhooks'];
  /** Gateway `server` settings over the defaults (limits, introspection, cors). */
  server?: Partial<Omit<GatewayConfig['server'], 'limits'>> & { limits?: Partial<QueryLimits> };
  /** Defaults to `mode: none` (every request holds every scope). */
  auth?: GatewayConfig['auth'];
  /** A store the test opened (kept open across `restartGateway`); default a fresh embedded one, closed with the stack. */
  store?: Store;
  /** `audit` settings over the default (no stream, no read events). */
  audit?: Partial<GatewayConfig['audit']>;
  /** `sources[].organization` by source id (people linking by employee number). */
  organizations?: Record<string, string>;
} = {}): Promise<Stack> {
  const vendors = opts.vendors ?? VENDORS;
  const started: StartedSimulator[] = [];
  for (const v of vendors) started.push(await v.startSimulator({ port: 0, users: opts.users, seed: opts.seed ?? 1, latencyMs: opts.latencyMs }));
  const logLines: string[] = [];
  const logger: Logger = createLogger('debug', (line) => logLines.push(line));
  const config = configForSimulators(
    started.map((sim, i) => ({ id: vendors[i]!.vendor, sim: { ...sim, http: { ...sim.http, ...opts.http } } })),
    { requestTimeoutMs: opts.requestTimeoutMs ?? 20_000, ...opts.server, limits: { ...DEFAULT_LIMITS, ...opts.server?.limits } },
    opts.auth,
  );
  config.audit = { ...config.audit, ...opts.audit };
  config.webhooks = opts.webhooks ?? [];
  for (const source of config.sources) {
    const mirror = opts.mirror?.[source.id];
    Object.assign(source, {
      resilience: opts.resilience ?? {},
      forwardRequestId: opts.forwardRequestId ?? false,
      mirror: mirror ? { enabled: true, refreshSeconds: mirror.refreshSeconds ?? 3600, share: mirror.share ?? 0.5 } : undefined,
      organization: opts.organizations?.[source.id] ?? started[config.sources.indexOf(source)]?.organization ?? source.id,
    });
  }
  const store = opts.store ?? (await openTestStore('pglite'));
  let app = await startApp(config, vendors, logger, { store });
  const sims: Stack['sims'] = {};
  started.forEach((sim, i) => (sims[vendors[i]!.vendor] = { sim, control: new SimControl(sim.origin) }));
  return {
    get mirror() {
      return app.mirror;
    },
    get jobs() {
      return app.jobs;
    },
    get url() {
      return app.url;
    },
    sims,
    logLines,
    store,
    async restartGateway() {
      await app.close();
      app = await startApp({ ...config, server: { ...config.server, port: app.port } }, vendors, logger, { store });
    },
    async gql(query, variables, headers = {}) {
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: JSON.parse(text), text };
    },
    async vendorCalls() {
      const out: Record<string, number> = {};
      for (const [id, s] of Object.entries(sims)) out[id] = (await s.control.requests()).length;
      return out;
    },
    async resetAll() {
      // allSettled: a test may have stopped a simulator on purpose.
      await Promise.allSettled(Object.values(sims).map((s) => s.control.reset()));
    },
    async clearLogs() {
      await Promise.allSettled(Object.values(sims).map((s) => s.control.clearRequests()));
    },
    async close() {
      await app.close();
      await Promise.all(started.map((s) => s.close()));
      if (!opts.store) await store.close();
    },
  };
}
