import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAuditRepository } from './audit-repository';
import { createIdempotencyRepository } from './idempotency-repository';
import { migrate, type Migration } from './migrate';
import { LATEST_VERSION, MIGRATIONS } from './migrations';
import type { SqlClient } from './sql';
import { openPostgres } from './sql-postgres';
import { silentLogger } from '../core/logger';
import { auditEvent } from './test-events';
import { openTestSql, openTestStore, storeBackends } from './test-store';

const tableExists = async (sql: SqlClient, name: string): Promise<boolean> =>
  (await sql.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [name]))[0].t !== null;
const recorded = async (sql: SqlClient): Promise<number[]> => (await sql.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map((r) => r.version);

/** Runs `fn` on a fresh database without migrations, then closes and drops it. */
async function withEmptyDatabase(backend: 'pglite' | 'postgres', fn: (sql: SqlClient, db: Awaited<ReturnType<typeof openTestSql>>) => Promise<void>): Promise<void> {
  const db = await openTestSql(backend);
  try {
    await fn(db.sql, db);
  } finally {
    await db.sql.close();
    await db.dispose();
  }
}

for (const { backend, skip } of storeBackends()) {
  describe(`migrations (${backend})`, { skip }, () => {
    test('from an empty store: every migration once, each recorded; a second run applies nothing', async () => {
      await withEmptyDatabase(backend, async (sql) => {
        assert.deepEqual(await migrate(sql, MIGRATIONS), { version: LATEST_VERSION, applied: MIGRATIONS.map((m) => m.version) });
        assert.deepEqual(await recorded(sql), MIGRATIONS.map((m) => m.version));
        assert.ok(await tableExists(sql, 'audit_events'));
        assert.ok(await tableExists(sql, 'idempotency_keys'));
        assert.deepEqual(await migrate(sql, MIGRATIONS), { version: LATEST_VERSION, applied: [] });
        assert.deepEqual(await recorded(sql), MIGRATIONS.map((m) => m.version));
      });
    });

    test('from the previous version: a store at version 1 with an audit row migrates, and the row survives', async () => {
      const store = await openTestStore(backend, { migrateTo: 1 });
      try {
        assert.deepEqual(await recorded(store.sql), [1]);
        assert.equal(await tableExists(store.sql, 'idempotency_keys'), false);
        const e = auditEvent({ outcome: 'SUCCESS' });
        await store.audit.insert(e);

        assert.deepEqual(await migrate(store.sql, MIGRATIONS), { version: LATEST_VERSION, applied: MIGRATIONS.slice(1).map((m) => m.version) });
        assert.deepEqual((await store.audit.list({}, 10, null)).events, [e]);
        const keys = createIdempotencyRepository(store.sql);
        assert.deepEqual(await keys.claim('k', 'fp', 1_000), { state: 'claimed' });
      } finally {
        await store.close();
      }
    });

    test('two migrators at once (two instances starting): each version is applied exactly once', async () => {
      await withEmptyDatabase(backend, async (sql, db) => {
        // PostgreSQL: a second pool on the same schema, i.e. a second process. PGlite has one
        // connection per database, so its two runs share it and interleave between transactions.
        const peer = backend === 'postgres' ? openPostgres({ url: db.url as string, logger: silentLogger, schema: db.schema }) : sql;
        try {
          const [a, b] = await Promise.all([migrate(sql, MIGRATIONS), migrate(peer, MIGRATIONS)]);
          assert.equal(a.version, LATEST_VERSION);
          assert.equal(b.version, LATEST_VERSION);
          assert.deepEqual([...a.applied, ...b.applied].sort(), MIGRATIONS.map((m) => m.version));
          assert.deepEqual(await recorded(sql), MIGRATIONS.map((m) => m.version));
        } finally {
          if (peer !== sql) await peer.close();
        }
      });
    });

    test('a failing migration rolls back whole and is not recorded; a newer schema is refused', async () => {
      await withEmptyDatabase(backend, async (sql) => {
        await migrate(sql, MIGRATIONS);
        const broken: Migration = { version: LATEST_VERSION + 1, name: 'broken', sql: ['CREATE TABLE half_done (id int)', 'ALTER TABLE no_such_table ADD COLUMN x int'] };
        await assert.rejects(migrate(sql, [...MIGRATIONS, broken]));
        assert.deepEqual(await recorded(sql), MIGRATIONS.map((m) => m.version));
        assert.equal(await tableExists(sql, 'half_done'), false);

        const next: Migration = { version: LATEST_VERSION + 1, name: 'audit_note', sql: ['ALTER TABLE audit_events ADD COLUMN note text'] };
        await migrate(sql, [...MIGRATIONS, next]);
        // This build knows only up to LATEST_VERSION: it must not run against a newer schema.
        await assert.rejects(migrate(sql, MIGRATIONS), { name: 'StoreError', code: 'SCHEMA_TOO_NEW' });
        // The audit repository still reads and writes with the added column.
        const audit = createAuditRepository(sql);
        await audit.insert(auditEvent());
        assert.equal(await audit.count(), 1);
      });
    });

  });
}

test('migration lists must be numbered 1, 2, 3 … without gaps, checked before touching the database', async () => {
  const untouched: SqlClient = {
    query: () => assert.fail('no query'),
    transaction: () => assert.fail('no transaction'),
    close: async () => undefined,
  };
  await assert.rejects(migrate(untouched, [{ ...MIGRATIONS[0], version: 2 }]), /expected 1/);
  await assert.rejects(migrate(untouched, [MIGRATIONS[0], MIGRATIONS[0]]), /expected 2/);
});
