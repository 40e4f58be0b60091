import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, intOption, packageVersion, uniqueLines } from '../../src/cli/args';

const CLI = join(__dirname, '..', '..', 'src', 'cli', 'main.js');
const ROOT = join(__dirname, '..', '..', '..');
const COMMANDS = ['demo', 'serve', 'simulate', 'apikey', 'audit', 'schema'];

/**
 * Runs the CLI to its exit. None of these start a server: each either prints help or is refused
 * before anything starts. Each run loads the whole gateway (about a second), so the value tables
 * are checked on intOption directly and end to end with a few cases.
 */
function cli(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const res = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000, env });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr, lines: res.stderr.split('\n').filter((l) => l !== '') };
}

/** A usage error: exit 1, nothing on stdout, exactly one line on stderr pointing at the command's help. */
function assertUsageError(res: ReturnType<typeof cli>, command: string | null, what: RegExp): void {
  assert.equal(res.status, 1, res.stderr);
  assert.equal(res.stdout, '');
  assert.equal(res.lines.length, 1, `one line, not the usage: ${res.stderr}`);
  assert.match(res.lines[0]!, /^staffgraph: /);
  assert.match(res.lines[0]!, what);
  assert.ok(res.lines[0]!.endsWith(`(see staffgraph ${command ? command + ' ' : ''}--help)`), res.lines[0]);
  assert.doesNotMatch(res.stderr, /usage:/, 'no usage text');
}

test('--version and -v print the version in package.json', () => {
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const res = cli([flag]);
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, `staffgraph ${version}\n`);
    assert.equal(res.stderr, '');
  }
  // Found by walking up, from the compiled folder as from the sources.
  assert.equal(packageVersion(join(ROOT, 'dist', 'src', 'cli')), version);
  assert.equal(packageVersion(join(ROOT, 'src', 'cli')), version);
  assert.equal(packageVersion(tmpdir()), undefined);
});

test('--help, -h and help print the overview naming every command', () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const res = cli(args);
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stderr, '');
    for (const c of COMMANDS) assert.match(res.stdout, new RegExp(`staffgraph ${c}\\b`), `${args[0]} lists ${c}`);
    assert.match(res.stdout, /--version/);
  }
});

test('`<command> --help` and `-h` print that command\'s own usage, even beside other arguments', () => {
  const options: Record<string, string[]> = {
    demo: ['--port', '--users', '--seed', '--latency-ms', '--data'],
    serve: ['--config', '--port'],
    simulate: ['--port', '--users', '--seed', '--latency-ms', '--write-config', 'opendental'],
    apikey: ['--name', '--scopes', '--sources'],
    audit: ['--config', '--since', '--format'],
    schema: ['--federation'],
  };
  const overview = cli(['--help']).stdout;
  for (const c of COMMANDS) {
    const variants = [[c, '--help'], [c, '-h']];
    // Help wins over arguments that would be refused, and `help <command>` is the same text.
    if (c === 'serve' || c === 'apikey') variants.push(['help', c], [c, '--port', 'not-a-port', '--help']);
    for (const args of variants) {
      const res = cli(args);
      assert.equal(res.status, 0, `${args.join(' ')}: ${res.stderr}`);
      assert.equal(res.stderr, '');
      assert.match(res.stdout, new RegExp(`^usage: staffgraph ${c}\\b`), args.join(' '));
      assert.notEqual(res.stdout, overview);
      for (const o of options[c]!) assert.ok(res.stdout.includes(o), `${c} --help documents ${o}`);
      // Only this command's synopsis: no other command is described.
      for (const other of COMMANDS.filter((o) => o !== c)) assert.ok(!res.stdout.includes(`usage: staffgraph ${other}`), `${c} --help is not ${other}'s`);
    }
  }
  // The bounds the checks enforce are the ones documented.
  assert.match(cli(['demo', '--help']).stdout, /--port N .*0–65535/);
  assert.match(cli(['simulate', '--help']).stdout, /--users N .*0–100000/);
});

