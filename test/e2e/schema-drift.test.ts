import 'reflect-metadata';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGatewaySchema, schemaSdl } from '../../src/schema/build';
import { buildFederatedSchema, subgraphSdl } from '../../src/schema/federation';
import { VENDORS } from '../../src/vendors/registry';

const ROOT = join(__dirname, '..', '..', '..');

test('schema/schema.graphql is exactly what the code emits (run `npm run schema` after changing the schema)', async () => {
  const emitted = schemaSdl(await buildGatewaySchema(VENDORS.map((v) => v.vendor)));
  const checkedIn = readFileSync(join(ROOT, 'schema', 'schema.graphql'), 'utf8');
  assert.equal(checkedIn, emitted);
});

test('schema/subgraph.graphql is exactly the federation subgraph SDL the code emits (`npm run schema`)', async () => {
  const emitted = subgraphSdl(await buildFederatedSchema(VENDORS.map((v) => v.vendor)));
  const checkedIn = readFileSync(join(ROOT, 'schema', 'subgraph.graphql'), 'utf8');
  assert.equal(checkedIn, emitted);
  assert.match(checkedIn, /type User implements Node\s+@key\(fields: "id"\)/);
});

test('the schema exposes no secret-bearing field', async () => {
  const sdl = readFileSync(join(ROOT, 'schema', 'schema.graphql'), 'utf8');
  // Output types must not carry these; inputs may take password/ssn/tagId as write-only fields.
  const outputTypes = sdl.split(/\n(?=type |input |enum |interface |scalar |union )/).filter((block) => block.startsWith('type '));
  for (const block of outputTypes) {
    assert.doesNotMatch(block, /\b(password|ssn|pin|tagId|token|secret|privateKey)\b\s*[:(]/i, block.split('\n')[0]);
  }
});
