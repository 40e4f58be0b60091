import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, print, type OperationDefinitionNode } from 'graphql';
import { startStack, type Stack } from '../support/stack';

// Every operation in the README's graphql blocks runs against the demo setup without errors,
// so the examples an analyst pastes cannot drift from the schema or the seeded data.
const README = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
const blocks = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
const operations = blocks.flatMap((b) => parse(b).definitions as OperationDefinitionNode[]);

let stack: Stack;
before(async () => {
  // A mirror on CorEMR: the people examples link over it (the demo mirrors every source).
  stack = await startStack({ users: 30, mirror: { coremr: {} } });
  await stack.mirror.refresh('coremr');
});
after(() => stack.close());

test('the README has example queries and mutations', () => {
  assert.ok(operations.filter((o) => o.operation === 'query').length >= 5);
  assert.ok(operations.filter((o) => o.operation === 'mutation').length >= 4);
});

test('every README example runs without errors', async () => {
  const users = await stack.gql(`{ users(first: 30, sources: ["coremr"]) { nodes { userTypes { id } facilityAccess { facility { id } } } } }`);
  const nodes = users.body.data!.users.nodes as Array<{ userTypes: Array<{ id: string }>; facilityAccess: Array<{ facility: { id: string } }> }>;
  const types = [...new Set(nodes.flatMap((n) => n.userTypes.map((t) => t.id)))];
  const facilities = [...new Set(nodes.flatMap((n) => n.facilityAccess.map((a) => a.facility.id)))];
  const vars: Record<string, unknown> = { type: types[0], otherType: types[1], facility: facilities[0], otherFacility: facilities[1], after: null };
  for (const op of operations) {
    const name = op.name?.value ?? '(anonymous)';
    const res = await stack.gql(print(op), vars);
    assert.equal(res.body.errors, undefined, `${name}: ${JSON.stringify(res.body.errors)}`);
    const payloads = Object.values(res.body.data ?? {}) as Array<{ userErrors?: unknown[]; user?: { id?: string } }>;
    for (const p of payloads) if (p && Array.isArray(p.userErrors)) assert.deepEqual(p.userErrors, [], `${name}: ${JSON.stringify(p.userErrors)}`);
    // The provisioned user is the one the off-boarding examples act on.
    if (name === 'Provision') vars.id = vars.user = payloads[0]!.user!.id;
    if (name === 'OffboardEverywhere') {
      vars.job = (payloads[0] as unknown as { job: { id: string } }).job.id;
      await stack.jobs.settled(vars.job as string);
    }
  }
});
