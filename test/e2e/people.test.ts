import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import { makeCallers, type TestCallers } from '../support/callers';
import { accountKey, pairKey, truePairs, truePeople, PEOPLE_VENDORS } from '../support/people-truth';

// People over the mirrors of all five simulators (docs/people.md), on the seeded roster: linking
// precision and recall against the seeds' own ground truth, manual decisions, and access.
const USERS = 60;
const SEED = 1;
let stack: Stack;
let callers: TestCallers;

before(async () => {
  callers = await makeCallers([
    { name: 'ops', scopes: ['users:read', 'users:write'] },
    { name: 'reader', scopes: ['users:read'] },
    { name: 'emr-only', scopes: ['users:read', 'users:write'], sources: ['coremr'] },
  ]);
  stack = await startStack({
    users: USERS,
    seed: SEED,
    auth: callers.auth,
    mirror: Object.fromEntries(PEOPLE_VENDORS.map((v) => [v, {}])),
    // No `organizations`: the CorEMR and PainChek simulators declare that their employee numbers
    // are the county's (StartedSimulator.organization), as the demo config takes them.
  });
  for (const v of PEOPLE_VENDORS) await stack.mirror.refresh(v);
});
after(() => stack.close());
beforeEach(() => stack.clearLogs());

const ops = () => callers.key('ops');
type Acc = { id: string; nativeId: string; displayName: string; source: { id: string } };
type P = { id: string; displayName: string; matchedOn: string[]; accounts: Acc[] };

async function allPeople(headers = ops()): Promise<P[]> {
  const out: P[] = [];
  let after: string | null = null;
  do {
    const res: { body: { errors?: unknown; data?: any } } = await stack.gql(`query($a: String) { people(first: 100, after: $a) { nodes { id displayName matchedOn accounts { id nativeId displayName source { id } } } endCursor } }`, { a: after }, headers);
    assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
    out.push(...res.body.data!.people.nodes);
    after = res.body.data!.people.endCursor;
  } while (after);
  return out;
}

const ref = (a: Acc) => ({ vendor: a.source.id, nativeId: a.nativeId });

