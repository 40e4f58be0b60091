import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GatewayConfig } from '../config/config';
import type { AuditEventRecord, AuditRepository, Store, StoreConfig } from '../store/types';
import { auditLine } from '../service/audit/audit-stream';
import { toFhirBundle } from '../service/audit/fhir';
import { validateBundle } from '../service/audit/fhir-r4-auditevent';
import { auditExportCommand } from './audit-export';

// Unit tier: the command against a fake store whose scan yields fixture events in small
// batches; the end-to-end run against a real store is separate.

const BATCH = 3;
const STORE_CONFIG: StoreConfig = { path: '/data/staffgraph', postgres: null };

function fixture(n: number): AuditEventRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `0b7e4c3a-1d2f-4a5b-9c8d-${String(i + 1).padStart(12, '0')}`,
    at: new Date(Date.UTC(2024, 4, 1, 8, 0, i)),
    requestId: `req-${i}`,
    actor: { kind: i % 2 ? 'JWT' : 'API_KEY', id: `actor-${i % 3}`, name: `Actor ${i % 3}` },
    action: ['createUser', 'setUserActive', 'deleteUser', 'grantFacilityAccess', 'read'][i % 5]!,
    sourceId: i % 5 === 4 ? null : 'coremr',
    target: i % 5 === 4 ? { id: null, nativeId: null } : { id: `id-${i}`, nativeId: `u${i}` },
    changedFields: i % 5 === 1 ? ['active'] : [],
    outcome: (['SUCCESS', 'FAILURE', 'DENIED', 'UNKNOWN', 'PENDING'] as const)[i % 5]!,
    errorCode: [null, 'CONFLICT', 'FORBIDDEN', 'OUTCOME_UNKNOWN', null][i % 5]!,
    steps: [{ method: 'PUT', route: '/users/{username}', status: 200 }],
    client: { ip: i % 4 ? '127.0.0.1' : null, userAgent: 'hr-job/1.0' },
    replayed: false,
    userIds: i % 5 === 4 ? [`id-${i}`] : [],
  }));
}

interface Harness {
  run: (args: string[]) => Promise<{ code: number; chunks: string[]; err: string }>;
  /** What the fake store saw. */
  seen: { configFile: string | null; storeConfig: StoreConfig | null; since: Array<Date | null>; closed: number; scans: number };
}

function harness(events: AuditEventRecord[], opts: { failAfterBatches?: number } = {}): Harness {
  const seen: Harness['seen'] = { configFile: null, storeConfig: null, since: [], closed: 0, scans: 0 };
  const unused = () => Promise.reject(new Error('not used by export'));
  const audit: AuditRepository = {
    insert: unused,
    complete: unused,
    list: unused,
    recoverPending: unused,
    count: () => Promise.resolve(events.length),
    async scan(since, onBatch) {
      seen.scans += 1;
      seen.since.push(since);
      const matching = events.filter((e) => since === null || e.at >= since);
      for (let i = 0; i < matching.length; i += BATCH) {
        if (opts.failAfterBatches !== undefined && i / BATCH >= opts.failAfterBatches) throw new Error('connection lost');
        await onBatch(matching.slice(i, i + BATCH));
      }
      return matching.length;
    },
  };
  const store: Store = { backend: 'pglite', audit, idempotency: {} as Store['idempotency'], mirror: {} as Store['mirror'], webhooks: {} as Store['webhooks'], people: {} as Store['people'], jobs: {} as Store['jobs'], close: async () => void (seen.closed += 1) };
  return {
    seen,
    async run(args) {
      const chunks: string[] = [];
      let err = '';
      const code = await auditExportCommand(args, (c) => chunks.push(c), {
        loadConfig: (file) => {
          seen.configFile = file;
          return { store: STORE_CONFIG } as GatewayConfig;
        },
        openStore: async (config) => {
          seen.storeConfig = config;
          return store;
        },
        err: (text) => (err += text),
      });
      return { code, chunks, err };
    },
  };
}

const lines = (chunks: string[]) => chunks.join('').split('\n').filter((l) => l !== '');

describe('staffgraph audit export --format jsonl', () => {
  test('one line per event, the audit stream line, streamed one chunk per batch, oldest first', async () => {
    const events = fixture(8);
    const h = harness(events);
    const { code, chunks, err } = await h.run(['export', '--config', 'gw.yaml', '--format', 'jsonl']);
    assert.equal(code, 0, err);
    assert.equal(lines(chunks).length, 8);
    assert.deepEqual(chunks.join(''), events.map(auditLine).join(''));
    assert.equal(chunks.length, Math.ceil(8 / BATCH), 'one write per scan batch, nothing held back');
    assert.ok(chunks.every((c) => c.endsWith('\n')));
    for (const l of lines(chunks)) assert.equal(JSON.parse(l).kind, 'audit');
    assert.deepEqual(h.seen.since, [null]);
    assert.equal(h.seen.configFile, 'gw.yaml');
    assert.deepEqual(h.seen.storeConfig, STORE_CONFIG);
    assert.equal(h.seen.closed, 1);
    assert.match(err, /8 event\(s\)/);
    assert.ok(!chunks.join('').includes('event(s)'), 'messages never go to the data stream');
  });

  test('--since is passed to scan as that instant; only events at or after it are written', async () => {
    const events = fixture(8);
    const h = harness(events);
    const { code, chunks } = await h.run(['export', '--config', 'gw.yaml', '--since', '2024-05-01T08:00:05Z', '--format', 'jsonl']);
    assert.equal(code, 0);
    assert.deepEqual(h.seen.since, [new Date('2024-05-01T08:00:05.000Z')]);
    assert.deepEqual(lines(chunks).map((l) => JSON.parse(l).id), events.slice(5).map((e) => e.id));
  });

  test('--since accepts a date (midnight UTC), an offset and fractions', async () => {
    const cases: Array<[string, string]> = [
      ['2024-05-01', '2024-05-01T00:00:00.000Z'],
      ['2024-05-01T10:00+02:00', '2024-05-01T08:00:00.000Z'],
      ['2024-05-01T08:00:00.250Z', '2024-05-01T08:00:00.250Z'],
      ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ];
    for (const [given, expected] of cases) {
      const h = harness([]);
      const { code } = await h.run(['export', '--config', 'gw.yaml', '--format', 'jsonl', '--since', given]);
      assert.equal(code, 0, given);
      assert.equal(h.seen.since[0]?.toISOString(), expected, given);
    }
  });

  test('an empty trail writes nothing and exits 0', async () => {
    const h = harness([]);
    const { code, chunks } = await h.run(['export', '--config', 'gw.yaml', '--format', 'jsonl']);
    assert.equal(code, 0);
    assert.deepEqual(chunks, []);
  });
});

