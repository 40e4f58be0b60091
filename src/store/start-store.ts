import type { Logger } from '../core/logger';
import { createAuditRepository } from './audit-repository';
import { createIdempotencyRepository } from './idempotency-repository';
import { createMirrorRepository } from './mirror-repository';
import { createPeopleRepository } from './people-repository';
import { createJobRepository } from './job-repository';
import { createWebhookRepository } from './webhook-repository';
import { migrate } from './migrate';
import { MIGRATIONS } from './migrations';
import type { SqlClient } from './sql';
import type { Store } from './types';

export interface StartOptions {
  logger: Logger;
  /** performance.now() when opening began, for `openMs` in the store_open line. */
  startedAt: number;
  /** Migrate only up to this version (the migration test opens "the previous version"). Defaults to all. */
  migrateTo?: number;
  /** Turn PENDING audit rows into UNKNOWN (crash recovery). Defaults to true. */
  recover?: boolean;
  /** Runs after the connection closes (a test store drops its PostgreSQL schema). */
  afterClose?: () => Promise<void>;
}

/**
 * The common part of opening either backend: migrations, then crash recovery (PENDING audit rows
 * become UNKNOWN, expired idempotency keys go), then one `store_open` line. Closes the connection
 * when any of it fails, so a refused start leaves nothing open.
 */
export async function startStore(sql: SqlClient, backend: Store['backend'], options: StartOptions): Promise<Store> {
  const audit = createAuditRepository(sql);
  const idempotency = createIdempotencyRepository(sql);
  const mirror = createMirrorRepository(sql);
  const webhooks = createWebhookRepository(sql);
  const people = createPeopleRepository(sql);
  const jobs = createJobRepository(sql);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    try {
      await sql.close();
    } finally {
      await options.afterClose?.();
    }
  };
  try {
    const { version, applied } = await migrate(sql, MIGRATIONS, options.migrateTo);
    const recoveredPending = options.recover === false ? 0 : await audit.recoverPending();
    const expiredKeys = version >= 2 ? await idempotency.purgeExpired() : 0;
    // Never the URL: it can hold a password. The backend name says enough.
    options.logger.info('store_open', {
      backend,
      schemaVersion: version,
      migrationsApplied: applied.length,
      recoveredPending,
      expiredKeys,
      openMs: Math.round(performance.now() - options.startedAt),
    });
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  return { backend, audit, idempotency, mirror, webhooks, people, jobs, close };
}