test('linking finds every true pair of the seeded people and nothing else (precision and recall 1.0)', async () => {
  const people = await allPeople();
  const predicted = new Set<string>();
  for (const p of people) for (let i = 0; i < p.accounts.length; i++) for (let j = i + 1; j < p.accounts.length; j++) predicted.add(pairKey(ref(p.accounts[i]!), ref(p.accounts[j]!)));
  const truth = new Set(truePairs(USERS, SEED).map((t) => pairKey(t.a, t.b)));
  assert.ok(truth.size >= 15, `a real roster (${truth.size} true pairs)`);
  const hit = [...predicted].filter((k) => truth.has(k)).length;
  const precision = predicted.size ? hit / predicted.size : 1;
  const recall = hit / truth.size;
  console.log(`people linking on the seeded data (users ${USERS}, seed ${SEED}): ${truth.size} true pairs, ${predicted.size} linked, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
  assert.deepEqual([...predicted].filter((k) => !truth.has(k)), [], 'no false links');
  assert.deepEqual([...truth].filter((k) => !predicted.has(k)), [], 'no missed links');
  // Every rule is needed somewhere on this data.
  const rules = new Set(people.flatMap((p) => p.matchedOn));
  for (const r of ['NPI', 'EMAIL', 'EMPLOYEE_NUMBER']) assert.ok(rules.has(r), `${r} links someone`);
  // Same-name strangers stay two people.
  const byName = new Map<string, Set<string>>();
  for (const p of people) for (const a of p.accounts) byName.set(a.displayName, (byName.get(a.displayName) ?? new Set()).add(p.id));
  const truthPeople = truePeople(USERS, SEED);
  assert.ok([...byName.values()].some((ids) => ids.size >= 2), 'a name shared by two people is not a link');
  assert.ok(truthPeople.size >= 8);
});

test('User.person and person(id) answer the same person; node(id) fetches it again', async () => {
  const people = await allPeople();
  const biggest = people.reduce((m, p) => (p.accounts.length > m.accounts.length ? p : m));
  assert.equal(new Set(biggest.accounts.map((a) => a.source.id)).size, 5, 'someone is in all five vendors');
  const res = await stack.gql(`query($id: ID!, $u: ID!) { person(id: $id) { id accounts { id } } node(id: $id) { ... on Person { id displayName } } user(id: $u) { person { id } } }`, { id: biggest.id, u: biggest.accounts[3]!.id }, ops());
  assert.equal(res.body.data!.person.accounts.length, biggest.accounts.length);
  assert.equal(res.body.data!.node.id, biggest.id);
  assert.equal(res.body.data!.user.person.id, biggest.id);
});

test('manual decisions win: unlinkAccount takes an account out; linkAccounts joins two strangers; both survive a restart', async () => {
  const people = await allPeople();
  const biggest = people.reduce((m, p) => (p.accounts.length > m.accounts.length ? p : m));
  const leaving = biggest.accounts.at(-1)!;
  const un = await stack.gql(`mutation($u: ID!) { unlinkAccount(userId: $u) { person { accounts { id } matchedOn } userErrors { code } } }`, { u: leaving.id }, ops());
  assert.deepEqual(un.body.data!.unlinkAccount.userErrors, []);
  assert.deepEqual(un.body.data!.unlinkAccount.person.accounts, [{ id: leaving.id }]);
  const singles = (await allPeople()).filter((p) => p.accounts.length === 1 && p.accounts[0]!.id !== leaving.id).slice(0, 2);
  const ids = singles.map((p) => p.accounts[0]!.id);
  const link = await stack.gql(`mutation($ids: [ID!]!) { linkAccounts(userIds: $ids) { person { matchedOn accounts { id } } userErrors { code } } }`, { ids }, ops());
  assert.deepEqual(link.body.data!.linkAccounts.person.matchedOn, ['MANUAL']);
  assert.deepEqual(link.body.data!.linkAccounts.person.accounts.map((a: any) => a.id).sort(), [...ids].sort());
  await stack.restartGateway();
  for (const v of PEOPLE_VENDORS) await stack.mirror.refresh(v);
  const after = await allPeople();
  assert.ok(after.some((p) => p.accounts.length === 1 && p.accounts[0]!.id === leaving.id), 'still alone after a restart');
  assert.ok(after.some((p) => p.accounts.length === 2 && ids.every((id) => p.accounts.some((a) => a.id === id))), 'still linked after a restart');
  assert.equal(after.find((p) => p.id === biggest.id)!.accounts.length, biggest.accounts.length - 1);
});

test('access: without users:write nothing is linked or off-boarded; a caller of one source sees only its accounts', async () => {
  const people = await allPeople();
  const biggest = people.reduce((m, p) => (p.accounts.length > m.accounts.length ? p : m));
  const denied = await stack.gql(`mutation($ids: [ID!]!) { linkAccounts(userIds: $ids) { person { id } userErrors { code } } }`, { ids: biggest.accounts.slice(0, 2).map((a) => a.id) }, callers.key('reader'));
  assert.deepEqual(denied.body.data!.linkAccounts, { person: null, userErrors: [{ code: 'FORBIDDEN' }] });
  const off = await stack.gql(`mutation($p: ID!) { offboardPerson(person: $p, reason: "x") { job { id } userErrors { code } } }`, { p: biggest.id }, callers.key('reader'));
  assert.deepEqual(off.body.data!.offboardPerson, { job: null, userErrors: [{ code: 'FORBIDDEN' }] });
  const writes = Object.entries(await stack.vendorCalls());
  assert.deepEqual(writes.filter(([, n]) => n > 0), [], 'no vendor was reached');
  const audit = await stack.gql(`{ auditEvents(filter: { action: "offboardPerson" }, first: 5) { nodes { outcome errorCode } } }`, undefined, callers.key('ops'));
  // ops lacks audit:read: the trail itself is checked through the store.
  assert.ok(audit.body.errors);
  const stored = await stack.store.audit.list({ action: 'offboardPerson' }, 5, null);
  assert.deepEqual(stored.events.map((e) => [e.outcome, e.errorCode]), [['DENIED', 'FORBIDDEN']]);
  const emr = await allPeople(callers.key('emr-only'));
  assert.ok(emr.every((p) => p.accounts.every((a) => a.source.id === 'coremr')));
  assert.ok(emr.every((p) => p.accounts.length > 1 || p.matchedOn.length === 0), 'matchedOn says nothing about accounts out of sight');
  const hidden = biggest.accounts.find((a) => a.source.id !== 'coremr')!;
  const other = await stack.gql(`mutation($u: ID!) { unlinkAccount(userId: $u) { userErrors { code field } } }`, { u: hidden.id }, callers.key('emr-only'));
  assert.deepEqual(other.body.data!.unlinkAccount.userErrors, [{ code: 'NOT_FOUND', field: 'userId' }]);
  assert.ok(accountKey({ vendor: 'coremr', nativeId: 'x' }));
});
