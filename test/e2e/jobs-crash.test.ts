import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { startStack, type Stack } from '../support/stack';
import { accountWrites } from '../support/account-writes';
import { writeSimulatorConfig } from '../../src/cli/simulators';
import { killServes, startServe, untilMirrorsReady, type ServeProcess } from '../support/serve';

// A real `serve` process is killed (SIGKILL) in the middle of an off-boarding job; a second one on
// the same store resumes it: the account whose write was in flight is read again and written, the
// ones already done are not written again (docs/people.md, "Jobs").
const SOURCES = ['coremr', 'opendental', 'painchek', 'icure', 'presentationservices'];
let stack: Stack; // only its simulators are used
let file = '';

before(async () => {
  stack = await startStack({ users: 8 });
  const dir = mkdtempSync(join(tmpdir(), 'sg-jobcrash-'));
  file = join(dir, 'sg.yaml');
  writeSimulatorConfig(file, Object.entries(stack.sims).map(([id, s]) => ({ id, sim: s.sim })), 0);
  const config = YAML.parse(readFileSync(file, 'utf8'));
  config.store = { path: join(dir, 'data') };
  for (const s of config.sources) s.mirror = { enabled: true, refreshSeconds: 3600 };
  writeFileSync(file, YAML.stringify(config));
});
after(async () => {
  killServes();
  await stack.close();
});

async function serve(): Promise<ServeProcess> {
  const p = await startServe(file);
  await untilMirrorsReady(p.url);
  return p;
}

const writesAt = async (source: string) => (await accountWrites(stack.sims[source]!.control)).length;

test('SIGKILL mid-job: the next start resumes it; the in-flight account is read again, the finished ones are not written twice', async () => {
  const first = await serve();
  const ids: string[] = [];
  for (const s of SOURCES) {
    const r = await first.gql(`{ users(sources: ["${s}"], first: 8, filter: { active: true }) { nodes { id username } } }`);
    ids.push(r.data.users.nodes.find((n: any) => !/gateway|staffgraph|admin/i.test(n.username ?? '')).id);
  }
  const linked = await first.gql(`mutation($ids: [ID!]!) { linkAccounts(userIds: $ids) { person { id } userErrors { code } } }`, { ids });
  assert.deepEqual(linked.data.linkAccounts.userErrors, []);
  // CorEMR's write never answers (and never applies): the job is mid-way when the process dies.
  await stack.sims.coremr!.control.fault({ kind: 'hang', method: 'PUT' });
  await stack.clearLogs();
  const started = await first.gql(`mutation($p: ID!) { offboardPerson(person: $p, reason: "crash test") { job { id } userErrors { code } } }`, { p: linked.data.linkAccounts.person.id });
  const jobId = started.data.offboardPerson.job.id;
  const others = SOURCES.filter((s) => s !== 'coremr');
  for (let i = 0; i < 200; i++) {
    const done = await Promise.all(others.map(writesAt));
    if ((await writesAt('coremr')) > 0 && done.every((n) => n > 0)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300)); // the finished accounts' outcomes reach the store
  const before = Object.fromEntries(await Promise.all(SOURCES.map(async (s) => [s, await writesAt(s)] as const)));
  assert.equal(before.coremr, 1, 'the CorEMR write is in flight');
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));

  await stack.sims.coremr!.control.clearFaults();
  const second = await serve();
  let job: any = null;
  for (let i = 0; i < 200; i++) {
    job = (await second.gql(`query($id: ID!) { job(id: $id) { state results { source outcome attempts } } }`, { id: jobId })).data.job;
    if (job.state !== 'RUNNING' && job.state !== 'PENDING') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(job.state, 'SUCCEEDED', JSON.stringify(job));
  for (const s of others) assert.equal(await writesAt(s), before[s], `${s} was not written again`);
  assert.equal(await writesAt('coremr'), 2, 'CorEMR: the hung write, then one more after reading the account again');
  assert.equal(job.results.find((r: any) => r.source === 'coremr').attempts, 2);
  const audit = await second.gql(`{ auditEvents(filter: { action: "setUserActive" }, first: 20) { nodes { outcome sourceId } } }`);
  const coremr = audit.data.auditEvents.nodes.filter((e: any) => e.sourceId === 'coremr').map((e: any) => e.outcome).sort();
  assert.deepEqual(coremr, ['SUCCESS', 'UNKNOWN'], 'the crashed attempt reads UNKNOWN; the resumed one SUCCESS');
  second.child.kill('SIGTERM');
});
