import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SourceError } from '../core/errors';
import { silentLogger } from '../core/logger';
import { VendorHttp } from '../http/vendor-http';
import { CredentialCache } from './credentials';
import { sendWithRelogin } from './relogin';

/** A vendor on port 0 that accepts only the tokens in `valid`, and logs what it was sent. */
let server: Server;
let http: VendorHttp;
const valid = new Set<string>();
const seen: Array<{ method: string; auth: string | undefined }> = [];
let logins = 0;

before(async () => {
  server = createServer((req, res) => {
    const auth = req.headers.authorization;
    seen.push({ method: req.method!, auth });
    res.statusCode = auth && valid.has(auth.replace('Bearer ', '')) ? 200 : 401;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  http = new VendorHttp({ id: 's', baseUrl: `http://127.0.0.1:${port}`, http: {}, resilience: { retries: 0 } }, { logger: silentLogger });
});
after(async () => {
  await http.close();
  await new Promise<void>((r) => server.close(() => r()));
});

function setup(tokens: string[]) {
  seen.length = 0;
  logins = 0;
  const cache = new CredentialCache<string>('s', async () => ({ value: tokens[logins++] ?? 'none', renewAt: null }));
  const send = (token: string) => http.request({ method: 'POST', path: '/x', route: '/x', headers: { authorization: `Bearer ${token}` } });
  return { cache, send };
}

describe('sendWithRelogin', () => {
  it('no 401: one call, no second login', async () => {
    valid.clear();
    valid.add('a');
    const { cache, send } = setup(['a']);
    assert.equal((await sendWithRelogin(cache, send, { sourceId: 's' })).status, 200);
    assert.deepEqual([seen.length, logins], [1, 1]);
  });

  it('401 → signs in again → resends exactly once (a POST too)', async () => {
    valid.clear();
    valid.add('fresh');
    const { cache, send } = setup(['stale', 'fresh']);
    const res = await sendWithRelogin(cache, send, { sourceId: 's' });
    assert.equal(res.status, 200);
    assert.deepEqual(seen, [{ method: 'POST', auth: 'Bearer stale' }, { method: 'POST', auth: 'Bearer fresh' }]);
    assert.equal(logins, 2);
    // The fresh token is kept: the next call needs no login.
    await sendWithRelogin(cache, send, { sourceId: 's' });
    assert.equal(logins, 2);
  });

  it('a second 401 is SOURCE_AUTH_FAILED, with no third call; the refused token is dropped', async () => {
    valid.clear();
    const { cache, send } = setup(['t1', 't2', 't3']);
    await assert.rejects(sendWithRelogin(cache, send, { sourceId: 's' }), (e: unknown) => e instanceof SourceError && e.code === 'SOURCE_AUTH_FAILED' && e.details.status === 401);
    assert.equal(seen.length, 2);
    valid.add('t3');
    assert.equal((await sendWithRelogin(cache, send, { sourceId: 's' })).status, 200);
    assert.deepEqual(seen.map((s) => s.auth), ['Bearer t1', 'Bearer t2', 'Bearer t3']);
  });
});
