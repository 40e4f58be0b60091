import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfigFile } from '../config/config';
import { createLogger, type LogLevel } from '../core/logger';
import { VENDORS, findVendor } from '../vendors/registry';
import { configForSimulators, startApp } from '../app';
import { buildGatewaySchema, schemaSdl } from '../schema/build';
import { sourceIdFor, startSimulators, writeSimulatorConfig } from './simulators';
import { apikeyCommand } from './apikey';
import { auditExportCommand } from './audit-export';
import { openStore } from '../store/open-store';

const USAGE = `staffgraph — one GraphQL API over clinical vendors' user APIs

  staffgraph demo [--port 4000] [--users N] [--seed N] [--latency-ms N] [--data DIR]
      Starts every vendor simulator with seeded data on loopback and the gateway against them.
  staffgraph serve --config FILE [--port N]       (or STAFFGRAPH_CONFIG=FILE)
      Runs the gateway against the sources in FILE.
  staffgraph simulate <${VENDORS.map((v) => v.vendor).join('|')}|all> [--port N] [--users N] [--seed N]
                      [--latency-ms N] [--write-config FILE]
      Runs simulators only; --write-config writes a gateway config with their credentials.
  staffgraph apikey create --name N --scopes users:read,users:write [--sources a,b]
      Prints a new API key once, and the auth.apiKeys line (with its hash only) for the config.
  staffgraph audit export --config FILE [--since ISO-TIME] --format jsonl|fhir
      Writes the audit trail: JSON lines, or FHIR R4 AuditEvent resources in a Bundle.
  staffgraph schema
      Prints the GraphQL SDL.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo':
      return demo(rest);
    case 'serve':
      return serve(rest);
    case 'simulate':
      return simulate(rest);
    case 'apikey':
      return apikeyCommand(rest, (line) => process.stdout.write(line + '\n'));
    case 'audit':
      return auditExportCommand(rest, (chunk) => process.stdout.write(chunk), {
        loadConfig: (f) => loadConfigFile(f, VENDORS),
        // Logs go to stderr, so they never mix with the export on stdout.
        openStore: (s) => openStore(s, { logger: createLogger('warn'), recover: false }),
      });
    case 'schema':
      process.stdout.write(schemaSdl(await buildGatewaySchema(VENDORS.map((v) => v.vendor))));
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
      return 1;
  }
}

function intOption(values: Record<string, unknown>, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer`);
  return n;
}

class UsageError extends Error {}

async function demo(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' }, users: { type: 'string' }, seed: { type: 'string' }, 'latency-ms': { type: 'string' }, data: { type: 'string' } } });
  const logger = createLogger((process.env.LOG_LEVEL as LogLevel) ?? 'info');
  const sims = await startSimulators(VENDORS, { users: intOption(values, 'users'), seed: intOption(values, 'seed'), latencyMs: intOption(values, 'latency-ms') });
  const config = configForSimulators(
    sims.map((sim, i) => ({ id: sourceIdFor(VENDORS[i]!), sim, name: `${VENDORS[i]!.displayName} (simulator)` })),
    { port: intOption(values, 'port') ?? 4000 },
  );
  // The demo's store is a temporary folder unless --data names one (then it survives restarts).
  const dataDir = (values.data as string | undefined) ?? mkdtempSync(join(tmpdir(), 'staffgraph-demo-'));
  config.store = { path: resolve(dataDir), postgres: null };
  config.audit = { stream: 'stdout', reads: false };
  const app = await startApp(config, VENDORS, logger);
  process.stdout.write(`\nstaffgraph demo\n`);
  process.stdout.write(`  store (embedded PostgreSQL): ${config.store.path}${values.data ? '' : ' (temporary; --data DIR keeps it)'}\n`);
  sims.forEach((s, i) => process.stdout.write(`  simulator ${VENDORS[i]!.vendor.padEnd(22)} ${s.baseUrl}\n`));
  process.stdout.write(`\n  GraphQL IDE (open in a browser): ${app.url}\n`);
  process.stdout.write(`  auth: none — listening on loopback only; every request is an anonymous caller holding every scope.\n`);
  process.stdout.write(`        (\`staffgraph serve\` requires callers: see auth in the README.)\n  Press Ctrl+C to stop.\n\n`);
  await untilSignal();
  await app.close();
  await Promise.all(sims.map((s) => s.close()));
  return 0;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { config: { type: 'string' }, port: { type: 'string' } } });
  const file = (values.config as string | undefined) ?? process.env.STAFFGRAPH_CONFIG;
  if (!file) throw new UsageError('serve needs --config FILE (or STAFFGRAPH_CONFIG)');
  const config = loadConfigFile(file, VENDORS);
  const port = intOption(values, 'port');
  if (port !== undefined) config.server.port = port;
  const logger = createLogger(config.server.logLevel);
  const app = await startApp(config, VENDORS, logger);
  logger.info('listening', { url: app.url, sources: config.sources.length, auth: config.auth.mode, introspection: config.server.introspection });
  process.stdout.write(`staffgraph serving ${config.sources.length} source(s) at ${app.url}\n`);
  if (config.auth.mode === 'none') process.stdout.write('auth: none — loopback only; every request holds every scope.\n');
  await untilSignal();
  await app.close();
  return 0;
}

async function simulate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { port: { type: 'string' }, users: { type: 'string' }, seed: { type: 'string' }, 'latency-ms': { type: 'string' }, 'write-config': { type: 'string' } },
  });
  const which = positionals[0];
  if (!which) throw new UsageError('simulate needs a vendor name or "all"');
  const vendors = which === 'all' ? VENDORS : [findVendor(which)].filter((v) => v !== undefined);
  if (vendors.length === 0) throw new UsageError(`unknown vendor "${which}" (known: ${VENDORS.map((v) => v.vendor).join(', ')}, all)`);
  const sims = await startSimulators(vendors, {
    basePort: intOption(values, 'port'),
    users: intOption(values, 'users'),
    seed: intOption(values, 'seed'),
    latencyMs: intOption(values, 'latency-ms'),
  });
  sims.forEach((s, i) => process.stdout.write(`${vendors[i]!.vendor.padEnd(22)} ${s.baseUrl}\n`));
  const out = values['write-config'] as string | undefined;
  if (out) {
    writeSimulatorConfig(out, sims.map((sim, i) => ({ id: sourceIdFor(vendors[i]!), sim })));
    process.stdout.write(`gateway config written to ${out} (run: staffgraph serve --config ${out})\n`);
  }
  process.stdout.write('Press Ctrl+C to stop.\n');
  await untilSignal();
  await Promise.all(sims.map((s) => s.close()));
  return 0;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`staffgraph: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`staffgraph: ${(err as Error).message}\n\n${USAGE}`);
      process.exit(1);
    }
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      process.stderr.write(`staffgraph: port already in use (${(err as { port?: number }).port ?? '?'}); pass --port\n`);
      process.exit(1);
    }
    process.stderr.write(`staffgraph: failed to start (${(err as Error).name})\n`);
    process.exit(1);
  },
);
