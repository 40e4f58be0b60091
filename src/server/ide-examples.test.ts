import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { FALLBACK_TABS, exampleTabs, findReadme, loadExampleTabs } from './ide-examples';

const FIXTURE = `# Title

Some text.

\`\`\`graphql
# First: which sources?
# (two comment lines)
query A { sources { id } }

# Second, with a variable.
query B($after: String) { users(first: 1, after: $after) { nodes { id } } }
\`\`\`

\`\`\`sh
query NotGraphql { shell }
\`\`\`

\`\`\`graphql
# Write one.
mutation M1($id: ID!) { deleteUser(id: $id) { deletedUserId } }
# A query between mutations still gets its own tab, after A and B.
query C { ...Ids }
fragment Ids on Query { sources { id } }
\`\`\`

More text.

\`\`\`graphql
mutation M2($id: ID!, $active: Boolean!) { setUserActive(id: $id, active: $active) { user { ...U } } }
fragment U on User { id }
\`\`\`
`;

test('exampleTabs: one tab per query in README order with its comments, then one tab of all mutations', () => {
  const tabs = exampleTabs(FIXTURE);
  assert.deepEqual(tabs, [
    { query: '# First: which sources?\n# (two comment lines)\nquery A { sources { id } }\n' },
    {
      query: '# Second, with a variable.\nquery B($after: String) { users(first: 1, after: $after) { nodes { id } } }\n',
      variables: '{\n  "after": null\n}',
    },
    {
      query: '# A query between mutations still gets its own tab, after A and B.\nquery C { ...Ids }\n\nfragment Ids on Query { sources { id } }\n',
    },
    {
      query:
        '# Write one.\nmutation M1($id: ID!) { deleteUser(id: $id) { deletedUserId } }\n\n' +
        'mutation M2($id: ID!, $active: Boolean!) { setUserActive(id: $id, active: $active) { user { ...U } } }\n\n' +
        'fragment U on User { id }\n',
      variables: '{\n  "id": null,\n  "active": null\n}',
    },
  ]);
  // Every tab is a valid document on its own (fragments travel with the operations that spread them).
  for (const t of tabs) parse(t.query);
  // Not from other fences.
  assert.ok(tabs.every((t) => !t.query.includes('NotGraphql')));
});

test('exampleTabs: edge cases', () => {
  const cases: Array<{ name: string; markdown: string; want: ReturnType<typeof exampleTabs> }> = [
    { name: 'no graphql block', markdown: '# Nothing\n```sh\nls\n```\n', want: [] },
    { name: 'empty block', markdown: '```graphql\n```\n', want: [] },
    { name: 'CRLF line endings', markdown: '```graphql\r\n# c\r\nquery A { a }\r\n```\r\n', want: [{ query: '# c\nquery A { a }\n' }] },
    { name: 'only mutations: one tab', markdown: '```graphql\nmutation X { x }\nmutation Y { y }\n```\n', want: [{ query: 'mutation X { x }\n\nmutation Y { y }\n' }] },
    { name: 'a fragment two mutations share appears once', markdown: '```graphql\nmutation X { ...F }\nmutation Y { ...F }\nfragment F on Mutation { x }\n```\n', want: [{ query: 'mutation X { ...F }\n\nmutation Y { ...F }\n\nfragment F on Mutation { x }\n' }] },
    { name: 'a block that does not parse stays whole (query)', markdown: '```graphql\n# broken\nquery A { a \n```\n', want: [{ query: '# broken\nquery A { a\n' }] },
    { name: 'a block that does not parse stays whole (mutation)', markdown: '```graphql\n# broken\nmutation A { a \n```\n', want: [{ query: '# broken\nmutation A { a\n' }] },
    { name: 'a comment after an operation on its line stays with it', markdown: '```graphql\nquery A { a } # about A\n# about B\nquery B { b }\n```\n', want: [{ query: 'query A { a } # about A\n' }, { query: '# about B\nquery B { b }\n' }] },
  ];
  for (const c of cases) assert.deepEqual(exampleTabs(c.markdown), c.want, c.name);
});

test('loadExampleTabs: the fallback when the README is missing or has no examples', () => {
  assert.deepEqual(loadExampleTabs(null), FALLBACK_TABS);
  const dir = mkdtempSync(join(tmpdir(), 'sg-ide-'));
  assert.deepEqual(loadExampleTabs(join(dir, 'README.md')), FALLBACK_TABS, 'missing file');
  writeFileSync(join(dir, 'README.md'), '# no examples\n');
  assert.deepEqual(loadExampleTabs(join(dir, 'README.md')), FALLBACK_TABS, 'no graphql block');
  for (const t of FALLBACK_TABS) parse(t.query);
});

test('findReadme: the package README from the compiled directory; null outside the package', () => {
  const readme = findReadme(__dirname);
  assert.ok(readme !== null && readme.endsWith('README.md'));
  assert.ok(!readme.includes(`${join('dist', 'README.md')}`), 'the package root, not dist/');
  const tabs = loadExampleTabs(readme);
  assert.match(tabs[0]!.query, /query Sources/);
  assert.match(tabs.at(-1)!.query, /^mutation|\nmutation /);
  assert.equal(findReadme(mkdtempSync(join(tmpdir(), 'sg-ide-'))), null);
});
