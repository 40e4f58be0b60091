import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { silentLogger, type Logger } from '../core/logger';
import type { SqlClient } from './sql';
import { openPglite } from './sql-pglite';
import { openPostgres } from './sql-postgres';
import { startStore } from './start-store';
import type { Store } from './types';

/**
 * Fresh, empty stores for tests, on either backend. Not used by the service.
 *
 * PGlite: `new PGlite()` runs initdb in WASM, measured here (2 cores, Node 20) at 4.2–12.8 s and
 * ~730 MB RSS per in-memory open. Instead a freshly initialised database is dumped once
 * (`dumpDataDir('none')`, 40 MB; gzip is 4.5 MB but loads ~1 s slower) and each store loads that:
 * 1.3–2.9 s and ~400–440 MB. The dump is also kept in the OS temp folder, keyed by the PGlite
 * version, so the next test process (node --test runs one per file) skips initdb too. The
 * template holds no schema: migrations run on each store as in production (~50 ms), and the
 * migration tests can start from an empty database.
 *
 * PostgreSQL: a new schema per store on the server in STAFFGRAPH_TEST_PG_URL (search_path set on
 * every pooled connection), dropped with CASCADE on close. Schemas are cheaper than databases and
 * parallel test files cannot see each other's rows.
 */
export type TestBackend = Store['backend'];

export const PG_URL_ENV = 'STAFFGRAPH_TEST_PG_URL';
export const NO_POSTGRES = `skipped: no PostgreSQL (set ${PG_URL_ENV})`;

/**
 * The backends a store test runs on, with node:test's `skip` for each. Without the URL the
 * PostgreSQL variant is skipped, except in CI (CI set), where it runs and fails: a CI that lost its
 * database must not go green.
 */
export function storeBackends(env: NodeJS.ProcessEnv = process.env): { backend: TestBackend; skip: string | false }[] {
  return [
    { backend: 'pglite', skip: false },
    { backend: 'postgres', skip: env[PG_URL_ENV] || env.CI ? false : NO_POSTGRES },
  ];
}

export interface TestStoreOptions {
  /** Defaults to silentLogger. */
  logger?: Logger;
  /** Migrate only up to this version. Defaults to all. */
  migrateTo?: number;
}

/** A test store: the Store, plus its SQL connection (to inspect rows, or build a repository with test options) and `reset`. */
export interface TestStore extends Store {
  readonly sql: SqlClient;
  /** Empties every table but schema_migrations (for a `beforeEach`: one open per test file instead of one per test). */
  reset(): Promise<void>;
}

/** A fresh store with every migration applied (or up to `migrateTo`), empty. Close it. */
export async function openTestStore(backend: TestBackend, options: TestStoreOptions = {}): Promise<TestStore> {
  const startedAt = performance.now();
  const db = await openTestSql(backend);
  const store = await startStore(db.sql, backend, { logger: options.logger ?? silentLogger, startedAt, migrateTo: options.migrateTo, afterClose: db.dispose });
  return {
    ...store,
    sql: db.sql,
    async reset() {
      const tables = await db.sql.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`);
      if (tables.length) await db.sql.query(`TRUNCATE ${tables.map((t) => t.name).join(', ')}`);
    },
  };
}

/** A fresh, empty database without migrations, for the migration tests. `close()` the sql, then `dispose()`. */
export async function openTestSql(backend: TestBackend): Promise<{ sql: SqlClient; dispose: () => Promise<void>; url?: string; schema?: string }> {
  if (backend === 'pglite') return { sql: await openPglite({ dataDir: null, loadDataDir: await pgliteTemplate() }), dispose: async () => undefined };
  const url = process.env[PG_URL_ENV];
  if (!url) throw new Error(`${PG_URL_ENV} is not set: the PostgreSQL store tests need a server (CI is set, so they do not skip)`);
  const schema = `sg_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `CREATE SCHEMA ${schema}`);
  return { sql: openPostgres({ url, logger: silentLogger, schema }), dispose: () => adminQuery(url, `DROP SCHEMA IF EXISTS ${schema} CASCADE`), url, schema };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

// Once per process: the promise is shared so concurrent first calls initdb only once.
let template: Promise<Blob> | undefined;

function pgliteTemplate(): Promise<Blob> {
  template ??= loadOrMakeTemplate();
  return template;
}

async function loadOrMakeTemplate(): Promise<Blob> {
  // The package does not export its package.json; read it beside the resolved entry (dist/index.cjs).
  const manifest = join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json');
  const version: string = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  const file = join(tmpdir(), `staffgraph-pglite-${version}-template.tar`);
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    // Not made yet (or unreadable): make it.
  }
  const db = new PGlite();
  try {
    await db.waitReady;
    const dump = await db.dumpDataDir('none');
    // Write then rename: a concurrent test process never reads a half-written file.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    try {
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, file);
    } catch {
      rmSync(partial, { force: true });
    }
    return dump;
  } finally {
    await db.close();
  }
}
