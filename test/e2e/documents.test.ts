import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startStack, type Stack } from '../support/stack';
import type { SourcesQuery, UserByIdQuery, UsersPageQuery, UsersPageQueryVariables } from '../generated/graphql';

// The tests' .graphql documents, typed by GraphQL Code Generator (codegen.yml) from schema/schema.graphql.
const ROOT = join(__dirname, '..', '..', '..');
const doc = (name: string) => readFileSync(join(ROOT, 'test', 'graphql', `${name}.graphql`), 'utf8');

let stack: Stack;
before(async () => {
  stack = await startStack({ users: 12 });
});
after(() => stack.close());

test('test/generated/graphql.ts is up to date with codegen.yml (run `npm run codegen`)', () => {
  const bin = join(ROOT, 'node_modules', '.bin', 'graphql-codegen');
  const res = spawnSync(bin, ['--config', 'codegen.yml', '--check'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  assert.equal(res.status, 0, `codegen --check failed:\n${res.stdout}\n${res.stderr}`);
});

test('the typed documents run against the gateway', async () => {
  const sources = await stack.gql<SourcesQuery>(doc('sources'));
  assert.equal(sources.body.errors, undefined);
  assert.equal(sources.body.data!.sources.length, 5);

  const vars: UsersPageQueryVariables = { first: 30, after: null, filter: null, sources: null };
  const page = await stack.gql<UsersPageQuery>(doc('users-page'), vars as Record<string, unknown>);
  assert.equal(page.body.errors, undefined);
  const edges = page.body.data!.users.edges;
  assert.equal(edges.length, 30);
  for (const e of edges) assert.ok(e.node.userTypes !== undefined && e.node.facilityAccess !== undefined);

  const one = await stack.gql<UserByIdQuery>(doc('user-by-id'), { id: edges[0]!.node.id });
  assert.equal(one.body.data!.user!.id, edges[0]!.node.id);
});
