import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Drain } from './drain';

/** A server whose /slow answers after `slowMs` and everything else at once; tracked by a Drain. */
async function serve(slowMs: number) {
  const drain = new Drain();
  const server = http.createServer((req, res) => {
    drain.track(res);
    if (req.url === '/slow') setTimeout(() => res.end('slow'), slowMs).unref();
    else res.end(drain.draining ? 'late' : 'fast');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { drain, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

test('with nothing in flight the drain closes the server at once', async () => {
  const { drain, server } = await serve(0);
  const t0 = Date.now();
  await drain.drain(server, 5000);
  assert.ok(Date.now() - t0 < 200);
  assert.equal(server.listening, false);
});

test('a response in flight finishes with Connection: close; requests meanwhile are answered with it too', async () => {
  const { drain, server, url } = await serve(300);
  const slow = fetch(`${url}/slow`);
  await new Promise((r) => setTimeout(r, 50));
  const drained = drain.drain(server, 5000);
  assert.equal(drain.draining, true);
  const late = await fetch(`${url}/other`);
  assert.equal(await late.text(), 'late');
  assert.equal(late.headers.get('connection'), 'close');
  const res = await slow;
  assert.equal(await res.text(), 'slow');
  assert.equal(res.headers.get('connection'), 'close');
  await drained;
  assert.equal(server.listening, false);
  assert.equal(drain.drain(server, 5000), drained, 'one drain');
});

test('at the grace the connections still open are ended', async () => {
  const { drain, server, url } = await serve(3000);
  const slow = fetch(`${url}/slow`).then(
    (r) => r.text(),
    () => 'connection ended',
  );
  await new Promise((r) => setTimeout(r, 50));
  const t0 = Date.now();
  await drain.drain(server, 200);
  const tookMs = Date.now() - t0;
  assert.ok(tookMs >= 190 && tookMs < 800, `${tookMs} ms`);
  assert.equal(await slow, 'connection ended');
});
