import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type GqlResponse, type Stack } from '../support/stack';
import { findVendor } from '../../src/vendors/registry';
import { encodeId } from '../../src/core/ids';
import { Matrix, codes, matching, oneError, sample, scrape, timed, until } from './resilience-kit';

/**
 * Resilience tier, the per-source circuit breaker (docs/resilience.md: "An open breaker answers
 * SOURCE_UNAVAILABLE with no vendor call; one probe after the cooldown"), through the gateway.
 *
 * breakerFailures 3, breakerCooldownMs 1000, and retries 0 so that one failing query is one
 * failing vendor call (with retries the three attempts of one read would open it at once).
 * CorEMR fails; Open Dental, asked in the same query, shows that only CorEMR's breaker opened.
 */
const COOLDOWN_MS = 1000;
let stack: Stack;
const matrix = new Matrix('Breaker (breakerFailures 3, breakerCooldownMs 1000, retries 0)');

before(async () => {
  stack = await startStack({
    vendors: [findVendor('coremr')!, findVendor('opendental')!],
    users: 12,
    resilience: { breakerFailures: 3, breakerCooldownMs: COOLDOWN_MS, retries: 0 },
  });
});
after(async () => {
  matrix.print();
  await stack.close();
});

const COREMR_LIST = /^\/ws\/users\/$/;
const QUERY = `{ users(sources: ["coremr", "opendental"], first: 30) { nodes { id source { id } } sourceErrors { source code } } }`;

async function breakerState(): Promise<number | undefined> {
  return sample(await scrape(stack.url), 'staffgraph_breaker_state', { source: 'coremr' });
}

/** One query; returns the response, its time, and the CorEMR list calls it made (the log is cleared first). */
async function ask(): Promise<{ res: GqlResponse; ms: number; calls: number }> {
  await stack.sims.coremr!.control.clearRequests();
  const { value: res, ms } = await timed(() => stack.gql(QUERY));
  const calls = matching(await stack.sims.coremr!.control.requests(), 'GET', COREMR_LIST).length;
  return { res, ms, calls };
}

function assertCoremrFailed(res: GqlResponse) {
  oneError(res, 'SOURCE_UNAVAILABLE', 'coremr', ['users']);
  const data = res.body.data!.users;
  assert.deepEqual(data.sourceErrors, [{ source: 'coremr', code: 'SOURCE_UNAVAILABLE' }]);
  assert.ok(data.nodes.length > 0 && data.nodes.every((n: any) => n.source.id === 'opendental'), 'Open Dental still answers');
}

function assertBothAnswered(res: GqlResponse) {
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  const sources = new Set(res.body.data!.users.nodes.map((n: any) => n.source.id));
  assert.deepEqual([...sources].sort(), ['coremr', 'opendental']);
}

