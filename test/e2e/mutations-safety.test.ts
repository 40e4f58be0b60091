import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import { encodeId } from '../../src/core/ids';

let stack: Stack;
before(async () => {
  stack = await startStack({ users: 20 });
});
after(() => stack.close());
afterEach(() => stack.resetAll());

const PAYLOAD = `user { id nativeId displayName firstName status active } userErrors { field code message } steps { method route status ok } replayed`;
const CREATE = `mutation($i: CreateUserInput!, $k: String) { createUser(input: $i, idempotencyKey: $k) { ${PAYLOAD} } }`;

/** An active seeded user — never the gateway's own API account (deactivating that locks the gateway out). */
async function firstUser(source: string) {
  const res = await stack.gql(`query($s: [ID!]) { users(first: 10, sources: $s, filter: { active: true }) { nodes { id nativeId username } } }`, { s: [source] });
  const own = stack.sims[source]!.sim.auth.username;
  return (res.body.data!.users.nodes as Array<{ id: string; nativeId: string; username: string }>).find((u) => u.username !== own && u.nativeId !== own)!;
}
async function typeAndFacility(source: string) {
  const res = await stack.gql(`query($s: ID!) { userTypes(source: $s) { id } facilities(source: $s) { id } }`, { s: source });
  return { type: res.body.data!.userTypes[0].id as string, facility: res.body.data!.facilities[0].id as string };
}
const vendorCalls = async (source: string) => (await stack.sims[source]!.control.requests()).filter((r) => !/validateAccount|\/auth\//.test(r.path));

describe('idempotency keys', () => {
  test('the same key and input replay the first result without calling the vendor again', async () => {
    const { type, facility } = await typeAndFacility('presentationservices');
    const input = { source: 'presentationservices', firstName: 'Ida', lastName: 'Empotent', username: 'ida.e', email: 'ida.e@example.org', password: 'Secret123', userTypeIds: [type], facilityIds: [facility] };
    const first = await stack.gql(CREATE, { i: input, k: 'provision-ida-1' });
    const p1 = first.body.data!.createUser;
    assert.deepEqual(p1.userErrors, []);
    assert.equal(p1.replayed, false);
    await stack.sims.presentationservices!.control.clearRequests();

    const again = (await stack.gql(CREATE, { i: input, k: 'provision-ida-1' })).body.data!.createUser;
    assert.equal(again.replayed, true);
    assert.equal(again.user.id, p1.user.id);
    assert.deepEqual(again.steps, p1.steps);
    assert.deepEqual(await vendorCalls('presentationservices'), [], 'no second vendor call');

    const other = (await stack.gql(CREATE, { i: { ...input, firstName: 'Other' }, k: 'provision-ida-1' })).body.data!.createUser;
    assert.deepEqual(other.userErrors.map((e: any) => [e.field, e.code]), [['idempotencyKey', 'CONFLICT']]);
    assert.deepEqual(await vendorCalls('presentationservices'), [], 'a key reused with other input calls nothing');
  });

  test('a write that certainly changed nothing is not kept: a retry with the same key really retries', async () => {
    const u = await firstUser('painchek');
    await stack.sims.painchek!.control.fault({ kind: 'status', status: 503, method: 'PATCH', times: 1 });
    const m = `mutation($id: ID!, $k: String) { setUserActive(id: $id, active: false, idempotencyKey: $k) { ${PAYLOAD} } }`;
    const failed = (await stack.gql(m, { id: u.id, k: 'deactivate-1' })).body.data!.setUserActive;
    assert.deepEqual(failed.userErrors.map((e: any) => e.code), ['SOURCE_UNAVAILABLE']);
    const retried = (await stack.gql(m, { id: u.id, k: 'deactivate-1' })).body.data!.setUserActive;
    assert.equal(retried.replayed, false);
    assert.deepEqual(retried.userErrors, []);
    assert.equal(retried.user.active, false);
  });
});

describe('OUTCOME_UNKNOWN', () => {
  test('a write whose connection dropped after sending is reported unknown, not failed, and never retried', async () => {
    await stack.sims.icure!.control.fault({ kind: 'drop', when: 'after', method: 'POST', path: '^/rest/v2/user$' });
    const input = { source: 'icure', username: 'unk@example.org', email: 'unk@example.org', firstName: 'Una', lastName: 'Known' };
    const p = (await stack.gql(CREATE, { i: input, k: 'unknown-1' })).body.data!.createUser;
    assert.deepEqual(p.userErrors.map((e: any) => [e.code, e.field]), [['OUTCOME_UNKNOWN', null]]);
    assert.deepEqual(p.steps, [{ method: 'POST', route: '/rest/v2/user', status: null, ok: false }]);
    const posts = (await vendorCalls('icure')).filter((r) => r.method === 'POST');
    assert.equal(posts.length, 1, 'sent once, never retried blindly');
    // The vendor did apply it: the unknown outcome was the honest answer.
    const found = await stack.gql(`{ users(first: 5, sources: ["icure"], filter: { email: "unk@example.org" }) { nodes { displayName } } }`);
    assert.deepEqual(found.body.data!.users.nodes, [{ displayName: 'Una Known' }]);
    // Retrying with the same key returns the same unknown outcome instead of writing again.
    await stack.sims.icure!.control.clearFaults();
    const again = (await stack.gql(CREATE, { i: input, k: 'unknown-1' })).body.data!.createUser;
    assert.equal(again.replayed, true);
    assert.equal((await vendorCalls('icure')).filter((r) => r.method === 'POST').length, 1);
  });
});

describe('a multi-call write failing half-way', () => {
  test('reports the calls that succeeded, the one that failed, and the user the vendor now holds', async () => {
    const { type, facility } = await typeAndFacility('opendental');
    await stack.sims.opendental!.control.fault({ kind: 'status', status: 500, method: 'PUT' });
    const p = (await stack.gql(CREATE, { i: { source: 'opendental', username: 'halfway', password: 'Str0ngPass1', userTypeIds: [type], facilityIds: [facility] } })).body.data!.createUser;
    assert.deepEqual(p.steps, [
      { method: 'POST', route: '/userods', status: 201, ok: true },
      { method: 'PUT', route: '/userods/{UserNum}', status: 500, ok: false },
    ]);
    assert.deepEqual(p.userErrors.map((e: any) => e.code), ['SOURCE_UNAVAILABLE']);
    assert.ok(p.user?.id, 'the created user is named, so nothing changed silently');
    await stack.sims.opendental!.control.clearFaults();
    const back = await stack.gql(`query($id: ID!) { user(id: $id) { displayName facilityAccess { facility { id } } } }`, { id: p.user.id });
    assert.equal(back.body.data!.user.displayName, 'halfway');
    assert.deepEqual(back.body.data!.user.facilityAccess, [], 'the clinic PUT did not happen');
  });
});

describe('validation before any vendor call', () => {
  const cases: Array<{ source: string; input: (ids: { type: string; facility: string }) => Record<string, unknown>; field: string }> = [
    { source: 'coremr', field: 'input.ssn', input: () => ({ username: 'vtest', password: 'Str0ng!Pass', firstName: 'V', lastName: 'T', ssn: '12345678', userTypeIds: [encodeId('UserType', 'coremr', 'Nurse')] }) },
    { source: 'opendental', field: 'input.password', input: (i) => ({ username: 'vtest', password: 'weakpassword', userTypeIds: [i.type] }) },
    { source: 'painchek', field: 'input.userTypeIds', input: () => ({ firstName: 'V', lastName: 'T', email: 'v.t@example.org', userTypeIds: [encodeId('UserType', 'painchek', 'superuser')] }) },
    { source: 'icure', field: 'input.middleInitial', input: () => ({ email: 'v.t@example.org', middleInitial: 'Q' }) },
    { source: 'presentationservices', field: 'input.password', input: (i) => ({ firstName: 'V', lastName: 'T', username: 'vt', email: 'v.t@example.org', password: 'abc', userTypeIds: [i.type], facilityIds: [i.facility] }) },
  ];
  for (const c of cases) {
    test(`${c.source}: ${c.field} is rejected naming the field and the rule, with no vendor request`, async () => {
      const ids = c.source === 'opendental' || c.source === 'presentationservices' ? await typeAndFacility(c.source) : { type: '', facility: '' };
      await stack.sims[c.source]!.control.clearRequests();
      const res = await stack.gql(CREATE, { i: { source: c.source, ...c.input(ids) } });
      const p = res.body.data!.createUser;
      assert.ok(p.userErrors.some((e: any) => e.field === c.field && e.code === 'BAD_USER_INPUT'), JSON.stringify(p.userErrors));
      assert.ok(p.userErrors.every((e: any) => e.message.length > 10));
      assert.deepEqual(p.steps, []);
      assert.deepEqual(await vendorCalls(c.source), [], 'no vendor request');
      for (const secret of ['12345678', 'weakpassword', '"abc"']) assert.ok(!res.text.includes(secret), `${secret} not echoed`);
    });
  }

  test('an id that would walk the vendor route tree is rejected before any call', async () => {
    await stack.sims.coremr!.control.clearRequests();
    const res = await stack.gql(`mutation($id: ID!) { deleteUser(id: $id) { ${PAYLOAD} } }`, { id: encodeId('User', 'coremr', '..') });
    const p = res.body.data!.deleteUser;
    assert.deepEqual(p.userErrors.map((e: any) => e.code), ['BAD_USER_INPUT']);
    assert.deepEqual(await vendorCalls('coremr'), []);
  });

  test('GraphQL-level rules (e-mail format, lengths) are typed errors listing each field, values not echoed', async () => {
    await stack.clearLogs();
    const res = await stack.gql(CREATE, { i: { source: 'painchek', firstName: 'x'.repeat(101), email: 'not-an-email', middleInitial: 'AB' } });
    const err = res.body.errors![0]!;
    assert.equal(err.extensions!.code, 'BAD_USER_INPUT');
    assert.deepEqual((err.extensions!.fields as any[]).map((f) => f.field).sort(), ['input.email', 'input.firstName', 'input.middleInitial']);
    assert.ok(!res.text.includes('not-an-email') && !res.text.includes('x'.repeat(101)));
    for (const s of Object.values(stack.sims)) assert.deepEqual((await s.control.requests()).filter((r) => r.method !== 'GET'), []);
  });

  test('an id of another source or type is rejected naming the argument', async () => {
    const u = await firstUser('coremr');
    const res = await stack.gql(`mutation($u: ID!, $t: ID!) { assignUserType(userId: $u, userTypeId: $t) { ${PAYLOAD} } }`, { u: u.id, t: encodeId('UserType', 'icure', 'HCP') });
    assert.deepEqual(res.body.data!.assignUserType.userErrors.map((e: any) => [e.field, e.code]), [['userTypeId', 'BAD_USER_INPUT']]);
    const wrongType = await stack.gql(`mutation($u: ID!) { deleteUser(id: $u) { ${PAYLOAD} } }`, { u: encodeId('Facility', 'coremr', 'MAIN') });
    assert.deepEqual(wrongType.body.data!.deleteUser.userErrors.map((e: any) => [e.field, e.code]), [['id', 'BAD_USER_INPUT']]);
  });
});

describe('read-after-write and secrets', () => {
  for (const source of ['coremr', 'icure', 'presentationservices']) {
    test(`${source}: a second mutation in the same request reads the first one's change (read-modify-write is not stale)`, async () => {
      const u = await firstUser(source);
      const res = await stack.gql(
        `mutation($id: ID!, $patch: UpdateUserInput!) {
          a: setUserActive(id: $id, active: false) { user { active } userErrors { code } }
          b: updateUser(id: $id, input: $patch) { user { firstName displayName active status } userErrors { code message } }
        }`,
        // iCure stores one full name, so both halves go together.
        { id: u.id, patch: source === 'icure' ? { firstName: 'Renata', lastName: 'Ruiz' } : { firstName: 'Renata' } },
      );
      assert.equal(res.body.errors, undefined);
      assert.deepEqual(res.body.data!.a, { user: { active: false }, userErrors: [] });
      assert.deepEqual(res.body.data!.b.userErrors, []);
      assert.match(res.body.data!.b.user.displayName, /^Renata/);
      assert.equal(res.body.data!.b.user.active, false, 'the update did not undo the deactivation');
      const next = await stack.gql(`query($id: ID!) { user(id: $id) { active } }`, { id: u.id });
      assert.equal(next.body.data!.user.active, false, 'and the next request sees it');
    });
  }

  test('passwords and SSNs sent in mutations appear in no response and no log line', async () => {
    const res = await stack.gql(CREATE, {
      i: { source: 'coremr', username: 'secrets1', password: 'Pa55-Very-Secret', firstName: 'Sec', lastName: 'Ret', ssn: '900112222', userTypeIds: [encodeId('UserType', 'coremr', 'Nurse')] },
    });
    assert.deepEqual(res.body.data!.createUser.userErrors, []);
    const everything = res.text + stack.logLines.join('\n');
    assert.ok(!everything.includes('Pa55-Very-Secret'));
    assert.ok(!everything.includes('900112222'));
  });
});

describe('the gateway’s own service account', () => {
  for (const source of ['presentationservices', 'icure']) {
    test(`${source}: deactivating, deleting or re-passwording the account the gateway signs in with is refused, with no vendor write`, async () => {
      const own = stack.sims[source]!.sim.auth.username as string;
      const found = await stack.gql(`query($s: [ID!], $u: String) { users(first: 2, sources: $s, filter: { username: $u }) { nodes { id username } } }`, { s: [source], u: own });
      const account = found.body.data!.users.nodes[0];
      assert.ok(account, `${source}: the API account is listed`);
      await stack.sims[source]!.control.clearRequests();
      const attempts = [
        { op: 'setUserActive', q: `mutation($id: ID!) { setUserActive(id: $id, active: false) { ${PAYLOAD} } }` },
        { op: 'deleteUser', q: `mutation($id: ID!) { deleteUser(id: $id) { ${PAYLOAD} } }` },
        { op: 'updateUser', q: `mutation($id: ID!) { updateUser(id: $id, input: { password: "NewPass123" }) { ${PAYLOAD} } }` },
      ];
      for (const a of attempts) {
        const p = (await stack.gql(a.q, { id: account.id })).body.data![a.op];
        assert.deepEqual(p.userErrors.map((e: any) => e.code), ['CONFLICT'], `${source} ${a.op}`);
        assert.match(p.userErrors[0].message, /lock the gateway out/);
        assert.deepEqual(p.steps, []);
      }
      assert.deepEqual((await vendorCalls(source)).filter((r) => r.method !== 'GET'), [], 'no vendor write');
      // Reactivating, or writes that cannot lock the gateway out, still go through.
      const ok = (await stack.gql(`mutation($id: ID!) { setUserActive(id: $id, active: true) { ${PAYLOAD} } }`, { id: account.id })).body.data!.setUserActive;
      assert.deepEqual(ok.userErrors, []);
      assert.equal((await stack.gql(`{ sources { id health { status } } }`)).body.data!.sources.find((s: any) => s.id === source).health.status, 'UP');
    });
  }
});

describe('the order of checks (capability before the other ids; the argument named as sent)', () => {
  test('iCure facility mutations with another source’s facility id answer UNSUPPORTED_BY_VENDOR, with no call', async () => {
    const user = await firstUser('icure');
    const { facility } = await typeAndFacility('presentationservices');
    await stack.clearLogs();
    for (const op of ['grantFacilityAccess', 'updateFacilityAccess', 'revokeFacilityAccess']) {
      const extra = op === 'updateFacilityAccess' ? ', primary: true' : '';
      const res = await stack.gql(`mutation($u: ID!, $f: ID!) { ${op}(userId: $u, facilityId: $f${extra}) { userErrors { field code } } }`, { u: user.id, f: facility });
      assert.deepEqual(res.body.data![op].userErrors.map((e: any) => e.code), ['UNSUPPORTED_BY_VENDOR'], op);
    }
    assert.deepEqual(await vendorCalls('icure'), []);
  });

  test('an unknown source is reported on the argument the caller sent (userId, not id)', async () => {
    const res = await stack.gql(`mutation($u: ID!, $t: ID!) { assignUserType(userId: $u, userTypeId: $t) { userErrors { field code } } }`, {
      u: encodeId('User', 'nosuch', 'x'),
      t: encodeId('UserType', 'nosuch', 'y'),
    });
    assert.deepEqual(res.body.data!.assignUserType.userErrors, [{ field: 'userId', code: 'NOT_FOUND' }]);
  });
});

test('a replayed delete calls no vendor at all (the service-account guard runs only when the write runs)', async () => {
  const user = await firstUser('icure');
  const del = `mutation($id: ID!, $k: String) { deleteUser(id: $id, idempotencyKey: $k) { replayed deletedUserId userErrors { code } } }`;
  const first = await stack.gql(del, { id: user.id, k: 'k-del-replay' });
  assert.deepEqual(first.body.data!.deleteUser.userErrors, []);
  await stack.clearLogs();
  const again = await stack.gql(del, { id: user.id, k: 'k-del-replay' });
  assert.equal(again.body.data!.deleteUser.replayed, true);
  assert.equal(again.body.data!.deleteUser.deletedUserId, user.id);
  assert.deepEqual(await stack.sims.icure!.control.requests(), [], 'not even the guard’s read');
});
