import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import YAML from 'yaml';
import { ApiKeyRing, hashApiKey } from '../auth/api-keys';
import { parseAuthConfig } from '../auth/config';
import { apikeyCommand } from './apikey';

async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await apikeyCommand(args, (s) => lines.push(...s.split('\n')));
  return { code, lines };
}

describe('staffgraph apikey create', () => {
  test('prints a key once, a config line with its hash, and a warning', async () => {
    const { code, lines } = await run(['create', '--name', 'hr-offboarding', '--scopes', 'users:read,users:write', '--sources', 'dental,jail-emr']);
    assert.equal(code, 0);
    assert.equal(lines.length, 3);
    const [key, line, warning] = lines;
    assert.match(key, /^sg_[A-Za-z0-9_-]{43}$/);
    assert.equal(line, `- { name: hr-offboarding, hash: "${hashApiKey(key)}", scopes: [users:read, users:write], sources: [dental, jail-emr] }`);
    assert.match(warning, /shown only once/);
    assert.equal(lines.filter((l) => l.includes(key)).length, 1, 'the key is printed once');

    // The line pasted under auth.apiKeys is accepted, and the printed key then authenticates.
    const parsed = parseAuthConfig({ apiKeys: YAML.parse(line) }, { configDir: '/', defaultMode: 'required' });
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.problems.join('\n'));
    const caller = new ApiKeyRing(parsed.config.apiKeys).verify(key);
    assert.equal(caller?.id, 'hr-offboarding');
    assert.deepEqual([...(caller?.scopes ?? [])], ['users:read', 'users:write']);
    assert.deepEqual([...(caller?.sources ?? [])], ['dental', 'jail-emr']);
  });

  test('without --sources the line has none (every source); a number-like name stays a string', async () => {
    const { code, lines } = await run(['create', '--name', '123', '--scopes', 'audit:read']);
    assert.equal(code, 0);
    assert.ok(!lines[1].includes('sources'));
    const [entry] = YAML.parse(lines[1]) as Array<{ name: unknown; hash: string }>;
    assert.equal(entry.name, '123');
    assert.equal(entry.hash, hashApiKey(lines[0]));
  });

  test('two runs give two different keys', async () => {
    const a = await run(['create', '--name', 'a', '--scopes', 'users:read']);
    const b = await run(['create', '--name', 'a', '--scopes', 'users:read']);
    assert.notEqual(a.lines[0], b.lines[0]);
  });

  const refusals: Array<{ name: string; args: string[]; message: RegExp }> = [
    { name: 'unknown scope', args: ['create', '--name', 'x', '--scopes', 'users:read,users:admin'], message: /unknown scope "users:admin" \(known: users:read, users:pii, users:write, audit:read\)/ },
    { name: 'empty scopes', args: ['create', '--name', 'x', '--scopes', ','], message: /at least one scope/ },
    { name: 'bad name', args: ['create', '--name', 'bad name!', '--scopes', 'users:read'], message: /--name must be/ },
    { name: 'name too long', args: ['create', '--name', 'a'.repeat(64), '--scopes', 'users:read'], message: /--name must be/ },
    { name: 'bad source id', args: ['create', '--name', 'x', '--scopes', 'users:read', '--sources', 'Dental'], message: /--sources/ },
    { name: 'missing --scopes', args: ['create', '--name', 'x'], message: /^usage:/ },
    { name: 'no subcommand', args: [], message: /^usage:/ },
    { name: 'unknown subcommand', args: ['delete', '--name', 'x', '--scopes', 'users:read'], message: /^usage:/ },
    { name: 'unknown option', args: ['create', '--name', 'x', '--scopes', 'users:read', '--admin'], message: /--admin/ },
  ];
  for (const r of refusals) {
    test(`refused: ${r.name} → exit 1, no key printed`, async () => {
      const { code, lines } = await run(r.args);
      assert.equal(code, 1);
      assert.match(lines.join('\n'), r.message);
      assert.ok(!lines.some((l) => /sg_|sha256:/.test(l)), 'no key or hash on refusal');
    });
  }
});