describe('breaker: closed → open → half-open → open → half-open → closed', () => {
  test('3 vendor failures open it; then no call until the cooldown; a failed probe re-opens it; a good probe closes it', async () => {
    const control = stack.sims.coremr!.control;
    assert.equal(await breakerState(), 0, 'closed at start');
    await control.fault({ kind: 'status', status: 500, method: 'GET', path: COREMR_LIST.source });

    // Closed: each failing query is one vendor call, and the state stays 0 until the third.
    for (let i = 1; i <= 3; i++) {
      const { res, ms, calls } = await ask();
      assertCoremrFailed(res);
      assert.equal(calls, 1, `failure ${i} reached the vendor once`);
      assert.equal(await breakerState(), i < 3 ? 0 : 1, `state after failure ${i}`);
      matrix.add({ case: `closed: vendor 500, failure ${i} of 3`, code: codes(res), attempts: String(calls), ms });
    }
    const openedAt = Date.now();

    // Open: answered at once, no vendor call, the other source unaffected.
    const open = await ask();
    assertCoremrFailed(open.res);
    assert.equal(open.calls, 0, 'an open breaker calls no vendor');
    assert.ok(open.ms < COOLDOWN_MS, `answered in ${open.ms} ms`);
    assert.equal(await breakerState(), 1);
    matrix.add({ case: 'open: within the cooldown', code: codes(open.res), attempts: String(open.calls), ms: open.ms });

    // Half-open with the vendor still failing: one probe, which re-opens it.
    await new Promise((r) => setTimeout(r, Math.max(0, openedAt + COOLDOWN_MS + 100 - Date.now())));
    const failedProbe = await ask();
    assertCoremrFailed(failedProbe.res);
    assert.equal(failedProbe.calls, 1, 'one probe after the cooldown');
    assert.equal(await breakerState(), 1, 're-opened by the failed probe');
    const reopenedAt = Date.now();
    const stillOpen = await ask();
    assertCoremrFailed(stillOpen.res);
    assert.equal(stillOpen.calls, 0, 'open again: no call');
    matrix.add({ case: 'half-open: probe fails (vendor 500)', code: codes(failedProbe.res), attempts: String(failedProbe.calls), ms: failedProbe.ms });
    matrix.add({ case: 're-opened: within the new cooldown', code: codes(stillOpen.res), attempts: String(stillOpen.calls), ms: stillOpen.ms });

    // Half-open with the vendor back: the probe is held 600 ms so the state can be seen (2), and a
    // query that arrives meanwhile waits for the probe instead of being sent beside it.
    await control.clearFaults();
    await control.fault({ kind: 'latency', latencyMs: 600, times: 1, method: 'GET', path: COREMR_LIST.source });
    await new Promise((r) => setTimeout(r, Math.max(0, reopenedAt + COOLDOWN_MS + 100 - Date.now())));
    await control.clearRequests();
    const probe = timed(() => stack.gql(QUERY));
    await until('the probe reaches the vendor', async () => matching(await control.requests(), 'GET', COREMR_LIST).length === 1);
    assert.equal(await breakerState(), 2, 'half-open while the probe is out');
    const beside = stack.gql(QUERY);
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(matching(await control.requests(), 'GET', COREMR_LIST).length, 1, 'nothing is sent beside the probe');
    const { value: probeRes, ms: probeMs } = await probe;
    assertBothAnswered(probeRes);
    assertBothAnswered(await beside);
    assert.equal(await breakerState(), 0, 'closed by the good probe');
    const afterProbe = matching(await control.requests(), 'GET', COREMR_LIST);
    assert.equal(afterProbe.length, 2, 'the probe, then the waiting query once the breaker closed');
    assert.ok(afterProbe[1]!.doneBefore >= 1, 'the waiting query was sent after the probe was answered');
    matrix.add({ case: 'half-open: probe succeeds (vendor back, 600 ms)', code: codes(probeRes), attempts: '1 (+1 for the query that waited)', ms: probeMs });

    // Closed: back to normal.
    const closed = await ask();
    assertBothAnswered(closed.res);
    assert.equal(closed.calls, 1);
    matrix.add({ case: 'closed again', code: codes(closed.res), attempts: String(closed.calls), ms: closed.ms });
  });

  test('answers that are not vendor failures (404 for an unknown user) do not open it', async () => {
    const control = stack.sims.coremr!.control;
    await control.reset();
    for (let i = 0; i < 4; i++) {
      const res = await stack.gql(`query($id: ID!) { user(id: $id) { id } }`, { id: encodeId('User', 'coremr', `nobody${i}`) });
      assert.equal(res.body.errors, undefined);
      assert.equal(res.body.data!.user, null);
    }
    assert.deepEqual((await control.requests()).map((r) => r.status), [404, 404, 404, 404], 'each lookup reached the vendor');
    assert.equal(await breakerState(), 0);
    const { res, calls } = await ask();
    assertBothAnswered(res);
    assert.equal(calls, 1);
  });
});
