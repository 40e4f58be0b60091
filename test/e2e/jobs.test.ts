import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import { accountWrites } from '../support/account-writes';

// Off-boarding jobs (docs/people.md, "Jobs") over all five vendors' mirrors. The person is made
// by hand (linkAccounts) from one non-service account per source, so these tests do not depend on
// the seeded people; the linking rules have their own tests.
let stack: Stack;
const SOURCES = ['coremr', 'opendental', 'painchek', 'icure', 'presentationservices'];

before(async () => {
  stack = await startStack({ users: 8, mirror: Object.fromEntries(SOURCES.map((s) => [s, {}])) });
  for (const s of SOURCES) await stack.mirror.refresh(s);
});
after(() => stack.close());
beforeEach(() => stack.clearLogs());

/** One active account per source that is not the gateway's own, linked into one person. */
async function makePerson(skipFirst = 0): Promise<{ personId: string; accounts: Record<string, string> }> {
  const accounts: Record<string, string> = {};
  for (const s of SOURCES) {
    const res = await stack.gql(`{ users(sources: ["${s}"], first: 8, filter: { active: true }) { nodes { id username } } }`);
    const nodes = res.body.data!.users.nodes as Array<{ id: string; username: string | null }>;
    const usable = nodes.filter((n) => !/gateway|staffgraph|admin/i.test(n.username ?? ''));
    accounts[s] = usable[skipFirst]!.id;
  }
  const link = await stack.gql(`mutation($ids: [ID!]!) { linkAccounts(userIds: $ids) { person { id matchedOn accounts { id } } userErrors { code field } } }`, { ids: Object.values(accounts) });
  assert.deepEqual(link.body.data!.linkAccounts.userErrors, []);
  assert.deepEqual(link.body.data!.linkAccounts.person.matchedOn, ['MANUAL']);
  return { personId: link.body.data!.linkAccounts.person.id, accounts };
}

const JOB = `id kind state results { source userId outcome attempts userErrors { code } steps { method ok } }`;

async function follow(id: string): Promise<any> {
  await stack.jobs.settled(id);
  const res = await stack.gql(`query($id: ID!) { job(id: $id) { ${JOB} } }`, { id });
  return res.body.data!.job;
}

async function auditFor(userId: string): Promise<Array<{ action: string; outcome: string }>> {
  const res = await stack.gql(`query($t: ID) { auditEvents(filter: { target: $t }, first: 50) { nodes { action outcome } } }`, { t: userId });
  assert.equal(res.body.errors, undefined, JSON.stringify(res.body.errors));
  return res.body.data!.auditEvents.nodes;
}

test('offboardPerson with one vendor down: that account FAILED, the others SUCCEEDED; retryJob finishes it once the vendor is back', async () => {
  const { personId, accounts } = await makePerson(0);
  await stack.sims.painchek!.control.fault({ kind: 'status', status: 503 });
  const started = await stack.gql(`mutation($p: ID!) { offboardPerson(person: $p, reason: "left the county", idempotencyKey: "hr-1") { job { id kind } userErrors { code } } }`, { p: personId });
  assert.deepEqual(started.body.data!.offboardPerson.userErrors, []);
  const id = started.body.data!.offboardPerson.job.id;
  const job = await follow(id);
  assert.equal(job.state, 'PARTIAL');
  const outcome = Object.fromEntries(job.results.map((r: any) => [r.source, r.outcome]));
  assert.deepEqual(outcome, { coremr: 'SUCCEEDED', opendental: 'SUCCEEDED', painchek: 'FAILED', icure: 'SUCCEEDED', presentationservices: 'SUCCEEDED' });
  for (const s of SOURCES) assert.equal((await auditFor(accounts[s]!)).filter((e) => e.action === 'setUserActive').length, 1, `one audit event for ${s}`);
  // Each account is inactive at its vendor now (the mirror followed the writes).
  const cached = await stack.gql(`query($p: ID!) { person(id: $p) { accounts { source { id } active } } }`, { p: personId });
  for (const a of cached.body.data!.person.accounts) assert.equal(a.active, a.source.id === 'painchek', a.source.id);

  await stack.sims.painchek!.control.clearFaults();
  await stack.clearLogs();
  const retried = await stack.gql(`mutation($id: ID!) { retryJob(id: $id) { job { id } userErrors { code } } }`, { id });
  assert.deepEqual(retried.body.data!.retryJob.userErrors, []);
  const done = await follow(id);
  assert.equal(done.state, 'SUCCEEDED');
  assert.equal(done.results.find((r: any) => r.source === 'painchek').attempts, 2);
  const calls = await stack.vendorCalls();
  for (const s of SOURCES.filter((x) => x !== 'painchek')) assert.equal(calls[s] ?? 0, 0, `${s} is not written again`);
  assert.equal((await auditFor(accounts.painchek!)).filter((e) => e.action === 'setUserActive').length, 2, 'the retry is its own audit event');

  // The same idempotency key finds the same job, with no new writes.
  const again = await stack.gql(`mutation($p: ID!) { offboardPerson(person: $p, reason: "left the county", idempotencyKey: "hr-1") { job { id state } } }`, { p: personId });
  assert.deepEqual(again.body.data!.offboardPerson.job, { id, state: 'SUCCEEDED' });
});

