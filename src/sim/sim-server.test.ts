import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from './router';
import { startSimServer, type SimServer } from './sim-server';
import { SimControl } from './control';

// The simulator kit on its own: a tiny vendor with one stateful route.
let server: SimServer;
let control: SimControl;
let counter = 0;

before(async () => {
  const router = new Router()
    .add('GET', '/items/', () => ({ status: 200, body: { count: counter } }))
    .add('POST', '/items/', () => ({ status: 201, body: { count: ++counter } }))
    .add('GET', '/items/:id', (req) => ({ status: 200, body: { id: req.params.id } }));
  server = await startSimServer({
    name: 'kit',
    router,
    seed: 42,
    reset: () => (counter = 0),
    errorResponse: (status, message) => ({ status, body: { error: message } }),
  });
  control = new SimControl(server.origin);
});
after(() => server.close());
beforeEach(() => control.reset());

const get = (path: string, init?: RequestInit) => fetch(`${server.origin}${path}`, init);

describe('routing and the request log', () => {
  test('logs vendor requests with method, path, query, headers, body and status; controls are not logged', async () => {
    await get('/items/?a=1&a=2&b=x', { headers: { 'x-test': 'yes' } });
    await get('/items/', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } });
    const log = await control.requests();
    assert.deepEqual(log.map((r) => [r.seq, r.method, r.path, r.status]), [[1, 'GET', '/items/', 200], [2, 'POST', '/items/', 201]]);
    assert.deepEqual(log[0]!.query, { a: ['1', '2'], b: 'x' });
    assert.equal(log[0]!.headers['x-test'], 'yes');
    assert.equal(log[1]!.body, 'hello');
    assert.equal(log[1]!.inFlight, 1);
    assert.ok(log.every((r) => !r.path.startsWith('/__sim/')));
  });

  test('params are decoded; trailing slashes and verbs match exactly (404 / 405 with Allow)', async () => {
    assert.deepEqual(await (await get('/items/a%20b')).json(), { id: 'a b' });
    assert.equal((await get('/items')).status, 404);
    const res = await get('/items/', { method: 'DELETE' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, POST');
  });

  test('reset restores state and clears the log and faults', async () => {
    await get('/items/', { method: 'POST' });
    await control.fault({ kind: 'status', status: 500 });
    await control.reset();
    assert.deepEqual(await control.requests(), []);
    assert.deepEqual(await (await get('/items/')).json(), { count: 0 });
  });
});

describe('faults', () => {
  test('status with skip/times hits exactly "the second call", once', async () => {
    await control.fault({ kind: 'status', status: 503, method: 'POST', skip: 1, times: 1 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/items/', { method: 'POST' })).status);
    assert.deepEqual(statuses, [201, 503, 201]);
    assert.equal(counter, 2, 'the failed call changed nothing');
  });

  test('rate-limit answers 429 with Retry-After in the vendor error shape', async () => {
    await control.fault({ kind: 'rate-limit', retryAfterSeconds: 9, path: '^/items/$' });
    const res = await get('/items/');
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '9');
    assert.deepEqual(await res.json(), { error: 'Request was throttled.' });
  });

  test('malformed JSON is a 200 that does not parse', async () => {
    await control.fault({ kind: 'malformed-json' });
    const res = await get('/items/');
    assert.equal(res.status, 200);
    await assert.rejects(res.json());
  });

  test('drop before the handler changes nothing; drop after it applies the write but never answers', async () => {
    await control.fault({ kind: 'drop', method: 'POST', times: 1 });
    await assert.rejects(get('/items/', { method: 'POST' }));
    assert.equal(counter, 0);
    await control.fault({ kind: 'drop', when: 'after', method: 'POST', times: 1 });
    await assert.rejects(get('/items/', { method: 'POST' }));
    assert.equal(counter, 1, 'applied, unanswered: an outcome the client cannot know');
    const log = await control.requests();
    assert.deepEqual(log.map((r) => [r.status, r.fault, r.doneSeq]), [[null, 'drop', null], [null, 'drop', null]]);
  });

  test('slow-body sends headers, pauses, then the rest of the body', async () => {
    await control.fault({ kind: 'slow-body', latencyMs: 200 });
    const res = await get('/items/');
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { count: 0 }, 'the body arrives whole in the end');
    assert.equal((await control.requests())[0]!.fault, 'slow-body');
  });

  test('a failure rate is drawn from the seed: the same pattern every run', async () => {
    const pattern = async () => {
      await control.reset();
      await control.fault({ kind: 'status', status: 500, rate: 0.5 });
      const out: number[] = [];
      for (let i = 0; i < 12; i++) out.push((await get('/items/')).status);
      return out;
    };
    const first = await pattern();
    assert.ok(first.includes(500) && first.includes(200), `a mix: ${first}`);
    assert.deepEqual(await pattern(), first, 'reset re-seeds the draw');
  });

  test('an invalid fault is refused with a reason', async () => {
    const res = await fetch(`${server.origin}/__sim/faults`, { method: 'POST', body: JSON.stringify({ kind: 'explode' }) });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /kind must be one of/);
  });
});
