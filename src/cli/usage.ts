import { SCOPES } from '../auth/caller';
import { INT_OPTIONS } from './args';

/**
 * The CLI's help texts: `staffgraph --help` prints the overview, `staffgraph <command> --help`
 * that command's own usage. Usage errors never print these (one line pointing here instead).
 */
export const COMMANDS = ['demo', 'serve', 'check', 'simulate', 'apikey', 'audit', 'schema'] as const;
export type Command = (typeof COMMANDS)[number];

export function isCommand(name: string): name is Command {
  return (COMMANDS as readonly string[]).includes(name);
}

const range = (name: keyof typeof INT_OPTIONS) => `0–${INT_OPTIONS[name].max}`;

/** The variables serve and demo read (docs/observability.md). */
const ENVIRONMENT = `Environment:
  LOG_LEVEL          debug, info, warn or error (default info): JSON lines on stderr
  OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME …
                     OpenTelemetry traces, off unless one of the first two is set`;

/** The simulator options shared by demo and simulate. */
const SIM_OPTIONS = `  --users N          seeded users per simulator, ${range('users')} (default: a few hundred)
  --seed N           PRNG seed for the seeded data, ${range('seed')} (default 1): the same N gives the same users
  --latency-ms N     added to every simulated vendor call, ${range('latency-ms')} ms (default 0)`;

export function commandUsage(command: Command, vendors: readonly string[]): string {
  switch (command) {
    case 'demo':
      return `usage: staffgraph demo [--port N] [--users N] [--seed N] [--latency-ms N] [--data DIR]

Starts every vendor simulator with seeded data on loopback and the gateway against them, with
auth mode none (every request is an anonymous caller holding every scope) and the audit trail
on stdout.

  --port N           the gateway's port, ${range('port')} (0 = any free port; default 4000)
${SIM_OPTIONS}
  --data DIR         keep the embedded store in DIR across restarts (default: a temporary folder)

${ENVIRONMENT}
`;
    case 'serve':
      return `usage: staffgraph serve --config FILE [--port N]

Runs the gateway against the sources in FILE (YAML; see Configuration in the README).

  --config FILE      the gateway config (default: $STAFFGRAPH_CONFIG; one of them is required)
  --port N           overrides server.port, ${range('port')} (0 = any free port)

${ENVIRONMENT}
  LOG_LEVEL overrides server.logLevel.

Exit codes: 1 usage error, 2 invalid configuration (one line per problem).
`;
    case 'check':
      return `usage: staffgraph check --config FILE [--timeout-ms N]

Validates FILE as serve does, then signs in to every source at once (each one's health check: a
cheap authenticated call). Prints one line per source, in configured order:
  ok   <id> (<vendor>) <ms> ms
  FAIL <id> (<vendor>) <code>: <message>
Starts no server and opens no store, so it can run next to a running gateway.

  --config FILE      the gateway config (default: $STAFFGRAPH_CONFIG; one of them is required)
  --timeout-ms N     how long each source gets, 1–600000 ms (default 10000, ten seconds)

Exit codes: 0 every source passed, 1 a source failed (or a usage error), 2 invalid configuration.
`;
    case 'simulate':
      return `usage: staffgraph simulate <${vendors.join('|')}|all> [--port N] [--users N] [--seed N]
                           [--latency-ms N] [--write-config FILE]

Runs vendor simulators only, on loopback, until Ctrl+C.

  --port N           the first simulator's port, ${range('port')}; the next ones take N+1, N+2, …
                     (0 = any free ports; default: each vendor's own, 7101…, or a free one if taken)
${SIM_OPTIONS}
  --write-config FILE  write a gateway config with the simulators' credentials (mode 0600)
`;
    case 'apikey':
      return `usage: staffgraph apikey create --name NAME --scopes SCOPE[,SCOPE…] [--sources SOURCE[,SOURCE…]]

Prints a new API key once, then the line to paste under auth.apiKeys (it holds only the key's hash).

  --name NAME        1–63 letters, digits, ".", "_" or "-", starting with a letter or digit
  --scopes LIST      comma-separated scopes: ${SCOPES.join(', ')}
  --sources LIST     comma-separated source ids the key may reach (default: every source)
`;
    case 'audit':
      return `usage: staffgraph audit export --config FILE [--since ISO-TIME] --format jsonl|fhir

Writes the audit trail in the config's store to stdout, oldest first, without changing the store
(with the embedded store, stop \`serve\` first: the folder is locked while a gateway holds it).

  --config FILE      the gateway config whose store holds the trail
  --since ISO-TIME   only events at or after this time, e.g. 2024-01-31T00:00:00Z (default: all)
  --format FORMAT    jsonl (one event per line) or fhir (a FHIR R4 Bundle of AuditEvent resources)
`;
    case 'schema':
      return `usage: staffgraph schema [--federation]

Prints the GraphQL SDL the gateway serves (npm run schema rewrites schema/schema.graphql).
  --federation       the Apollo Federation 2 subgraph SDL instead (server.federation: true;
                     checked in as schema/subgraph.graphql)
`;
  }
}

export function overviewUsage(vendors: readonly string[]): string {
  return `staffgraph — one GraphQL API over clinical vendors' user APIs

  staffgraph demo [--port 4000] [--users N] [--seed N] [--latency-ms N] [--data DIR]
      Starts every vendor simulator with seeded data on loopback and the gateway against them.
  staffgraph serve --config FILE [--port N]       (or STAFFGRAPH_CONFIG=FILE)
      Runs the gateway against the sources in FILE.
  staffgraph check --config FILE [--timeout-ms N]
      Validates FILE and signs in to each source; one line per source, exit 0 if all pass.
  staffgraph simulate <${vendors.join('|')}|all> [--port N] [--users N] [--seed N]
                      [--latency-ms N] [--write-config FILE]
      Runs simulators only; --write-config writes a gateway config with their credentials.
  staffgraph apikey create --name N --scopes users:read,users:write [--sources a,b]
      Prints a new API key once, and the auth.apiKeys line (with its hash only) for the config.
  staffgraph audit export --config FILE [--since ISO-TIME] --format jsonl|fhir
      Writes the audit trail: JSON lines, or FHIR R4 AuditEvent resources in a Bundle.
  staffgraph schema
      Prints the GraphQL SDL.

  staffgraph <command> --help    that command's options
  staffgraph --version           the version
`;
}