test('a dropped connection after the vendor applied it is UNKNOWN; retryJob reads it again and does not write twice', async () => {
  const { personId } = await makePerson(0); // the first test off-boarded the earlier ones (filter active: true)
  await stack.sims.icure!.control.fault({ kind: 'drop', when: 'after', method: 'PUT' });
  const started = await stack.gql(`mutation($p: ID!) { offboardPerson(person: $p, reason: "contract ended") { job { id } userErrors { code } } }`, { p: personId });
  assert.deepEqual(started.body.data!.offboardPerson.userErrors, [], JSON.stringify(started.body));
  const id = started.body.data!.offboardPerson.job.id;
  const job = await follow(id);
  assert.equal(job.results.find((r: any) => r.source === 'icure').outcome, 'UNKNOWN');
  assert.equal(job.state, 'PARTIAL');
  await stack.sims.icure!.control.clearFaults();
  await stack.clearLogs();
  await stack.gql(`mutation($id: ID!) { retryJob(id: $id) { job { id } } }`, { id });
  const done = await follow(id);
  assert.equal(done.state, 'SUCCEEDED');
  const writes = (await stack.sims.icure!.control.requests()).filter((r) => r.method !== 'GET');
  assert.deepEqual(writes, [], 'the re-read found it deactivated: no second write');
});

test('a caller without users:write starts no job and reaches no vendor; an unknown person is NOT_FOUND', async () => {
  const res = await stack.gql(`mutation { offboardPerson(email: "nobody@nowhere.example.org", reason: "x") { job { id } userErrors { code field } } }`);
  assert.deepEqual(res.body.data!.offboardPerson.userErrors, [{ code: 'NOT_FOUND', field: 'email' }]);
  const both = await stack.gql(`mutation { offboardPerson(reason: "x") { job { id } userErrors { code field } } }`);
  assert.deepEqual(both.body.data!.offboardPerson.userErrors, [{ code: 'BAD_USER_INPUT', field: 'person' }]);
  assert.ok(Object.values(await stack.vendorCalls()).every((n) => n === 0));
});

test("the gateway's own service accounts are SKIPPED by an off-boarding job, with no write to them", async () => {
  const ids: string[] = [];
  for (const source of ['presentationservices', 'icure']) {
    const own = stack.sims[source]!.sim.auth.username as string;
    const found = await stack.gql(`query($s: [ID!], $u: String) { users(first: 2, sources: $s, filter: { username: $u }) { nodes { id } } }`, { s: [source], u: own });
    ids.push(found.body.data!.users.nodes[0].id);
  }
  const other = await stack.gql(`{ users(sources: ["coremr"], first: 8, filter: { active: true }) { nodes { id username } } }`);
  ids.push(other.body.data!.users.nodes.find((n: any) => !/admin/i.test(n.username ?? '')).id);
  const link = await stack.gql(`mutation($ids: [ID!]!) { linkAccounts(userIds: $ids) { person { id } userErrors { code } } }`, { ids });
  await stack.clearLogs();
  const started = await stack.gql(`mutation($p: ID!) { offboardPerson(person: $p, reason: "sweep", mode: DELETE_WHERE_SUPPORTED) { job { id } userErrors { code } } }`, { p: link.body.data!.linkAccounts.person.id });
  const job = await follow(started.body.data!.offboardPerson.job.id);
  const outcome = Object.fromEntries(job.results.map((r: any) => [r.source, r.outcome]));
  assert.deepEqual(outcome, { presentationservices: 'SKIPPED', icure: 'SKIPPED', coremr: 'SUCCEEDED' });
  assert.equal(job.state, 'SUCCEEDED');
  for (const source of ['presentationservices', 'icure']) {
    const writes = await accountWrites(stack.sims[source]!.control);
    assert.deepEqual(writes, [], `${source}: nothing written`);
  }
});
