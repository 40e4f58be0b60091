import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import type { LoggedRequest } from '../../src/sim/types';

/**
 * Every cell of docs/architecture.md §4, end to end: GraphQL mutation → vendor requests (checked in the
 * simulator's log: verbs and routes of every write, and that unsupported cells make no call) →
 * the state read back through the graph. Each vendor works on a user it creates itself.
 */
let stack: Stack;
before(async () => {
  stack = await startStack({ users: 25 });
});
after(() => stack.close());

const USER = `id nativeId username displayName firstName lastName email status active
  userTypes { id name } facilityAccess { primary facility { id code } }`;
const PAYLOAD = `user { ${USER} } deletedUserId userErrors { field code message } steps { method route status ok } replayed`;

type Expect = Array<[method: string, path: RegExp]> | 'unsupported';
interface Plan {
  create: (t: Catalog) => Record<string, unknown>;
  update: { input: Record<string, unknown>; check: (u: any) => void };
  writes: Record<string, Expect>;
}
interface Catalog {
  types: string[];
  facilities: string[];
  n: number;
}

const uniq = (s: string) => `${s}${Date.now().toString(36).slice(-4)}`;

const PLANS: Record<string, Plan> = {
  coremr: {
    create: (t) => ({ username: uniq('sgcore'), password: 'Str0ng!Pass', firstName: 'Casey', middleInitial: 'Q', lastName: 'Provision', email: `${uniq('casey')}@example.org`, userTypeIds: [t.types[0]], facilityIds: [t.facilities[0]], primaryFacilityId: t.facilities[0] }),
    update: { input: { firstName: 'Renamed', title: 'RN' }, check: (u) => assert.equal(u.firstName, 'Renamed') },
    writes: {
      createUser: [['POST', /^\/ws\/users\/$/], ['POST', /^\/ws\/users\/[^/]+\/facilities\/$/]],
      updateUser: [['PUT', /^\/ws\/users\/[^/]+$/]],
      setUserActive: [['PUT', /^\/ws\/users\/[^/]+$/]],
      assignUserType: [['POST', /^\/ws\/users\/[^/]+\/types\/$/]],
      removeUserType: [['DELETE', /^\/ws\/users\/[^/]+\/types\/[^/]+$/]],
      grantFacilityAccess: [['POST', /^\/ws\/users\/[^/]+\/facilities\/$/]],
      updateFacilityAccess: [['PUT', /^\/ws\/users\/[^/]+\/facilities\/[^/]+$/]],
      revokeFacilityAccess: [['DELETE', /^\/ws\/users\/[^/]+\/facilities\/[^/]+$/]],
      deleteUser: [['DELETE', /^\/ws\/users\/[^/]+$/]],
    },
  },
  opendental: {
    create: (t) => ({ username: uniq('sgdental'), password: 'Str0ngPass1', userTypeIds: [t.types[0]], facilityIds: [t.facilities[0]] }),
    update: { input: { employeeNumber: '3' }, check: (u) => assert.ok(u) },
    writes: {
      createUser: [['POST', /^\/api\/v1\/userods$/], ['PUT', /^\/api\/v1\/userods\/\d+$/]],
      updateUser: [['PUT', /^\/api\/v1\/userods\/\d+$/]],
      setUserActive: [['PUT', /^\/api\/v1\/userods\/\d+$/]],
      assignUserType: [['PUT', /^\/api\/v1\/userods\/\d+$/]],
      removeUserType: [['PUT', /^\/api\/v1\/userods\/\d+$/]],
      grantFacilityAccess: [['PUT', /^\/api\/v1\/userods\/\d+$/]],
      updateFacilityAccess: 'unsupported',
      revokeFacilityAccess: 'unsupported',
      deleteUser: 'unsupported',
    },
  },
  painchek: {
    create: (t) => ({ firstName: 'Pat', lastName: 'Provision', email: `${uniq('pat')}@example.org`, userTypeIds: [t.types[0]], facilityIds: [t.facilities[0]], primaryFacilityId: t.facilities[0] }),
    update: { input: { firstName: 'Renamed' }, check: (u) => assert.equal(u.firstName, 'Renamed') },
    writes: {
      createUser: [['POST', /^\/api\/account\/users\/$/], ['PATCH', /^\/api\/sites\/[^/]+\/users\/[^/]+\/$/]],
      updateUser: [['PATCH', /^\/api\/account\/users\/[^/]+\/$/]],
      setUserActive: [['PATCH', /^\/api\/account\/users\/[^/]+\/$/]],
      assignUserType: [['PATCH', /^\/api\/account\/users\/[^/]+\/$/]],
      removeUserType: 'unsupported',
      grantFacilityAccess: [['PATCH', /^\/api\/sites\/[^/]+\/users\/[^/]+\/$/]],
      updateFacilityAccess: [['PATCH', /^\/api\/account\/users\/[^/]+\/$/]],
      revokeFacilityAccess: [['DELETE', /^\/api\/sites\/[^/]+\/users\/[^/]+\/$/]],
      deleteUser: 'unsupported',
    },
  },
  icure: {
    create: (t) => ({ username: `${uniq('ic')}@example.org`, email: `${uniq('ic')}@example.org`, firstName: 'Ira', lastName: 'Provision', userTypeIds: [t.types[0]] }),
    update: { input: { firstName: 'Re', lastName: 'Named' }, check: (u) => assert.equal(u.displayName, 'Re Named') },
    writes: {
      createUser: [['POST', /^\/rest\/v2\/user$/]],
      updateUser: [['PUT', /^\/rest\/v2\/user$/]],
      setUserActive: [['PUT', /^\/rest\/v2\/user$/]],
      assignUserType: [['PUT', /^\/rest\/v2\/user$/]],
      removeUserType: [['PUT', /^\/rest\/v2\/user$/]],
      grantFacilityAccess: 'unsupported',
      updateFacilityAccess: 'unsupported',
      revokeFacilityAccess: 'unsupported',
      deleteUser: [['DELETE', /^\/rest\/v2\/user\/[^/]+$/]],
    },
  },
  presentationservices: {
    create: (t) => ({ firstName: 'Bea', lastName: 'Provision', username: uniq('bea'), email: `${uniq('bea')}@example.org`, password: 'Secret123', userTypeIds: [t.types[0]], facilityIds: [t.facilities[0]], primaryFacilityId: t.facilities[0] }),
    update: { input: { firstName: 'Renamed' }, check: (u) => assert.equal(u.firstName, 'Renamed') },
    writes: {
      createUser: [['POST', /^\/PresentationServices\/users$/]],
      updateUser: [['POST', /^\/PresentationServices\/users\/[^/]+$/]],
      setUserActive: [['POST', /^\/PresentationServices\/users\/[^/]+$/]],
      assignUserType: [['POST', /^\/PresentationServices\/users\/[^/]+$/]],
      removeUserType: 'unsupported',
      grantFacilityAccess: [['POST', /^\/PresentationServices\/users\/[^/]+$/]],
      updateFacilityAccess: 'unsupported',
      revokeFacilityAccess: 'unsupported',
      deleteUser: [['DELETE', /^\/PresentationServices\/users\/[^/]+$/]],
    },
  },
};

