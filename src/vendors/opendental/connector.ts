import type { Connector, ConnectorDeps, SourceConfig } from '../../core/connector';
import { VendorHttp } from '../../http/vendor-http';
import { checkHealth, perRequest } from '../../kit';
import { CAPABILITIES } from './capabilities';
import { OpenDentalClient } from './client';
import { DEFAULT_MIN_INTERVAL_MS, type OpenDentalAuth, type OpenDentalOptions } from './config';
import { OpenDentalReader } from './loaders';
import { UserodPages } from './pages';
import { OpenDentalWriter } from './writer';
import { OPENDENTAL_COSTS } from './costs';

/**
 * One Open Dental source. Created once at start: the VendorHttp (undici Pool and the client-side
 * limiter). http.minIntervalMs defaults to 1000 ms — Open Dental's documented 1 request/s per
 * customer key for a developer with more than ReadAll — unless the source config sets it.
 * `config.auth`/`options` are the output of parseSourceConfig. The request's list pages
 * (pages.ts) are shared by that request's reader and writer through a per-request store.
 */
export function createConnector(config: SourceConfig, deps: ConnectorDeps): Connector {
  const auth = config.auth as OpenDentalAuth;
  const options = config.options as OpenDentalOptions;
  const http = new VendorHttp({ ...config, http: { ...config.http, minIntervalMs: config.http.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS } }, deps);
  const client = new OpenDentalClient(http, auth);
  const pagesOf = perRequest((ctx) => new UserodPages(client, ctx));
  return {
    sourceId: config.id,
    vendor: 'opendental',
    name: config.name,
    capabilities: CAPABILITIES,
    costs: OPENDENTAL_COSTS,
    reader: (ctx) => new OpenDentalReader(client, pagesOf(ctx), ctx),
    writer: (ctx, reader) => new OpenDentalWriter(client, ctx, reader, pagesOf(ctx), options.passwordRequiresSymbol ?? false),
    health: (ctx) => checkHealth(() => client.ping(ctx)),
    close: () => http.close(),
  };
}