describe('staffgraph audit export --format fhir', () => {
  test('one Bundle document that validates against the R4 rules, streamed per batch', async () => {
    const events = fixture(10);
    const h = harness(events);
    const { code, chunks, err } = await h.run(['export', '--config', 'gw.yaml', '--format', 'fhir']);
    assert.equal(code, 0, err);
    const text = chunks.join('');
    assert.equal(text.split('\n').filter(Boolean).length, 1, 'one JSON document');
    const bundle = JSON.parse(text);
    assert.deepEqual(validateBundle(bundle), []);
    assert.equal(bundle.entry.length, 10);
    assert.deepEqual(bundle, toFhirBundle(events), 'the streamed Bundle is the one toFhirBundle builds');
    assert.equal(chunks.length, Math.ceil(10 / BATCH) + 1, 'one write per batch, then the closing');
    assert.equal(h.seen.closed, 1);
  });

  test('--since reaches scan; the Bundle holds only later events', async () => {
    const events = fixture(10);
    const h = harness(events);
    const { code, chunks } = await h.run(['export', '--config', 'gw.yaml', '--format', 'fhir', '--since', '2024-05-01T08:00:07Z']);
    assert.equal(code, 0);
    assert.deepEqual(h.seen.since, [new Date('2024-05-01T08:00:07Z')]);
    const bundle = JSON.parse(chunks.join(''));
    assert.deepEqual(bundle.entry.map((e: { resource: { id: string } }) => e.resource.id), events.slice(7).map((e) => e.id));
    assert.deepEqual(validateBundle(bundle), []);
  });

  test('an empty trail is an empty Bundle (no entry element), which validates', async () => {
    const h = harness([]);
    const { code, chunks } = await h.run(['export', '--config', 'gw.yaml', '--format', 'fhir']);
    assert.equal(code, 0);
    const bundle = JSON.parse(chunks.join(''));
    assert.deepEqual(bundle, { resourceType: 'Bundle', type: 'collection' });
    assert.deepEqual(validateBundle(bundle), []);
  });

  test('a store failure mid-export propagates and the store is still closed', async () => {
    const h = harness(fixture(10), { failAfterBatches: 2 });
    await assert.rejects(h.run(['export', '--config', 'gw.yaml', '--format', 'fhir']), /connection lost/);
    assert.equal(h.seen.closed, 1);
  });
});

describe('staffgraph audit export refusals (no store is opened)', () => {
  const refusals: Array<{ name: string; args: string[]; message: RegExp }> = [
    { name: 'bad --since', args: ['export', '--config', 'gw.yaml', '--format', 'jsonl', '--since', 'yesterday'], message: /--since must be an ISO 8601 timestamp.*"yesterday"/ },
    { name: '--since without a time zone', args: ['export', '--config', 'gw.yaml', '--format', 'jsonl', '--since', '2024-05-01T08:00:00'], message: /--since/ },
    { name: '--since on a day that does not exist', args: ['export', '--config', 'gw.yaml', '--format', 'jsonl', '--since', '2023-02-29'], message: /--since/ },
    { name: '--since with hour 24', args: ['export', '--config', 'gw.yaml', '--format', 'jsonl', '--since', '2024-05-01T24:00:00Z'], message: /--since/ },
    { name: 'no --config', args: ['export', '--format', 'jsonl'], message: /--config FILE is required/ },
    { name: 'no --format', args: ['export', '--config', 'gw.yaml'], message: /--format must be jsonl or fhir/ },
    { name: 'unknown --format', args: ['export', '--config', 'gw.yaml', '--format', 'csv'], message: /--format must be jsonl or fhir/ },
    { name: 'no subcommand', args: [], message: /one subcommand: export/ },
    { name: 'unknown subcommand', args: ['import', '--config', 'gw.yaml', '--format', 'jsonl'], message: /one subcommand: export/ },
    { name: 'unknown option', args: ['export', '--config', 'gw.yaml', '--format', 'jsonl', '--all'], message: /--all/ },
  ];
  for (const r of refusals) {
    test(r.name, async () => {
      const h = harness(fixture(3));
      const { code, chunks, err } = await h.run(r.args);
      assert.equal(code, 1);
      assert.match(err, r.message);
      assert.match(err, /usage: staffgraph audit export/);
      assert.deepEqual(chunks, [], 'nothing on the data stream');
      assert.equal(h.seen.configFile, null, 'config not loaded');
      assert.equal(h.seen.storeConfig, null, 'store not opened');
      assert.equal(h.seen.scans, 0);
    });
  }
});