/** Auth and login calls are not part of a mutation's verbs. */
const isAuth = (r: LoggedRequest) => /\/auth\/|validateAccount|\/auth$/.test(r.path);

async function catalog(source: string): Promise<Catalog> {
  const res = await stack.gql(`query($s: [ID!]) { users(first: 25, sources: $s) { nodes { userTypes { id } facilityAccess { facility { id } } } } }`, { s: [source] });
  const types = new Set<string>();
  const facilities = new Set<string>();
  for (const n of res.body.data!.users.nodes) {
    n.userTypes?.forEach((t: any) => types.add(t.id));
    n.facilityAccess?.forEach((a: any) => facilities.add(a.facility.id));
  }
  const cat = await stack.gql(`query($s: ID!) { userTypes(source: $s) { id } facilities(source: $s) { id } }`, { s: source });
  cat.body.data?.userTypes?.forEach((t: any) => types.add(t.id));
  cat.body.data?.facilities?.forEach((f: any) => facilities.add(f.id));
  return { types: [...types], facilities: [...facilities], n: 0 };
}

async function mutate(source: string, op: string, expected: Expect, mutation: string, variables: Record<string, unknown>) {
  const control = stack.sims[source]!.control;
  await control.clearRequests();
  const mark = await stack.store.audit.count();
  const res = await stack.gql(mutation, variables);
  assert.equal(res.body.errors, undefined, `${source} ${op}: ${JSON.stringify(res.body.errors)}`);
  const payload = res.body.data![op];
  // Exactly one audit event per attempt, with its outcome (docs/store-and-audit.md).
  assert.equal((await stack.store.audit.count()) - mark, 1, `${source} ${op}: one audit event`);
  const [event] = (await stack.store.audit.list({}, 1, null)).events;
  assert.deepEqual([event!.action, event!.sourceId, event!.outcome, event!.errorCode], [op, source, expected === 'unsupported' ? 'FAILURE' : 'SUCCESS', expected === 'unsupported' ? 'UNSUPPORTED_BY_VENDOR' : null]);
  const log = (await control.requests()).filter((r) => !isAuth(r));
  if (expected === 'unsupported') {
    assert.deepEqual(payload.userErrors.map((e: any) => e.code), ['UNSUPPORTED_BY_VENDOR'], `${source} ${op}`);
    assert.ok(payload.userErrors[0].message.length > 20, 'names the alternative');
    assert.deepEqual(log, [], `${source} ${op}: no vendor call for an unsupported operation`);
    assert.deepEqual(payload.steps, []);
    return payload;
  }
  assert.deepEqual(payload.userErrors, [], `${source} ${op}: ${JSON.stringify(payload.userErrors)}`);
  const writes = log.filter((r) => r.method !== 'GET');
  assert.equal(writes.length, expected.length, `${source} ${op}: writes ${writes.map((w) => `${w.method} ${w.path}`).join(', ')}`);
  expected.forEach(([method, path], i) => {
    assert.equal(writes[i]!.method, method, `${source} ${op} call ${i}`);
    assert.match(writes[i]!.path, path, `${source} ${op} call ${i}`);
    assert.ok(writes[i]!.headers.authorization || writes[i]!.query.token || /(^|&)token=/.test(writes[i]!.body), `${source} ${op}: authenticated`);
  });
  // steps report every write, in order, with route templates (no ids, no secrets); reads a writer
  // makes through the request's loaders may be absent, and later reads resolve the payload's user.
  assert.deepEqual(payload.steps.filter((s: any) => s.method !== 'GET').map((s: any) => s.method), writes.map((r) => r.method), `${source} ${op}: steps = writes made`);
  let at = 0;
  for (const step of payload.steps) {
    while (at < log.length && log[at]!.method !== step.method) at++;
    assert.ok(at < log.length, `${source} ${op}: step ${step.method} ${step.route} was a real call`);
    assert.equal(log[at]!.status, step.status, `${source} ${op}: step status is the vendor's`);
    at++;
  }
  assert.ok(payload.steps.every((s: any) => s.ok && !/\d{3,}|[0-9a-f]{8}-/.test(s.route)), `${source} ${op}: steps ok, route templates`);
  return payload;
}

