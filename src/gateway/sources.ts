import type { Connector, ConnectorDeps, VendorModule } from '../core/connector';
import type { GatewayConfig } from '../config/config';

/**
 * The configured sources, in configured order, each with its connector (undici pool, token cache,
 * limiter). Created once at start; shared by every request.
 */
export class SourceSet {
  private readonly byId = new Map<string, Connector>();

  constructor(readonly connectors: readonly Connector[]) {
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

  async close(): Promise<void> {
    await Promise.all(this.connectors.map((c) => c.close()));
  }
}
