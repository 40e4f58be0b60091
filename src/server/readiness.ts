import type { SourceSet } from '../service/sources';
import type { Coordination } from '../coordination/coordination';

/** `unknown`: no health answer yet within the probe's budget (the check keeps running, cached). */
export type SourceState = 'up' | 'down' | 'unknown';

export interface ReadinessBody {
  status: 'ready' | 'draining';
  /**
   * Shared state with other instances (docs/instances.md): "ok", "down" (Redis configured but not
   * answering: this instance runs on its own limits, credentials and mirror refreshes) or "off".
   */
  redis: 'ok' | 'down' | 'off';
  /** Configured sources in configured order; ids and states only — never a host, URL or error text. */
  sources: Array<{ id: string; state: SourceState }>;
}

/**
 * How long one /readyz waits for the sources' health, ms. Defaults to 500 (half a second): an
 * orchestrator's probe gives up after about a second (Kubernetes' default timeoutSeconds is 1), and a
 * vendor that hangs until its own timeout must not make the probe time out.
 */
export const READINESS_BUDGET_MS = 500;

/**
 * GET /readyz (docs/resilience.md): 503 only while draining, 200 otherwise — with every source's state.
 *
 * Why a down vendor does not make the gateway "not ready": every gateway instance sees the same
 * vendors, so a vendor outage would take every instance out of the load balancer at once, and the
 * sources that still answer (and the partial results the API is built to serve) would be lost with
 * it. Readiness says whether *this process* should get traffic; the per-source states are for
 * people and dashboards. `/healthz` says only that the process is alive.
 *
 * States come from `SourceSet.checkHealth` (cached 5 s across /readyz and `sources { health }`), so
 * a probe every second spends at most one vendor call per source per 5 s. While draining nothing
 * new is asked of the vendors: the last states this probe saw are reported.
 */
export class Readiness {
  private readonly last = new Map<string, SourceState>();

  constructor(
    private readonly sources: SourceSet,
    private readonly budgetMs = READINESS_BUDGET_MS,
    private readonly coordination?: Coordination,
  ) {}

  async report(isDraining: () => boolean): Promise<{ httpStatus: 200 | 503; body: ReadinessBody }> {
    if (!isDraining()) await this.refresh();
    // Asked again: a drain may have begun while the health checks ran.
    const draining = isDraining();
    const sources = this.sources.connectors.map((c) => ({ id: c.sourceId, state: this.last.get(c.sourceId) ?? ('unknown' as const) }));
    const c = this.coordination;
    const redis = !c || c.mode === 'local' ? 'off' : c.healthy() ? 'ok' : 'down';
    // Redis down is not "not ready": every instance would leave the balancer at once (see above).
    return { httpStatus: draining ? 503 : 200, body: { status: draining ? 'draining' : 'ready', redis, sources } };
  }

  private async refresh(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.budgetMs)));
    try {
      await Promise.all(
        this.sources.connectors.map(async (c) => {
          const health = this.sources.checkHealth(c).then(
            (h): SourceState => (h.status === 'UP' ? 'up' : 'down'),
            (): SourceState => 'down', // checkHealth never rejects; if it ever did, the source is not usable
          );
          const state = await Promise.race([health, budget]);
          // A late check is reported as unknown now; the cached answer serves the next probe.
          this.last.set(c.sourceId, state === 'late' ? 'unknown' : state);
        }),
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