async function readUser(id: string) {
  const res = await stack.gql(`query($id: ID!) { user(id: $id) { ${USER} } }`, { id });
  assert.equal(res.body.errors, undefined);
  return res.body.data!.user;
}

for (const [source, plan] of Object.entries(PLANS)) {
  describe(`mutations on ${source}`, () => {
    let cat: Catalog;
    let userId: string;
    const w = plan.writes;

    test('createUser', async () => {
      cat = await catalog(source);
      assert.ok(cat.types.length >= 2, `${source}: two user types known`);
      const p = await mutate(source, 'createUser', w.createUser ?? [], `mutation($i: CreateUserInput!) { createUser(input: $i) { ${PAYLOAD} } }`, { i: { source, ...plan.create(cat) } });
      userId = p.user.id;
      const back = await readUser(userId);
      assert.deepEqual(back, p.user, 'read-after-write in the next request');
      assert.deepEqual(back.userTypes.map((t: any) => t.id), [cat.types[0]]);
      if (cat.facilities.length) assert.deepEqual(back.facilityAccess.map((a: any) => a.facility.id), [cat.facilities[0]]);
    });

    test('updateUser', async () => {
      const p = await mutate(source, 'updateUser', w.updateUser!, `mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { ${PAYLOAD} } }`, { id: userId, i: plan.update.input });
      plan.update.check(p.user);
      plan.update.check(await readUser(userId));
    });

    test('setUserActive false, then true', async () => {
      const off = await mutate(source, 'setUserActive', w.setUserActive!, `mutation($id: ID!) { setUserActive(id: $id, active: false) { ${PAYLOAD} } }`, { id: userId });
      assert.equal(off.user.active, false);
      assert.equal((await readUser(userId)).status, 'INACTIVE');
      const on = await mutate(source, 'setUserActive', w.setUserActive!, `mutation($id: ID!) { setUserActive(id: $id, active: true) { ${PAYLOAD} } }`, { id: userId });
      assert.equal(on.user.active, true);
      assert.equal((await readUser(userId)).active, true);
    });

    test('assignUserType, removeUserType', async () => {
      const t2 = cat.types[1]!;
      const p = await mutate(source, 'assignUserType', w.assignUserType!, `mutation($u: ID!, $t: ID!) { assignUserType(userId: $u, userTypeId: $t) { ${PAYLOAD} } }`, { u: userId, t: t2 });
      if (w.assignUserType !== 'unsupported') assert.ok((await readUser(userId)).userTypes.some((t: any) => t.id === t2), 'assigned');
      void p;
      await mutate(source, 'removeUserType', w.removeUserType!, `mutation($u: ID!, $t: ID!) { removeUserType(userId: $u, userTypeId: $t) { ${PAYLOAD} } }`, { u: userId, t: t2 });
      if (w.removeUserType !== 'unsupported') assert.ok(!(await readUser(userId)).userTypes.some((t: any) => t.id === t2), 'removed');
    });

    test('grant, update, revoke facility access', async () => {
      const f2 = cat.facilities[1] ?? cat.facilities[0] ?? Buffer.from(JSON.stringify(['Facility', source, 'none'])).toString('base64url');
      await mutate(source, 'grantFacilityAccess', w.grantFacilityAccess!, `mutation($u: ID!, $f: ID!) { grantFacilityAccess(userId: $u, facilityId: $f) { ${PAYLOAD} } }`, { u: userId, f: f2 });
      if (w.grantFacilityAccess !== 'unsupported') assert.ok((await readUser(userId)).facilityAccess.some((a: any) => a.facility.id === f2), 'granted');
      await mutate(source, 'updateFacilityAccess', w.updateFacilityAccess!, `mutation($u: ID!, $f: ID!) { updateFacilityAccess(userId: $u, facilityId: $f, primary: true) { ${PAYLOAD} } }`, { u: userId, f: f2 });
      if (w.updateFacilityAccess !== 'unsupported') {
        const access = (await readUser(userId)).facilityAccess;
        assert.deepEqual(access.filter((a: any) => a.primary).map((a: any) => a.facility.id), [f2], 'the only primary');
      }
      if (w.updateFacilityAccess !== 'unsupported' && w.revokeFacilityAccess !== 'unsupported') {
        // Give the primary back to the first facility (CorEMR refuses to remove a primary facility).
        await mutate(source, 'updateFacilityAccess', w.updateFacilityAccess!, `mutation($u: ID!, $f: ID!) { updateFacilityAccess(userId: $u, facilityId: $f, primary: true) { ${PAYLOAD} } }`, { u: userId, f: cat.facilities[0] });
      }
      await mutate(source, 'revokeFacilityAccess', w.revokeFacilityAccess!, `mutation($u: ID!, $f: ID!) { revokeFacilityAccess(userId: $u, facilityId: $f) { ${PAYLOAD} } }`, { u: userId, f: f2 });
      if (w.revokeFacilityAccess !== 'unsupported') assert.ok(!(await readUser(userId)).facilityAccess.some((a: any) => a.facility.id === f2), 'revoked');
    });

    test('deleteUser', async () => {
      const p = await mutate(source, 'deleteUser', w.deleteUser!, `mutation($id: ID!) { deleteUser(id: $id) { ${PAYLOAD} } }`, { id: userId });
      if (w.deleteUser === 'unsupported') {
        assert.match(p.userErrors[0].message, /deactivate|setUserActive/i);
        assert.ok(await readUser(userId), 'still there');
      } else {
        assert.equal(p.deletedUserId, userId);
        assert.equal(await readUser(userId), null, 'gone');
      }
    });
  });
}
