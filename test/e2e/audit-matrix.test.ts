import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import { makeCallers, type TestCallers } from '../support/callers';
import type { FaultSpec } from '../../src/sim/types';

// End-to-end tier: every mutation × every non-success outcome leaves exactly one audit event with
// the right action, source, outcome and code (SUCCESS of every mutation on every vendor is checked
// by mutations-matrix.test.ts). CorEMR supports all nine mutations, so every cell reaches its vendor.
let stack: Stack;
let callers: TestCallers;
let ids: { user: string; typeHave: string; typeLack: string; facHave: string; facLack: string };

before(async () => {
  callers = await makeCallers([
    { name: 'admin', scopes: ['users:read', 'users:write'] },
    { name: 'reader', scopes: ['users:read'] },
  ]);
  // Each case injects a vendor failure on the same source: with the default breaker (5 in a row)
  // later cases would be answered by the open breaker instead of reaching the vendor they test.
  stack = await startStack({ users: 12, auth: callers.auth, resilience: { breakerFailures: 1000 } });
  const res = await stack.gql(`{ users(sources: ["coremr"], first: 50) { nodes { id userTypes { id } facilityAccess { primary facility { id } } } } }`, {}, callers.key('admin'));
  const nodes = res.body.data!.users.nodes as Array<{ id: string; userTypes: Array<{ id: string }>; facilityAccess: Array<{ primary: boolean; facility: { id: string } }> }>;
  const allTypes = new Set(nodes.flatMap((n) => n.userTypes.map((t) => t.id)));
  const allFacilities = new Set(nodes.flatMap((n) => n.facilityAccess.map((a) => a.facility.id)));
  const u = nodes.find((n) => n.userTypes.length >= 1 && n.userTypes.length < allTypes.size && n.facilityAccess.length >= 2 && n.facilityAccess.length < allFacilities.size)!;
  assert.ok(u, 'a CorEMR user with some but not all types and facilities');
  ids = {
    user: u.id,
    typeHave: u.userTypes[0]!.id,
    typeLack: [...allTypes].find((t) => !u.userTypes.some((x) => x.id === t))!,
    facHave: u.facilityAccess.find((a) => !a.primary)!.facility.id,
    facLack: [...allFacilities].find((f) => !u.facilityAccess.some((a) => a.facility.id === f))!,
  };
});
after(() => stack.close());
afterEach(() => stack.resetAll());

/** Each mutation with arguments that would succeed on CorEMR; `key` lets a cell make them invalid. */
const CASES: Record<string, (key: string | null) => [string, Record<string, unknown>]> = {
  createUser: (key) => [`mutation($i: CreateUserInput!, $k: String) { createUser(input: $i, idempotencyKey: $k) { userErrors { code } } }`,
    { i: { source: 'coremr', username: `audm${Date.now().toString(36)}`, password: 'Str0ng!Pass', firstName: 'Mat', middleInitial: 'Q', lastName: 'Rix', email: 'mat.rix@example.org', userTypeIds: [ids.typeHave], facilityIds: [ids.facHave], primaryFacilityId: ids.facHave }, k: key }],
  updateUser: (key) => [`mutation($id: ID!, $k: String) { updateUser(id: $id, input: { title: "RN" }, idempotencyKey: $k) { userErrors { code } } }`, { id: ids.user, k: key }],
  setUserActive: (key) => [`mutation($id: ID!, $k: String) { setUserActive(id: $id, active: true, idempotencyKey: $k) { userErrors { code } } }`, { id: ids.user, k: key }],
  deleteUser: (key) => [`mutation($id: ID!, $k: String) { deleteUser(id: $id, idempotencyKey: $k) { userErrors { code } } }`, { id: ids.user, k: key }],
  assignUserType: (key) => [`mutation($u: ID!, $t: ID!, $k: String) { assignUserType(userId: $u, userTypeId: $t, idempotencyKey: $k) { userErrors { code } } }`, { u: ids.user, t: ids.typeLack, k: key }],
  removeUserType: (key) => [`mutation($u: ID!, $t: ID!, $k: String) { removeUserType(userId: $u, userTypeId: $t, idempotencyKey: $k) { userErrors { code } } }`, { u: ids.user, t: ids.typeHave, k: key }],
  grantFacilityAccess: (key) => [`mutation($u: ID!, $f: ID!, $k: String) { grantFacilityAccess(userId: $u, facilityId: $f, idempotencyKey: $k) { userErrors { code } } }`, { u: ids.user, f: ids.facLack, k: key }],
  updateFacilityAccess: (key) => [`mutation($u: ID!, $f: ID!, $k: String) { updateFacilityAccess(userId: $u, facilityId: $f, primary: false, idempotencyKey: $k) { userErrors { code } } }`, { u: ids.user, f: ids.facHave, k: key }],
  revokeFacilityAccess: (key) => [`mutation($u: ID!, $f: ID!, $k: String) { revokeFacilityAccess(userId: $u, facilityId: $f, idempotencyKey: $k) { userErrors { code } } }`, { u: ids.user, f: ids.facHave, k: key }],
};

