import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { lockFolder, type FolderLock } from './folder-lock';
import type { SqlClient, SqlExecutor, SqlParam } from './sql';

export interface PgliteOptions {
  /** Folder of the database files, created when missing; null keeps the database in memory (tests). */
  dataDir: string | null;
  /** A tarball from `dumpDataDir('none')` to start from instead of running initdb (in-memory test stores: ~1.5 s instead of ~5–12 s). */
  loadDataDir?: Blob;
}

/**
 * The embedded backend. PGlite is one PostgreSQL backend process in WASM: a single connection.
 * Its `query` already waits for an open `transaction` to finish (it takes the same mutex), so
 * statements from concurrent requests are serialised and never run inside someone else's
 * transaction; we lean on that rather than keep a queue of our own.
 */
export async function openPglite(options: PgliteOptions): Promise<SqlClient> {
  let lock: FolderLock | null = null;
  if (options.dataDir !== null) {
    mkdirSync(options.dataDir, { recursive: true });
    lock = lockFolder(options.dataDir);
  }
  const db = new PGlite({ dataDir: options.dataDir ?? undefined, loadDataDir: options.loadDataDir });
  try {
    await db.waitReady;
  } catch (err) {
    lock?.release();
    throw err;
  }
  const exec = (q: { query: PGlite['query'] }): SqlExecutor => ({
    async query<Row extends object>(text: string, params: readonly SqlParam[] = []): Promise<Row[]> {
      return (await q.query<Row>(text, params as SqlParam[])).rows;
    },
  });
  let closed = false;
  return {
    ...exec(db),
    transaction: (fn) => db.transaction((tx) => fn(exec(tx))),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.close();
      } finally {
        lock?.release();
      }
    },
  };
}
