import type { Connector, ConnectorDeps, SourceConfig } from '../../core/connector';
import { SourceError } from '../../core/errors';
import { VendorHttp } from '../../http/vendor-http';
import { CAPABILITIES } from './capabilities';
import { OpenDentalClient } from './client';
import { DEFAULT_MIN_INTERVAL_MS, type OpenDentalAuth, type OpenDentalOptions } from './config';
import { OpenDentalReader } from './loaders';
import { OpenDentalWriter } from './writer';
import { OPENDENTAL_COSTS } from './costs';

/**
 * One Open Dental source. Created once at start: the VendorHttp (undici Pool and the client-side
 * limiter). http.minIntervalMs defaults to 1000 ms — Open Dental's documented 1 request/s per
 * customer key for a developer with more than ReadAll — unless the source config sets it.
 * `config.auth`/`options` are the output of parseSourceConfig.
 */
export function createConnector(config: SourceConfig, deps: ConnectorDeps): Connector {
  const auth = config.auth as OpenDentalAuth;
  const options = config.options as OpenDentalOptions;
  const http = new VendorHttp({ ...config, http: { ...config.http, minIntervalMs: config.http.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS } }, deps);
  const client = new OpenDentalClient(http, auth);
  return {
    sourceId: config.id,
    vendor: 'opendental',
    name: config.name,
    capabilities: CAPABILITIES,
    costs: OPENDENTAL_COSTS,
    reader: (ctx) => new OpenDentalReader(client, ctx),
    writer: (ctx, reader) => new OpenDentalWriter(client, ctx, reader instanceof OpenDentalReader ? reader : null, options.passwordRequiresSymbol ?? false),
    async health(ctx) {
      const started = Date.now();
      try {
        await client.ping(ctx);
        return { status: 'UP', latencyMs: Date.now() - started, checkedAt: new Date(), errorCode: null };
      } catch (err) {
        return { status: 'DOWN', latencyMs: null, checkedAt: new Date(), errorCode: err instanceof SourceError ? err.code : 'INTERNAL_SERVER_ERROR' };
      }
    },
    close: () => http.close(),
  };
}
