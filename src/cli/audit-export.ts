import { parseArgs } from 'node:util';
import type { GatewayConfig } from '../config/config';
import type { Store, StoreConfig } from '../store/types';
import { auditLine } from '../service/audit/audit-stream';
import { toBundleEntry } from '../service/audit/fhir';

/**
 * `staffgraph audit export --config F [--since T] --format jsonl|fhir` (docs/store-and-audit.md): every
 * audit event in the config's store at or after T (all by default), oldest first.
 *
 *  - jsonl: one event per line, the same line as the `audit.stream` copy (auditLine).
 *  - fhir:  one FHIR R4 Bundle (type collection) of AuditEvent resources.
 *
 * Both are streamed from the repository's `scan`, one chunk per batch, so memory stays at one
 * batch whatever the trail's size (the Bundle is written as its opening, the entries, its close).
 * Data goes to `out` only; usage errors and the final count go to `err` (stderr), so a
 * redirected export is never mixed with messages. Returns the exit code; a config the loader
 * rejects throws its ConfigError, which the CLI reports like `serve` does.
 */
export interface AuditExportDeps {
  openStore: (config: StoreConfig) => Promise<Store>;
  loadConfig: (file: string) => GatewayConfig;
  /** Messages (not data). Defaults to stderr. */
  err?: (text: string) => void;
}

const USAGE = 'usage: staffgraph audit export --config FILE [--since 2024-01-31T00:00:00Z] --format jsonl|fhir';
const FORMATS = ['jsonl', 'fhir'] as const;
type Format = (typeof FORMATS)[number];

/** A date, or a date-time with seconds optional and a zone (Z or ±hh:mm) required: no local-time guess. */
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

export async function auditExportCommand(args: string[], out: (chunk: string) => void, deps: AuditExportDeps): Promise<number> {
  const err = deps.err ?? ((text: string) => process.stderr.write(text));
  const fail = (message: string) => {
    err(`${message}\n${USAGE}\n`);
    return 1;
  };
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    return fail((e as Error).message);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'export') return fail('audit takes one subcommand: export');
  if (values.config === undefined) return fail('--config FILE is required');
  if (values.format === undefined || !(FORMATS as readonly string[]).includes(values.format)) return fail('--format must be jsonl or fhir');
  const since = values.since === undefined ? null : parseTimestamp(values.since);
  if (since === undefined) return fail(`--since must be an ISO 8601 timestamp with a time zone, e.g. 2024-01-31T00:00:00Z (got ${JSON.stringify(values.since)})`);

  const config = deps.loadConfig(values.config);
  const store = await deps.openStore(config.store);
  try {
    const count = await exportEvents(store, since, values.format as Format, out);
    err(`audit export: ${count} event(s)${since ? ` since ${since.toISOString()}` : ''}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

async function exportEvents(store: Store, since: Date | null, format: Format, out: (chunk: string) => void): Promise<number> {
  if (format === 'jsonl') {
    return store.audit.scan(since, (events) => {
      if (events.length) out(events.map(auditLine).join(''));
    });
  }
  // The Bundle's opening is written with the first entry: an empty Bundle has no `entry` at all (FHIR allows no empty arrays).
  let written = 0;
  const count = await store.audit.scan(since, (events) => {
    if (!events.length) return;
    const entries = events.map((e) => JSON.stringify(toBundleEntry(e))).join(',');
    out(`${written === 0 ? BUNDLE_OPEN : ','}${entries}`);
    written += events.length;
  });
  out(written === 0 ? `${JSON.stringify({ resourceType: 'Bundle', type: 'collection' })}\n` : ']}\n');
  return count;
}

const BUNDLE_OPEN = '{"resourceType":"Bundle","type":"collection","entry":[';

/** The instant, or undefined when `text` is not a valid ISO 8601 timestamp (2024-02-30 included). */
function parseTimestamp(text: string): Date | undefined {
  const m = ISO_TIMESTAMP.exec(text);
  if (!m) return undefined;
  const at = new Date(m[4] === undefined ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(at.getTime())) return undefined;
  // Date accepts 2024-02-30 as 1 March: the calendar date must survive the round trip.
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  if (Number(m[4] ?? 0) > 23 || Number(m[5] ?? 0) > 59 || Number(m[6] ?? 0) > 59) return undefined;
  return at;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { config: { type: 'string' }, since: { type: 'string' }, format: { type: 'string' } },
  });
}
