import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ConfigError, parseConfig } from '../../src/config/config';
import { VENDORS } from '../../src/vendors/registry';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');

function problems(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(raw, VENDORS, tmpdir(), env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

test('a valid config with ${ENV} substitution parses, with defaults', () => {
  const config = parseConfig(
    { auth: { mode: 'none' }, sources: [{ id: 'dental', vendor: 'opendental', baseUrl: 'http://127.0.0.1:7102/api/v1', auth: { developerKey: '${OD_DEV}', customerKey: '${OD_CUST}' } }] },
    VENDORS,
    tmpdir(),
    { OD_DEV: 'dev-key', OD_CUST: 'cust-key' },
  );
  assert.equal(config.server.port, 4000);
  assert.equal(config.server.requestTimeoutMs, 20_000);
  assert.equal(config.sources[0]!.name, 'dental');
  assert.deepEqual(config.sources[0]!.auth, { developerKey: 'dev-key', customerKey: 'cust-key' });
  // docs/callers-and-limits.md defaults, explicit introspection, no CORS origin.
  assert.deepEqual(config.server.limits, { maxBodyBytes: 102400, maxTokens: 2000, maxDepth: 8, maxAliases: 15, maxDirectives: 20, maxRootFields: 10, maxFirst: 100, maxCost: 1000 });
  assert.equal(config.server.introspection, true);
  assert.deepEqual(config.server.cors, { origins: [] });
  assert.equal(config.auth.mode, 'none');
});

const ONE_SOURCE = [{ id: 'dental', vendor: 'opendental', baseUrl: 'http://127.0.0.1:7102/api/v1', auth: { developerKey: 'd', customerKey: 'c' } }];

test('serve requires callers by default: no auth block is a problem; mode none only on loopback', () => {
  assert.match(problems({ sources: ONE_SOURCE }).join('\n'), /^auth/m);
  for (const host of ['0.0.0.0', '::', '10.1.2.3', 'gateway.example.org']) {
    const lines = problems({ server: { host }, auth: { mode: 'none' }, sources: ONE_SOURCE });
    assert.equal(lines.length, 1, host);
    assert.match(lines[0]!, /auth\.mode: "none" is allowed only when server\.host is a loopback address/);
  }
  for (const host of ['127.0.0.1', '::1', 'localhost', '127.0.0.2']) assert.deepEqual(problems({ server: { host }, auth: { mode: 'none' }, sources: ONE_SOURCE }), [], host);
});

test('limits, cors and introspection are validated, one line each', () => {
  const lines = problems({
    server: { introspection: 'yes', limits: { maxDepth: 0, maxFirst: 1000, maxWhatever: 1 }, cors: { origins: ['https://ok.example.org', 'https://bad.example.org/path', '*'] } },
    auth: { mode: 'none' },
    sources: ONE_SOURCE,
  });
  const text = lines.join('\n');
  assert.match(text, /server\.introspection/);
  assert.match(text, /server\.limits\.maxDepth/);
  assert.match(text, /server\.limits\.maxFirst/);
  assert.match(text, /server\.limits.*maxWhatever/);
  assert.match(text, /server\.cors\.origins\[1\]/);
  assert.match(text, /server\.cors\.origins\[2\]/);
  assert.doesNotMatch(text, /origins\[0\]/);
});

test('`staffgraph serve` with mode none on a non-loopback host refuses to start with one clear line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-config-'));
  const file = join(dir, 'open.yaml');
  writeFileSync(file, 'server: { host: 0.0.0.0 }\nauth: { mode: none }\nsources:\n  - { id: dental, vendor: opendental, baseUrl: "http://127.0.0.1:1/api/v1", auth: { developerKey: d, customerKey: c } }\n');
  const res = spawnSync(process.execPath, [CLI, 'serve', '--config', file], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(res.status, 2);
  const problemLines = res.stderr.split('\n').filter((l) => l.trim().startsWith('- '));
  assert.equal(problemLines.length, 1);
  assert.match(problemLines[0]!, /auth\.mode: "none" is allowed only when server\.host is a loopback address/);
});

test('each problem is one line naming the key, and secrets are never echoed', () => {
  const lines = problems(
    {
      server: { port: 'eighty' },
      sources: [
        { id: 'Bad Id', vendor: 'opendental', baseUrl: 'ftp://x', auth: { developerKey: 'k', customerKey: 'c' } },
        { id: 'a', vendor: 'nosuchvendor', baseUrl: 'http://127.0.0.1:1', auth: {} },
        { id: 'b', vendor: 'icure', baseUrl: 'http://127.0.0.1:1', auth: { username: 'u', password: '${MISSING_PASS}' } },
        { id: 'b', vendor: 'painchek', baseUrl: 'http://127.0.0.1:1', auth: { clientId: 'x', clientSecret: 's3cr3t-value' }, extra: 1 },
      ],
    },
    {},
  );
  const text = lines.join('\n');
  assert.match(text, /server\.port/);
  assert.match(text, /sources\[0\]\.id/);
  assert.match(text, /sources\[0\]\.baseUrl/);
  assert.match(text, /sources\[1\]\.vendor: unknown vendor "nosuchvendor"/);
  assert.match(text, /MISSING_PASS is not set/);
  assert.match(text, /sources\[3\].*extra/);
  assert.ok(!text.includes('s3cr3t-value'));
  for (const line of lines) assert.ok(!line.includes('\n'), 'one line per problem');
});

