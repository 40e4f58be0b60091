import type { Logger } from '../core/logger';
import { openPglite } from './sql-pglite';
import { openPostgres } from './sql-postgres';
import { startStore } from './start-store';
import type { Store, StoreConfig } from './types';

/**
 * Opens the configured store (docs/store-and-audit.md): PostgreSQL when `postgres` is set, else embedded
 * PGlite in `path` (created when missing; null = in memory). Runs the migrations and turns PENDING
 * audit rows left by a crash into UNKNOWN before returning, and logs one `store_open` line.
 * Called once at start; the returned store is shared by all requests.
 *
 * PGlite holds ~300–450 MB of RSS (its WASM heap) whatever the data size; measured here it opens
 * in ~1.9 s on an existing folder and ~8.7 s the first time (initdb, ~800 MB RSS while it runs).
 */
export async function openStore(
  config: StoreConfig,
  deps: {
    logger: Logger;
    /**
     * Whether PENDING rows become UNKNOWN now. Defaults to true (a gateway starting). `audit export`
     * passes false: reading the trail must not change it, nor guess at another instance's writes.
     */
    recover?: boolean;
  },
): Promise<Store> {
  const startedAt = performance.now();
  const options = { logger: deps.logger, startedAt, recover: deps.recover ?? true };
  if (config.postgres) return startStore(openPostgres({ url: config.postgres.url, logger: deps.logger }), 'postgres', options);
  return startStore(await openPglite({ dataDir: config.path }), 'pglite', options);
}

export { openTestStore } from './test-store';
