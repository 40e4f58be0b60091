import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';
import { accountWrites } from '../support/account-writes';

// provisionPerson (docs/people.md, "Jobs"): one person, five vendors, every source checked before
// any call; then a durable job whose creates are linked into one person by the mirrors.
let stack: Stack;
const SOURCES = ['coremr', 'opendental', 'painchek', 'icure', 'presentationservices'];
const catalog: Record<string, { type: string; facility: string | null }> = {};

before(async () => {
  stack = await startStack({ users: 8, mirror: Object.fromEntries(SOURCES.map((s) => [s, {}])) });
  for (const s of SOURCES) await stack.mirror.refresh(s);
  const res = await stack.gql(`{ users(first: 40) { nodes { source { id } userTypes { id } facilityAccess { facility { id } } } } }`);
  for (const u of res.body.data!.users.nodes) {
    const c = (catalog[u.source.id] ??= { type: '', facility: null });
    c.type ||= u.userTypes[0]?.id ?? '';
    c.facility ??= u.facilityAccess[0]?.facility.id ?? null;
  }
});
after(() => stack.close());
beforeEach(() => stack.clearLogs());

const MUTATION = `mutation($input: PersonInput!, $sources: [ProvisionSourceInput!]!, $key: String) {
  provisionPerson(input: $input, sources: $sources, idempotencyKey: $key) { job { id state } userErrors { field code message } }
}`;

function sourcesFor(email: string): Array<Record<string, unknown>> {
  const local = email.split('@')[0]!.replace(/[^a-z0-9]/g, '');
  const withFacility = (s: string) => (catalog[s]!.facility ? { facilityIds: [catalog[s]!.facility], primaryFacilityId: catalog[s]!.facility } : {});
  return [
    { source: 'coremr', username: `c${local}`.slice(0, 20), password: 'Str0ng!Pass', userTypeIds: [catalog.coremr!.type], ...withFacility('coremr') },
    { source: 'opendental', username: `d${local}`.slice(0, 20), password: 'Str0ngPass1', userTypeIds: [catalog.opendental!.type], ...withFacility('opendental') },
    { source: 'painchek', userTypeIds: [catalog.painchek!.type], ...withFacility('painchek') },
    { source: 'icure', username: email, userTypeIds: [catalog.icure!.type] },
    { source: 'presentationservices', username: `p${local}`.slice(0, 20), password: 'Secret123', userTypeIds: [catalog.presentationservices!.type], ...withFacility('presentationservices') },
  ];
}

const writesAt = async () => {
  const out: Record<string, number> = {};
  for (const s of SOURCES) out[s] = (await accountWrites(stack.sims[s]!.control)).length;
  return out;
};

test('one invalid source input: nothing is sent anywhere, every problem is named, one audit event', async () => {
  const sources = sourcesFor('casey.new@county.example.org');
  sources[0] = { ...sources[0], password: null }; // CorEMR requires a password at create
  sources[2] = { ...sources[2], userTypeIds: [catalog.coremr!.type] }; // another source's user type
  const res = await stack.gql(MUTATION, { input: { firstName: 'Casey', lastName: 'New', email: 'casey.new@county.example.org' }, sources });
  const payload = res.body.data!.provisionPerson;
  assert.equal(payload.job, null);
  const fields = payload.userErrors.map((e: any) => e.field);
  assert.ok(fields.some((f: string) => f === 'sources[0].password'), JSON.stringify(payload.userErrors));
  assert.ok(fields.includes('sources[2].userTypeIds[0]'), JSON.stringify(payload.userErrors));
  assert.ok(payload.userErrors.every((e: any) => e.code === 'BAD_USER_INPUT'));
  assert.ok(!JSON.stringify(payload).includes('Str0ng'), 'no password is echoed');
  assert.deepEqual(await writesAt(), { coremr: 0, opendental: 0, painchek: 0, icure: 0, presentationservices: 0 });
  const audit = await stack.gql(`{ auditEvents(filter: { action: "provisionPerson" }, first: 5) { nodes { outcome errorCode sourceId steps { method } } } }`);
  assert.deepEqual(audit.body.data!.auditEvents.nodes, [{ outcome: 'FAILURE', errorCode: 'BAD_USER_INPUT', sourceId: null, steps: [] }]);
});

test('five vendors: one job creates every account, each through the write pipeline, and the mirrors link them into one person', async () => {
  const email = 'robin.provisioned@county.example.org';
  const res = await stack.gql(MUTATION, { input: { firstName: 'Robin', lastName: 'Provisioned', email, title: 'RN' }, sources: sourcesFor(email), key: 'onboard-1' });
  assert.deepEqual(res.body.data!.provisionPerson.userErrors, []);
  const id = res.body.data!.provisionPerson.job.id;
  await stack.jobs.settled(id);
  const job = (await stack.gql(`query($id: ID!) { job(id: $id) { kind state results { source outcome userId userErrors { field code message } } } }`, { id })).body.data!.job;
  assert.equal(job.kind, 'PROVISION');
  assert.equal(job.state, 'SUCCEEDED', JSON.stringify(job.results));
  assert.ok(job.results.every((r: any) => r.userId));
  const created = await writesAt();
  for (const s of SOURCES) assert.ok(created[s]! >= 1, `${s} got its create`);
  const audit = await stack.gql(`{ auditEvents(filter: { action: "createUser" }, first: 20) { nodes { outcome sourceId } } }`);
  assert.deepEqual(audit.body.data!.auditEvents.nodes.map((e: any) => e.sourceId).sort(), [...SOURCES].sort());
  assert.ok(audit.body.data!.auditEvents.nodes.every((e: any) => e.outcome === 'SUCCESS'));
  // One person, at once (the mirrors follow the writes): the job links what it created, since Open
  // Dental stores no e-mail for a rule to find. matchedOn lists the rules that joined accounts.
  const people = await stack.gql(`query($e: String) { people(filter: { email: $e }) { totalCount nodes { matchedOn accounts { id } } } }`, { e: email.toUpperCase() });
  const person = people.body.data!.people.nodes[0];
  assert.equal(people.body.data!.people.totalCount, 1);
  assert.deepEqual(person.accounts.map((a: any) => a.id).sort(), job.results.map((r: any) => r.userId).sort());
  assert.deepEqual(person.matchedOn, ['MANUAL']);
  // The same key again: the same job, nothing sent.
  await stack.clearLogs();
  const again = await stack.gql(MUTATION, { input: { firstName: 'Robin', lastName: 'Provisioned', email, title: 'RN' }, sources: sourcesFor(email), key: 'onboard-1' });
  assert.equal(again.body.data!.provisionPerson.job.id, id);
  assert.deepEqual(await writesAt(), { coremr: 0, opendental: 0, painchek: 0, icure: 0, presentationservices: 0 });
});
