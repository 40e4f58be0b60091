import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStack, type Stack } from '../support/stack';
import { sign, webhookId } from '../../src/service/mirror/webhooks';
import { sample } from '../support/metrics-text';

const SECRET = 'a-webhook-secret-of-some-length';
let stack: Stack;
let receiver: http.Server;
let url = '';
let poisonUrl = '';
const received: Array<{ body: string; signature: string | undefined; status: number }> = [];
let failNext = 1; // the first delivery gets a 500: it must be retried
/** The second webhook's receiver refuses one change for ever (a poisoned change): it must be dead-lettered after maxAttempts. */
const poisoned: Array<{ id: string; status: number }> = [];
let poisonId: string | null = null;

before(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url === '/hooks/poison') {
        const id = JSON.parse(body).id as string;
        poisonId ??= id;
        const refused = id === poisonId ? 500 : 200;
        poisoned.push({ id, status: refused });
        res.writeHead(refused).end();
        return;
      }
      const status = failNext-- > 0 ? 500 : 200;
      received.push({ body, signature: req.headers['x-staffgraph-signature'] as string | undefined, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/staff`;
  poisonUrl = url.replace('/hooks/staff', '/hooks/poison');
  stack = await startStack({
    users: 6,
    mirror: { opendental: {} },
    webhooks: [
      { url, secret: SECRET, events: [], retryBaseMs: 50, maxAttempts: 50 },
      { url: poisonUrl, secret: SECRET, events: [], retryBaseMs: 20, maxAttempts: 3 },
    ],
  });
  await stack.mirror.refresh('opendental');
});
after(async () => {
  await stack.close();
  receiver.close();
});

async function until(what: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('gateway writes are POSTed signed, at least once (a 500 is retried), in order, with a delivery log', async () => {
  const id = (await stack.gql(`{ users(sources: ["opendental"], first: 1) { nodes { id } } }`)).body.data!.users.nodes[0].id;
  for (const active of [false, true]) {
    const res = await stack.gql(`mutation($id: ID!, $a: Boolean!) { setUserActive(id: $id, active: $a) { userErrors { code } } }`, { id, a: active });
    assert.deepEqual(res.body.data!.setUserActive.userErrors, []);
  }
  const writes = () => received.filter((r) => r.status === 200 && JSON.parse(r.body).origin === 'write');
  await until(() => writes().length >= 2);
  for (const r of received) assert.equal(r.signature, sign(SECRET, r.body), 'HMAC-SHA256 of the exact body');
  assert.equal(received[0]!.status, 500);
  assert.equal(received[1]!.body, received[0]!.body, 'the failed change is sent again before anything after it');
  const mine = writes().map((r) => JSON.parse(r.body));
  assert.deepEqual(mine.map((b) => [b.kind, b.userId, b.source]), [['DEACTIVATED', id, 'opendental'], ['REACTIVATED', id, 'opendental']]);
  assert.deepEqual(Object.keys(mine[0]).sort(), ['at', 'changedFields', 'id', 'kind', 'origin', 'source', 'userId']);
  assert.ok(Number(mine[0].id) < Number(mine[1].id));
  const log = await stack.store.webhooks.deliveries(webhookId(url), 100);
  assert.deepEqual([log[0]!.attempt, log[0]!.status, log[0]!.delivered], [1, 500, false]);
  assert.deepEqual([log[1]!.attempt, log[1]!.status, log[1]!.delivered, log[1]!.seq], [2, 200, true, log[0]!.seq]);
  assert.ok(!stack.logLines.join('\n').includes(SECRET));
  assert.ok(!stack.logLines.join('\n').includes('/hooks/staff'), 'the URL is never logged (it may carry a token)');
});

test('a change refused maxAttempts times is dead-lettered: logged, marked in the delivery log, counted, and the changes after it still go out', async () => {
  // The first test's two writes reach this webhook too; the receiver refuses the first for ever.
  await until(() => poisoned.some((p) => p.status === 200));
  assert.deepEqual(
    poisoned.map((p) => p.status),
    [500, 500, 500, 200],
    'three attempts at the poisoned change, then the next one',
  );
  // The receiver answers before the worker records the attempt: wait for the fourth row.
  let log = await stack.store.webhooks.deliveries(webhookId(poisonUrl), 100);
  for (let i = 0; i < 100 && log.length < 4; i++) {
    await new Promise((r) => setTimeout(r, 20));
    log = await stack.store.webhooks.deliveries(webhookId(poisonUrl), 100);
  }
  assert.deepEqual(
    log.map((d) => [d.attempt, d.status, d.delivered, d.deadLetter]),
    [
      [1, 500, false, false],
      [2, 500, false, false],
      [3, 500, false, true],
      [1, 200, true, false],
    ],
  );
  assert.equal(log[3]!.seq > log[2]!.seq, true);
  const lines = stack.logLines.filter((l) => l.includes('webhook_dead_letter'));
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, new RegExp(`"webhook":"${webhookId(poisonUrl)}"`));
  const metrics = await (await fetch(new URL('/metrics', stack.url))).text();
  assert.equal(sample(metrics, 'staffgraph_webhook_deliveries_total', { webhook: webhookId(poisonUrl), outcome: 'dead_letter' }), 1);
  assert.equal(sample(metrics, 'staffgraph_webhook_deliveries_total', { webhook: webhookId(poisonUrl), outcome: 'failed' }), 2);
  assert.equal(sample(metrics, 'staffgraph_webhook_deliveries_total', { webhook: webhookId(poisonUrl), outcome: 'delivered' }), 1);
});
