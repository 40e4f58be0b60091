import type { GatewayConfig } from '../config/config';
import type { VendorModule } from '../core/connector';
import type { RequestContext } from '../core/context';
import { defaultMessage, type ErrorCode } from '../core/errors';
import type { Logger } from '../core/logger';
import type { SourceHealthRecord } from '../core/model';
import { SourceSet } from '../service/sources';
import { UsageError, shown } from './args';

/** Default for `--timeout-ms`: how long each source gets to answer its sign-in check. */
export const CHECK_TIMEOUT_MS = 10_000;

export interface CheckResult {
  id: string;
  vendor: string;
  ok: boolean;
  ms: number;
  code: string | null;
}

/**
 * `staffgraph check --config FILE` after the file validated: builds the connectors (their pools
 * and token caches, as `serve` would) and asks every source at once for its health — a cheap
 * authenticated call, so a wrong key, a locked service account or an unreachable host shows here
 * before a request does. Opens no store and no HTTP server. Results come in configured order.
 */
export async function checkSources(config: GatewayConfig, vendors: readonly VendorModule[], opts: { timeoutMs: number; logger: Logger }): Promise<CheckResult[]> {
  const sources = SourceSet.create(config, vendors, { logger: opts.logger });
  try {
    return await Promise.all(
      sources.connectors.map(async (c) => {
        const started = Date.now();
        const record = await healthWithin(opts.timeoutMs, (ctx) => c.health(ctx));
        const ms = record.latencyMs ?? Date.now() - started;
        return { id: c.sourceId, vendor: c.vendor, ok: record.status === 'UP', ms, code: record.status === 'UP' ? null : (record.errorCode ?? 'SOURCE_UNAVAILABLE') };
      }),
    );
  } finally {
    await sources.close();
  }
}

/**
 * The check under a deadline. connector.health never throws and honours its context's signal;
 * the race is a second guard, for a check stuck where no signal reaches (a sign-in shared by the
 * connector's requests is bounded only by the source's own requestTimeoutMs).
 */
async function healthWithin(timeoutMs: number, check: (ctx: RequestContext) => Promise<SourceHealthRecord>): Promise<SourceHealthRecord> {
  const ctx: RequestContext = { requestId: 'check', deadlineAt: Date.now() + timeoutMs, signal: AbortSignal.timeout(timeoutMs) };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<SourceHealthRecord>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'DOWN', latencyMs: null, checkedAt: new Date(), errorCode: 'SOURCE_TIMEOUT' }), timeoutMs + 250);
  });
  try {
    return await Promise.race([check(ctx), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One line per source: `ok   <id> (<vendor>) <ms> ms` or `FAIL <id> (<vendor>) <code>: <message>`.
 * The message is the error code's generic one (core/errors.ts): never a URL, credential or
 * vendor body. Ids and vendor names come from the validated config.
 */
export function checkLine(r: CheckResult, timeoutMs: number): string {
  if (r.ok) return `ok   ${r.id} (${r.vendor}) ${Math.round(r.ms)} ms`;
  const code = r.code ?? 'SOURCE_UNAVAILABLE';
  const message = code === 'SOURCE_TIMEOUT' ? `no answer within ${timeoutMs} ms.` : knownMessage(code);
  return `FAIL ${r.id} (${r.vendor}) ${code}: ${message}`;
}

function knownMessage(code: string): string {
  return (defaultMessage(code as ErrorCode) as string | undefined) ?? 'The check failed.';
}

/** Bounds of `--timeout-ms`: at least 1 ms, at most ten minutes. */
export const CHECK_TIMEOUT_MAX_MS = 600_000;

/** `--timeout-ms` (decimal digits only), or the default when not given. */
export function timeoutOption(raw: string | undefined): number {
  if (raw === undefined) return CHECK_TIMEOUT_MS;
  const n = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= CHECK_TIMEOUT_MAX_MS)) throw new UsageError(`--timeout-ms must be an integer from 1 to ${CHECK_TIMEOUT_MAX_MS}, not ${shown(raw)}`, 'check');
  return n;
}
