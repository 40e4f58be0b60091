import './production-env'; // first: see the file
import 'reflect-metadata';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfigFile } from '../config/config';
import { createLogger, type LogLevel } from '../core/logger';
import { effectiveLogLevel } from '../observability/logger';
import { startTracing } from '../observability/otel';
import { checkLine, checkSources, timeoutOption } from './check';
import { VENDORS, findVendor } from '../vendors/registry';
import { configForSimulators, startApp } from '../app';
import { buildGatewaySchema, schemaSdl } from '../schema/build';
import { buildFederatedSchema, subgraphSdl } from '../schema/federation';
import { sourceIdFor, startSimulators, writeSimulatorConfig } from './simulators';
import { apikeyCommand } from './apikey';
import { auditExportCommand } from './audit-export';
import { openStore } from '../store/open-store';
import { UsageError, intOption, packageVersion, parseCommandArgs, shown, uniqueLines, usageLine, wantsHelp } from './args';
import { commandUsage, isCommand, overviewUsage } from './usage';

const VENDOR_NAMES = VENDORS.map((v) => v.vendor);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    const version = packageVersion();
    if (version === undefined) throw new Error('package.json not found');
    process.stdout.write(`staffgraph ${version}\n`);
    return 0;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    // `staffgraph help serve` is `staffgraph serve --help`.
    const topic = command === 'help' ? rest[0] : undefined;
    if (topic !== undefined && !isCommand(topic)) throw new UsageError(`unknown command ${shown(topic)}`);
    process.stdout.write(topic === undefined ? overviewUsage(VENDOR_NAMES) : commandUsage(topic, VENDOR_NAMES));
    return 0;
  }
  if (command === undefined) throw new UsageError('no command given');
  if (!isCommand(command)) throw new UsageError(command.startsWith('-') ? `unknown option ${shown(command)}` : `unknown command ${shown(command)}`);
  if (wantsHelp(rest)) {
    process.stdout.write(commandUsage(command, VENDOR_NAMES));
    return 0;
  }
  switch (command) {
    case 'demo':
      return demo(rest);
    case 'serve':
      return serve(rest);
    case 'simulate':
      return simulate(rest);
    case 'apikey':
      return apikey(rest);
    case 'audit':
      return audit(rest);
    case 'check':
      return check(rest);
    case 'schema':
      {
        // --federation is the one flag without a value in the CLI.
        const federation = rest.includes('--federation');
        parseCommandArgs('schema', rest.filter((a) => a !== '--federation'), {});
        process.stdout.write(federation ? subgraphSdl(await buildFederatedSchema(VENDOR_NAMES)) : schemaSdl(await buildGatewaySchema(VENDOR_NAMES)));
      }
      return 0;
  }
}

async function demo(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('demo', args, { port: STRING, users: STRING, seed: STRING, 'latency-ms': STRING, data: STRING });
  // Every argument is checked before anything starts.
  const port = intOption(values, 'port', 'demo') ?? 4000;
  const simOptions = { users: intOption(values, 'users', 'demo'), seed: intOption(values, 'seed', 'demo'), latencyMs: intOption(values, 'latency-ms', 'demo') };
  const logger = createLogger(logLevelFor('demo', 'info'));
  const sims = await startSimulators(VENDORS, simOptions);
  const stopTracing = startTracing(process.env, logger, packageVersion());
  const config = configForSimulators(
    sims.map((sim, i) => ({ id: sourceIdFor(VENDORS[i]!), sim, name: `${VENDORS[i]!.displayName} (simulator)` })),
    { port },
  );
  // The demo's store is a temporary folder unless --data names one (then it survives restarts).
  const dataDir = values.data ?? mkdtempSync(join(tmpdir(), 'staffgraph-demo-'));
  config.store = { path: resolve(dataDir), postgres: null };
  config.audit = { stream: 'stdout', reads: false };
  // People are linked over the mirrors (docs/people.md): the demo mirrors every source.
  config.sources.forEach((s, i) => Object.assign(s, { mirror: { enabled: true, refreshSeconds: 300, share: 0.5 }, organization: sims[i]!.organization ?? s.id }));
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
  await stopTracing();
  return 0;
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('serve', args, { config: STRING, port: STRING });
  // A bad --port is a usage error even when the config has problems too.
  const port = intOption(values, 'port', 'serve');
  const file = values.config ?? process.env.STAFFGRAPH_CONFIG;
  if (!file) throw new UsageError('serve needs --config FILE (or STAFFGRAPH_CONFIG)', 'serve');
  logLevelFor('serve', 'info'); // a bad LOG_LEVEL is reported even when the config has problems too
  const config = loadConfigFile(file, VENDORS);
  if (port !== undefined) config.server.port = port;
  const logger = createLogger(logLevelFor('serve', config.server.logLevel));
  const stopTracing = startTracing(process.env, logger, packageVersion());
  const app = await startApp(config, VENDORS, logger);
  logger.info('listening', { url: app.url, sources: config.sources.length, auth: config.auth.mode, introspection: config.server.introspection });
  process.stdout.write(`staffgraph serving ${config.sources.length} source(s) at ${app.url}\n`);
  if (config.auth.mode === 'none') process.stdout.write('auth: none — loopback only; every request holds every scope.\n');
  await untilSignal();
  logger.info('draining', { graceMs: config.server.shutdownGraceMs });
  // /readyz goes 503 and new requests get 503 SHUTTING_DOWN; in-flight ones get the grace. A second signal stops at once.
  await Promise.race([app.drain(config.server.shutdownGraceMs), untilSignal()]);
  await app.close();
  // After the last request: its spans are flushed with the rest.
  await stopTracing();
  return 0;
}

