import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import type { GqlResponse } from '../support/stack';
import type { LoggedRequest } from '../../src/sim/types';
export { sample } from '../support/metrics-text';

/**
 * Shared by the resilience tier (test/e2e/resilience-*.test.ts): the matrix every case adds a row
 * to, the /metrics sample reader, and a clock. Not a test file itself.
 */

export interface MatrixRow {
  /** What the vendor did, e.g. "500 then 200 on GET". */
  case: string;
  /** The GraphQL error code(s) the client saw, "—" for none. */
  code: string;
  /** Vendor attempts as the simulator's request log counted them (or the gateway's metrics, said so). */
  attempts: string;
  /** Wall time of the GraphQL request, ms. */
  ms: number;
}

/**
 * The resilience matrix of one test file: each test adds its row, and the file's `after()` prints
 * it as a Markdown table (and appends it to $RESILIENCE_MATRIX_FILE when set, for the report).
 */
export class Matrix {
  private readonly rows: MatrixRow[] = [];

  constructor(readonly title: string) {}

  add(row: MatrixRow): void {
    this.rows.push(row);
  }

  print(): void {
    const lines = [`### ${this.title}`, '', '| case | error code | vendor attempts | time (ms) |', '|---|---|---|---|'];
    for (const r of this.rows) lines.push(`| ${r.case} | ${r.code} | ${r.attempts} | ${r.ms} |`);
    const text = lines.join('\n') + '\n';
    console.log(text);
    if (process.env.RESILIENCE_MATRIX_FILE) appendFileSync(process.env.RESILIENCE_MATRIX_FILE, text + '\n');
  }
}

/** Runs `fn` and measures it, in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t0 };
}

/** The error codes of a response, in order, "—" when none. */
export function codes(res: GqlResponse): string {
  const errors = res.body.errors ?? [];
  return errors.length ? errors.map((e) => e.extensions?.code).join(', ') : '—';
}

/** Asserts exactly one GraphQL error, with this code, source and path; returns it. */
export function oneError(res: GqlResponse, code: string, source: string, path: Array<string | number>) {
  const errors = res.body.errors ?? [];
  assert.equal(errors.length, 1, `one error, got ${JSON.stringify(errors)}`);
  const e = errors[0]!;
  assert.equal(e.extensions?.code, code);
  assert.equal(e.extensions?.source, source);
  assert.deepEqual(e.path, path);
  return e;
}

/** Logged vendor requests with this method whose path matches. */
export function matching(log: LoggedRequest[], method: string, path: RegExp): LoggedRequest[] {
  return log.filter((r) => r.method === method && path.test(r.path));
}

export async function scrape(gatewayUrl: string): Promise<string> {
  const res = await fetch(new URL('/metrics', gatewayUrl));
  assert.equal(res.status, 200);
  return res.text();
}

/** Polls `check` every 20 ms until it holds, for at most `ms`. */
export async function until(what: string, check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
