import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStack, type Stack } from '../support/stack';
import { sign, webhookId } from '../../src/service/mirror/webhooks';

const SECRET = 'a-webhook-secret-of-some-length';
let stack: Stack;
let receiver: http.Server;
let url = '';
const received: Array<{ body: string; signature: string | undefined; status: number }> = [];
let failNext = 1; // the first delivery gets a 500: it must be retried

before(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const status = failNext-- > 0 ? 500 : 200;
      received.push({ body, signature: req.headers['x-staffgraph-signature'] as string | undefined, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/staff`;
  stack = await startStack({ users: 6, mirror: { opendental: {} }, webhooks: [{ url, secret: SECRET, events: [], retryBaseMs: 50 }] });
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