test('unknown command, unknown option, missing value: one line and exit 1', () => {
  assertUsageError(cli(['frobnicate']), null, /unknown command "frobnicate"/);
  assertUsageError(cli([]), null, /no command given/);
  assertUsageError(cli(['--verbose']), null, /unknown option "--verbose"/);
  assertUsageError(cli(['serve', '--config', 'x.yaml', '--bogus']), 'serve', /unknown option "--bogus"/);
  assertUsageError(cli(['demo', '-x']), 'demo', /unknown option "-x"/);
  assertUsageError(cli(['schema', '--pretty']), 'schema', /unknown option "--pretty"/);
  assertUsageError(cli(['serve', '--config']), 'serve', /--config needs a value/);
  assertUsageError(cli(['serve', '--config', '--port', '1']), 'serve', /--config needs a value/);
  assertUsageError(cli(['serve'], { ...process.env, STAFFGRAPH_CONFIG: '' }), 'serve', /serve needs --config FILE/);
  assertUsageError(cli(['simulate']), 'simulate', /needs a vendor name/);
  assertUsageError(cli(['simulate', 'nosuch']), 'simulate', /unknown vendor "nosuch"/);
  assertUsageError(cli(['simulate', 'all', 'extra']), 'simulate', /unexpected argument "extra"/);
  // apikey and audit parse their own arguments; their refusals come out as the same one line.
  assertUsageError(cli(['apikey']), 'apikey', /apikey needs a subcommand: create/);
  assertUsageError(cli(['apikey', 'create', '--name', 'k']), 'apikey', /needs --scopes/);
  assertUsageError(cli(['apikey', 'create', '--name', 'k', '--scopes', 'users:read', '--bogus', '1']), 'apikey', /unknown option "--bogus"/);
  assertUsageError(cli(['apikey', 'create', '--name', 'k', '--scopes', 'nope']), 'apikey', /--scopes: unknown scope "nope"/);
  assertUsageError(cli(['audit']), 'audit', /one subcommand: export/);
  assertUsageError(cli(['audit', 'export', '--config', 'x.yaml', '--format', 'csv']), 'audit', /--format must be jsonl or fhir/);
  assertUsageError(cli(['audit', 'export', '--config', 'x.yaml', '--format', 'jsonl', '--nope']), 'audit', /unknown option "--nope"/);
  // A huge unknown option is cut, not echoed whole.
  const huge = cli(['serve', `--${'x'.repeat(5000)}`]);
  assertUsageError(huge, 'serve', /unknown option "--x+…"/);
  assert.ok(huge.stderr.length < 200, `bounded: ${huge.stderr.length} characters`);
});

test('--port must be an integer from 0 to 65535, named in the one-line refusal', () => {
  for (const bad of ['70000', '-1', 'abc']) {
    const res = cli(['serve', '--config', 'never-read.yaml', '--port', bad]);
    assertUsageError(res, 'serve', /--port must be an integer from 0 to 65535 \(0 = any free port\)/);
    assert.ok(res.lines[0]!.includes(JSON.stringify(bad)), `names the value: ${res.lines[0]}`);
  }
  assertUsageError(cli(['serve', '--config', 'x.yaml', '--port=-1']), 'serve', /--port must be an integer from 0 to 65535 .*"-1"/);
  assertUsageError(cli(['demo', '--port', '70000']), 'demo', /--port must be an integer from 0 to 65535/);
  assertUsageError(cli(['simulate', 'all', '--port', '-1']), 'simulate', /--port must be an integer from 0 to 65535/);
  // The refusal comes before the config is read: the file does not exist and is not reported.
  assert.doesNotMatch(cli(['serve', '--config', join(tmpdir(), 'no-such-staffgraph.yaml'), '--port', '70000']).stderr, /cannot be read/);
  // A huge value is cut, not echoed.
  const long = cli(['serve', '--config', 'x.yaml', '--port', '9'.repeat(5000)]);
  assertUsageError(long, 'serve', /--port must be .*"9{20}…"/);
  assert.ok(long.stderr.length < 200, `bounded: ${long.stderr.length} characters`);
  // simulate's consecutive ports must all fit.
  assertUsageError(cli(['simulate', 'all', '--port', '65533']), 'simulate', /--port 65533 leaves no room for 5 simulators .*at most 65531, or 0/);
});