test('`staffgraph serve` with a bad config stops with exit code 2 and one line per problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-config-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'sources:\n  - { id: x, vendor: nosuch, baseUrl: "http://127.0.0.1:1", auth: {} }\n  - { id: y, vendor: coremr, baseUrl: "http://127.0.0.1:1", auth: { keyUser: gw, privateKeyFile: ./missing.pem } }\n');
  const res = spawnSync(process.execPath, [CLI, 'serve', '--config', file], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(res.status, 2);
  assert.match(res.stderr, /sources\[0\]\.vendor: unknown vendor "nosuch"/);
  assert.match(res.stderr, /sources\[1\] \(y\):.*privateKeyFile/);
  assert.doesNotMatch(res.stderr, /at \w+ \(/, 'no stack trace');
  const notYaml = join(dir, 'x.yaml');
  writeFileSync(notYaml, 'sources: [\n');
  const res2 = spawnSync(process.execPath, [CLI, 'serve', '--config', notYaml], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(res2.status, 2);
  assert.match(res2.stderr, /not valid YAML/);
});

test('resilience, mirror and webhooks are validated, one line each, and a webhook secret or URL is never echoed', () => {
  const source = { id: 'dental', vendor: 'opendental', baseUrl: 'http://127.0.0.1:7102/api/v1', auth: { developerKey: 'd', customerKey: 'c' } };
  const ok = parseConfig({ auth: { mode: 'none' }, sources: [{ ...source, resilience: { retries: 0 }, mirror: { enabled: true } }], webhooks: [{ url: 'https://hooks.example.org/x', secret: 'sixteen-chars-ok!' }] }, VENDORS, tmpdir(), {});
  assert.deepEqual(ok.sources[0]!.mirror, { enabled: true, refreshSeconds: 300, share: 0.5 });
  assert.deepEqual(ok.sources[0]!.resilience, { retries: 0 });
  assert.deepEqual(ok.webhooks, [{ url: 'https://hooks.example.org/x', secret: 'sixteen-chars-ok!', events: [], retryBaseMs: 1000, maxAttempts: 50 }]);
  const bad = problems({
    auth: { mode: 'none' },
    sources: [{ ...source, resilience: { retries: 99, maxResponseBytes: 10 }, mirror: { enabled: true, refreshSeconds: 1, share: 2 } }],
    webhooks: [{ url: 'ftp://token-in-url@hooks.example.org', secret: 'short-secret', events: ['EXPLODED'], maxAttempts: 0 }],
  });
  for (const key of ['resilience.retries', 'resilience.maxResponseBytes', 'mirror.refreshSeconds', 'mirror.share', 'webhooks[0].url', 'webhooks[0].secret', 'webhooks[0].events', 'webhooks[0].maxAttempts']) {
    assert.ok(bad.some((p) => p.includes(key)), `${key} in ${JSON.stringify(bad)}`);
  }
  const text = bad.join('\n');
  assert.ok(!text.includes('short-secret') && !text.includes('token-in-url'), text);
});

test('redis, server.federation and sources[].organization are validated, one line each, and a Redis URL is never echoed', () => {
  const ok = parseConfig({ auth: { mode: 'none' }, server: { federation: true }, sources: [{ ...ONE_SOURCE[0], organization: 'county' }], redis: { url: 'redis://:hunter2@127.0.0.1:6379' } }, VENDORS, tmpdir(), {});
  assert.deepEqual(ok.redis, { url: 'redis://:hunter2@127.0.0.1:6379', keyPrefix: 'staffgraph:', leaseSeconds: 15 });
  assert.equal(ok.server.federation, true);
  assert.equal(ok.sources[0]!.organization, 'county');
  const defaults = parseConfig({ auth: { mode: 'none' }, sources: ONE_SOURCE }, VENDORS, tmpdir(), {});
  assert.equal(defaults.redis, null);
  assert.equal(defaults.server.federation, false);
  assert.equal(defaults.sources[0]!.organization, defaults.sources[0]!.id, 'an organization of its own by default');
  const bad = problems({ auth: { mode: 'none' }, server: { federation: 'yes' }, sources: [{ ...ONE_SOURCE[0], organization: '' }], redis: { url: 'http://:hunter2@cache.example.org', keyPrefix: 'has space' } });
  for (const key of ['redis.url', 'redis.keyPrefix', 'server.federation', 'organization']) assert.ok(bad.some((p) => p.includes(key)), `${key} in ${JSON.stringify(bad)}`);
  assert.ok(!bad.join('\n').includes('hunter2'), 'the URL (and its password) is never echoed');
});