interface Cell {
  outcome: string;
  errorCode: string | RegExp;
  key?: string | null;
  caller?: string;
  /** Applied to every write verb (the simulator matches one method per rule). */
  fault?: Omit<FaultSpec, 'method'>;
  /** Whether the vendor may be called (a write is attempted). */
  reachesVendor: boolean;
}

const CELLS: Record<string, Cell> = {
  'FAILURE on validation (an empty idempotencyKey)': { outcome: 'FAILURE', errorCode: 'BAD_USER_INPUT', key: '', reachesVendor: false },
  DENIED: { outcome: 'DENIED', errorCode: 'FORBIDDEN', caller: 'reader', reachesVendor: false },
  'FAILURE on a vendor 500': { outcome: 'FAILURE', errorCode: /^SOURCE_/, fault: { kind: 'status', status: 500 }, reachesVendor: true },
  'UNKNOWN on a dropped connection': { outcome: 'UNKNOWN', errorCode: 'OUTCOME_UNKNOWN', fault: { kind: 'drop', when: 'before' }, reachesVendor: true },
};

for (const [cellName, cell] of Object.entries(CELLS)) {
  describe(cellName, () => {
    for (const [op, build] of Object.entries(CASES)) {
      test(`${op}: exactly one event`, async () => {
        for (const method of cell.fault ? ['POST', 'PUT', 'DELETE'] : []) await stack.sims.coremr!.control.fault({ ...cell.fault!, method });
        await stack.clearLogs();
        const mark = await stack.store.audit.count();
        const [query, variables] = build(cell.key ?? null);
        await stack.gql(query, variables, callers.key(cell.caller ?? 'admin'));
        const page = await stack.store.audit.list({}, 10, null);
        const added = (await stack.store.audit.count()) - mark;
        assert.equal(added, 1, `${op}: one event`);
        const e = page.events[0]!;
        assert.equal(e.action, op);
        assert.equal(e.outcome, cell.outcome, `${op}: ${e.outcome} ${e.errorCode}`);
        if (typeof cell.errorCode === 'string') assert.equal(e.errorCode, cell.errorCode);
        else assert.match(e.errorCode ?? '', cell.errorCode);
        assert.equal(e.sourceId, 'coremr');
        assert.deepEqual(e.actor, { kind: 'API_KEY', id: cell.caller ?? 'admin', name: cell.caller ?? 'admin' });
        const writes = (await stack.sims.coremr!.control.requests()).filter((r) => r.method !== 'GET');
        if (!cell.reachesVendor) assert.deepEqual(writes, [], `${op}: no vendor write`);
        else assert.ok(writes.length >= 1, `${op}: the write reached the vendor`);
      });
    }
  });
}
