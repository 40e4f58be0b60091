import type { Connector, ConnectorDeps, VendorModule } from '../core/connector';
import { backgroundContext } from '../core/context';
import type { SourceHealthRecord } from '../core/model';
import type { GatewayConfig } from '../config/config';

/**
 * The configured sources, in configured order, each with its connector (undici pool, token cache,
 * limiter). Created once at start; shared by every request.
 */
export class SourceSet {
  private readonly byId = new Map<string, Connector>();
  private readonly health = new Map<string, { at: number; value: Promise<SourceHealthRecord> }>();

  /**
   * @param healthTtlMs how long one health check answers for every request. Defaults to 5_000
   *   (five seconds): a dashboard polling `sources { health }` must not spend a vendor's rate
   *   budget (Open Dental: 1 request/s) on health checks.
   */
  constructor(
    readonly connectors: readonly Connector[],
    private readonly healthTtlMs = 5_000,
  ) {
    for (const c of connectors) this.byId.set(c.sourceId, c);
  }

  static create(config: GatewayConfig, vendors: readonly VendorModule[], deps: ConnectorDeps): SourceSet {
    return new SourceSet(
      config.sources.map((s) => {
        const vendor = vendors.find((v) => v.vendor === s.vendor);
        if (!vendor) throw new Error(`unknown vendor ${s.vendor}`); // parseConfig already rejected this
        return vendor.createConnector(s, deps);
      }),
    );
  }

  get(id: string): Connector | undefined {
    return this.byId.get(id);
  }

  /**
   * The source's health, checked at most once per healthTtlMs across all requests. The check is
   * shared, so it runs on its own 10-second context, not on the first caller's request (whose end
   * would otherwise abort it and report DOWN to everyone). connector.health never throws.
   */
  checkHealth(connector: Connector): Promise<SourceHealthRecord> {
    const cached = this.health.get(connector.sourceId);
    if (cached && Date.now() - cached.at < this.healthTtlMs) return cached.value;
    const value = connector.health(backgroundContext(10_000));
    this.health.set(connector.sourceId, { at: Date.now(), value });
    return value;
  }

  async close(): Promise<void> {
    await Promise.all(this.connectors.map((c) => c.close()));
  }
}