test('--users, --seed and --latency-ms are refused end to end, each named', () => {
  assertUsageError(cli(['demo', '--users', '100001']), 'demo', /--users must be an integer from 0 to 100000/);
  assertUsageError(cli(['simulate', 'all', '--seed', 'seven']), 'simulate', /--seed must be an integer from 0 to 4294967295/);
  assertUsageError(cli(['simulate', 'opendental', '--latency-ms', '60001']), 'simulate', /--latency-ms must be an integer from 0 to 60000/);
});

test('intOption takes decimal digits within each option\'s bounds, nothing else', () => {
  const ok: Array<[Parameters<typeof intOption>[1], string, number]> = [
    ['port', '0', 0],
    ['port', '65535', 65535],
    ['port', '04000', 4000],
    ['users', '100000', 100000],
    ['seed', '4294967295', 4294967295],
    ['latency-ms', '60000', 60000],
  ];
  for (const [name, value, want] of ok) assert.equal(intOption({ [name]: value }, name, 'demo'), want, `${name} ${value}`);
  assert.equal(intOption({}, 'port', 'demo'), undefined, 'not given');
  const bad: Array<[Parameters<typeof intOption>[1], string]> = [
    ['port', '65536'], ['port', '-1'], ['port', 'abc'], ['port', '1.5'], ['port', '1e3'], ['port', '0x10'], ['port', ' 80'], ['port', ''], ['port', '9'.repeat(400)],
    ['users', '100001'], ['users', '-5'],
    ['seed', '4294967296'],
    ['latency-ms', '60001'], ['latency-ms', '2.5'],
  ];
  for (const [name, value] of bad) {
    assert.throws(
      () => intOption({ [name]: value }, name, 'demo'),
      (e: unknown) => e instanceof UsageError && e.command === 'demo' && e.message.startsWith(`--${name} must be an integer from 0 to `) && e.message.length < 120,
      `${name} ${JSON.stringify(value.slice(0, 30))}`,
    );
  }
});

test('a config problem found twice is printed once, in order, with exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-cli-usage-'));
  const file = join(dir, 'twice.yaml');
  // The same unset variable twice in one value: the loader reports that key's problem twice.
  writeFileSync(
    file,
    'server: { host: 127.0.0.1 }\nauth: { mode: none }\nsources:\n' +
      '  - { id: kare, vendor: icure, baseUrl: "http://127.0.0.1:1", auth: { username: "${SG_TEST_UNSET}", password: "${SG_TEST_UNSET_PW}${SG_TEST_UNSET_PW}" } }\n',
  );
  const env = { ...process.env };
  delete env.SG_TEST_UNSET;
  delete env.SG_TEST_UNSET_PW;
  const res = cli(['serve', '--config', file], env);
  assert.equal(res.status, 2, res.stderr);
  assert.equal(res.lines[0], 'staffgraph: invalid configuration:');
  const problems = res.lines.filter((l) => l.startsWith('  - '));
  assert.equal(problems.filter((l) => l.includes('SG_TEST_UNSET_PW is not set')).length, 1, res.stderr);
  assert.equal(new Set(problems).size, problems.length, 'no line repeats');
  // Distinct problems stay, in the order found: the username's before the password's.
  const user = problems.findIndex((l) => l.includes('auth.username: environment variable SG_TEST_UNSET is not set'));
  const pass = problems.findIndex((l) => l.includes('auth.password: environment variable SG_TEST_UNSET_PW is not set'));
  assert.ok(user !== -1 && pass > user, res.stderr);
  assert.doesNotMatch(res.stderr, /see staffgraph/, 'a config problem is not a usage error');
});

test('uniqueLines keeps the first of each line, in order', () => {
  assert.deepEqual(uniqueLines(['b', 'a', 'b', 'c', 'a']), ['b', 'a', 'c']);
  assert.deepEqual(uniqueLines([]), []);
  assert.deepEqual(uniqueLines(['x: one', 'y: one']), ['x: one', 'y: one'], 'the same problem at two keys is two lines');
});
