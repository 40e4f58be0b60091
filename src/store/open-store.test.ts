import { LATEST_VERSION } from './migrations';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from 'pg';
import { createLogger, type Logger } from '../core/logger';
import { openStore } from './open-store';
import { auditEvent } from './test-events';
import { NO_POSTGRES, PG_URL_ENV, openTestStore, storeBackends } from './test-store';
import type { StoreConfig } from './types';

function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger('info', (l) => lines.push(l)), lines };
}
const openLine = (lines: string[]): Record<string, unknown> => {
  const open = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'store_open');
  assert.equal(open.length, 1, 'one store_open line per open');
  return open[0];
};

/** Opens, writes a PENDING event and a done key, closes; reopens and checks both survived and the event became UNKNOWN. */
async function restartScenario(config: StoreConfig, backend: 'pglite' | 'postgres', whileOpen: () => Promise<void> = async () => undefined): Promise<string[]> {
  const first = captureLogger();
  const store = await openStore(config, { logger: first.logger });
  const pending = auditEvent();
  try {
    assert.equal(store.backend, backend);
    assert.deepEqual(
      (({ event, backend: b, schemaVersion, migrationsApplied, recoveredPending }) => ({ event, backend: b, schemaVersion, migrationsApplied, recoveredPending }))(openLine(first.lines) as never),
      { event: 'store_open', backend, schemaVersion: LATEST_VERSION, migrationsApplied: LATEST_VERSION, recoveredPending: 0 },
    );
    assert.equal(typeof openLine(first.lines).openMs, 'number');
    await store.audit.insert(pending);
    await store.idempotency.claim('caller:k1', 'fp', 3_600_000);
    await store.idempotency.complete('caller:k1', { id: 'VXNlcjox' });
    await whileOpen();
  } finally {
    await store.close();
  }
  await store.close(); // idempotent

  const second = captureLogger();
  const again = await openStore(config, { logger: second.logger });
  try {
    const line = openLine(second.lines);
    assert.deepEqual([line.migrationsApplied, line.recoveredPending], [0, 1]);
    const [event] = (await again.audit.list({}, 10, null)).events;
    assert.deepEqual(event, { ...pending, outcome: 'UNKNOWN', errorCode: 'OUTCOME_UNKNOWN' });
    assert.deepEqual(await again.idempotency.get('caller:k1'), { state: 'done', fingerprint: 'fp', payload: { id: 'VXNlcjox' } });
  } finally {
    await again.close();
  }
  return [...first.lines, ...second.lines];
}

describe('openStore', () => {
  test('PGlite in a folder that does not exist yet: created and locked; records survive a restart; PENDING becomes UNKNOWN at the next open', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'staffgraph-store-'));
    const path = join(parent, 'nested', 'staffgraph-data');
    try {
      await restartScenario({ path, postgres: null }, 'pglite', async () => {
        // A second PGlite on the same files (`audit export` while `serve` runs) would corrupt them.
        await assert.rejects(openStore({ path, postgres: null }, { logger: captureLogger().logger }), { name: 'StoreError', code: 'STORE_LOCKED' });
      });
      assert.ok(existsSync(join(path, 'PG_VERSION')), 'the database lives in the configured folder');
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  test('PostgreSQL from config: records survive a restart; the log never shows the URL, host or password', { skip: storeBackends()[1].skip }, async () => {
    const base = process.env[PG_URL_ENV];
    if (!base) throw new Error(`${PG_URL_ENV} is not set (CI is set, so this test does not skip)`);
    const schema = `sg_test_open_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    try {
      // A password the server (trust auth) ignores, so its absence from the log means something.
      const url = new URL(base);
      url.password = 'pw-must-not-leak';
      url.searchParams.set('options', `-c search_path=${schema}`);
      const lines = await restartScenario({ path: '/nonexistent/ignored-when-postgres-is-set', postgres: { url: url.toString() } }, 'postgres');
      for (const line of lines) {
        assert.doesNotMatch(line, /pw-must-not-leak|postgres:\/\/|127\.0\.0\.1/);
        assert.doesNotMatch(line, new RegExp(url.hostname.replace(/\./g, '\\.')));
      }
      assert.equal(existsSync('/nonexistent/ignored-when-postgres-is-set'), false);
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });

  test('an unreachable PostgreSQL fails the open (the service must not start without its audit trail)', async () => {
    const { logger, lines } = captureLogger();
    await assert.rejects(openStore({ path: null, postgres: { url: 'postgres://u:pw-secret@127.0.0.1:1/db' } }, { logger }));
    assert.equal(lines.filter((l) => l.includes('store_open')).length, 0);
    assert.ok(lines.every((l) => !l.includes('pw-secret')));
  });
});

for (const { backend, skip } of storeBackends()) {
  test(`openTestStore (${backend}): each call is a fresh, empty store; a PostgreSQL test schema is dropped on close`, { skip }, async () => {
    const a = await openTestStore(backend);
    const b = await openTestStore(backend);
    const [{ schema }] = await a.sql.query<{ schema: string }>('SELECT current_schema() AS schema');
    try {
      await a.audit.insert(auditEvent());
      assert.deepEqual([await a.audit.count(), await b.audit.count()], [1, 0]);
    } finally {
      await a.close();
      await b.close();
    }
    if (backend === 'postgres') {
      const admin = new Client({ connectionString: process.env[PG_URL_ENV] });
      await admin.connect();
      try {
        assert.match(schema, /^sg_test_/);
        assert.equal((await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount, 0);
      } finally {
        await admin.end();
      }
    }
  });
}

describe('storeBackends (which PostgreSQL variants run)', () => {
  test('no URL, no CI: PostgreSQL skipped with the message; PGlite always runs', () => {
    assert.deepEqual(storeBackends({}), [
      { backend: 'pglite', skip: false },
      { backend: 'postgres', skip: NO_POSTGRES },
    ]);
    assert.equal(NO_POSTGRES, 'skipped: no PostgreSQL (set STAFFGRAPH_TEST_PG_URL)');
  });

  test('CI without a URL: PostgreSQL runs (and fails); with a URL it runs', () => {
    assert.equal(storeBackends({ CI: '1' })[1].skip, false);
    assert.equal(storeBackends({ [PG_URL_ENV]: 'postgres://x@127.0.0.1:5432/postgres' })[1].skip, false);
  });
});