/**
 * Validates the config (the same problems, exit 2, as serve) and signs in to every source: one
 * line per source on stdout, exit 0 only if every one passed. No store, no HTTP server. Vendor
 * warnings (vendor_auth_failed …) go to stderr only at LOG_LEVEL=warn or below; the lines say it.
 */
async function check(args: string[]): Promise<number> {
  const { values } = parseCommandArgs('check', args, { config: STRING, 'timeout-ms': STRING });
  const timeoutMs = timeoutOption(values['timeout-ms']);
  const file = values.config ?? process.env.STAFFGRAPH_CONFIG;
  if (!file) throw new UsageError('check needs --config FILE (or STAFFGRAPH_CONFIG)', 'check');
  const logger = createLogger(logLevelFor('check', 'error'));
  const config = loadConfigFile(file, VENDORS);
  const results = await checkSources(config, VENDORS, { timeoutMs, logger });
  process.stdout.write(results.map((r) => checkLine(r, timeoutMs) + '\n').join(''));
  return results.every((r) => r.ok) ? 0 : 1;
}

/** LOG_LEVEL over the command's level; a bad value is a usage error (one line, exit 1). */
function logLevelFor(command: string, configured: LogLevel): LogLevel {
  try {
    return effectiveLogLevel(configured);
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message, command);
    throw err;
  }
}

async function simulate(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('simulate', args, { port: STRING, users: STRING, seed: STRING, 'latency-ms': STRING, 'write-config': STRING }, 1);
  const which = positionals[0];
  if (!which) throw new UsageError('simulate needs a vendor name or "all"', 'simulate');
  const vendors = which === 'all' ? VENDORS : [findVendor(which)].filter((v) => v !== undefined);
  if (vendors.length === 0) throw new UsageError(`unknown vendor ${shown(which)} (known: ${VENDOR_NAMES.join(', ')}, all)`, 'simulate');
  const basePort = intOption(values, 'port', 'simulate');
  // Simulators take consecutive ports from --port: the last one must still be a port.
  const lastPort = (basePort ?? 0) + vendors.length - 1;
  if (basePort && lastPort > 65_535) {
    throw new UsageError(`--port ${basePort} leaves no room for ${vendors.length} simulators (ports ${basePort}–${lastPort}); use at most ${65_536 - vendors.length}, or 0`, 'simulate');
  }
  const sims = await startSimulators(vendors, {
    basePort,
    users: intOption(values, 'users', 'simulate'),
    seed: intOption(values, 'seed', 'simulate'),
    latencyMs: intOption(values, 'latency-ms', 'simulate'),
  });
  sims.forEach((s, i) => process.stdout.write(`${vendors[i]!.vendor.padEnd(22)} ${s.baseUrl}\n`));
  const out = values['write-config'];
  if (out) {
    writeSimulatorConfig(out, sims.map((sim, i) => ({ id: sourceIdFor(vendors[i]!), sim })));
    process.stdout.write(`gateway config written to ${out} (run: staffgraph serve --config ${out})\n`);
  }
  process.stdout.write('Press Ctrl+C to stop.\n');
  await untilSignal();
  await Promise.all(sims.map((s) => s.close()));
  return 0;
}

/**
 * apikey.ts parses its own arguments and prints a failure with its usage line after it. The
 * arguments are checked here first, so each usage error is our one line; what apikey still
 * refuses (a bad name, scope or source id) comes back as its first line, sent to stderr.
 */
async function apikey(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('apikey', args, { name: STRING, scopes: STRING, sources: STRING }, 1);
  if (positionals[0] !== 'create') throw new UsageError(positionals[0] === undefined ? 'apikey needs a subcommand: create' : `unknown apikey subcommand ${shown(positionals[0])} (known: create)`, 'apikey');
  for (const name of ['name', 'scopes'] as const) if (values[name] === undefined) throw new UsageError(`apikey create needs --${name}`, 'apikey');
  // Held until the exit code is known: on success they are the key and its config line (stdout).
  const lines: string[] = [];
  const code = await apikeyCommand(args, (line) => lines.push(line));
  if (code !== 0) throw new UsageError(lines[0] ?? 'apikey create failed', 'apikey');
  process.stdout.write(lines.map((l) => l + '\n').join(''));
  return 0;
}

/** As apikey: audit-export.ts's own failures (message, then its usage line) become our one line. */
async function audit(args: string[]): Promise<number> {
  parseCommandArgs('audit', args, { config: STRING, since: STRING, format: STRING }, 1);
  // Messages only (the export goes to stdout as it is read); on success that is the final count.
  const messages: string[] = [];
  const code = await auditExportCommand(args, (chunk) => process.stdout.write(chunk), {
    loadConfig: (f) => loadConfigFile(f, VENDORS),
    // Logs go to stderr, so they never mix with the export on stdout.
    openStore: (s) => openStore(s, { logger: createLogger('warn'), recover: false }),
    err: (text) => messages.push(text),
  });
  if (code !== 0) throw new UsageError(messages.join('') || 'audit export failed', 'audit');
  process.stderr.write(messages.join(''));
  return 0;
}

const STRING = { type: 'string' } as const;

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
      // A problem found twice (the same unset variable twice in one value) is listed once.
      process.stderr.write(`staffgraph: invalid configuration:\n${uniqueLines(err.problems).map((p) => `  - ${p}\n`).join('')}`);
      process.exit(2);
    }
    if (err instanceof UsageError) {
      process.stderr.write(usageLine(err) + '\n');
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
