import type { IncomingHttpHeaders } from 'node:http';

export interface SimRequest {
  method: string;
  /** Raw pathname as sent (still percent-encoded). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Raw body bytes (empty Buffer when none). */
  body: Buffer;
  /** Route params, percent-decoded. */
  params: Record<string, string>;
  /** Origin as the client addressed it, e.g. http://127.0.0.1:7103 (for absolute next/previous links). */
  origin: string;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects and arrays are sent as JSON; strings and Buffers as-is (set content-type yourself). */
  body?: unknown;
}

export type SimHandler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

/** One logged vendor request, as tests read it from GET /__sim/requests. */
export interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Status the simulator answered (null when a fault dropped the connection). */
  status: number | null;
  /** The fault applied, if any. */
  fault: string | null;
  /** Vendor requests in flight when this one arrived, itself included (parallelism, without timing). */
  inFlight: number;
  /** Order in which responses completed (1, 2, …); null until answered or when dropped. */
  doneSeq: number | null;
  /**
   * Responses completed before this request arrived. `b.doneBefore < a.doneSeq` means b was sent
   * before a was answered, e.g. a catalog requested in parallel with a list page, not after it.
   */
  doneBefore: number;
}

/**
 * A fault rule (POST /__sim/faults). Matching requests (by method and a regular expression on the
 * pathname) skip the first `skip` matches, then the fault applies to the next `times` matches
 * (default: all), each with probability `rate` (default 1; the draw uses the simulator's seed).
 *
 * Kinds:
 *  - status: answers `status` (default 500) without running the handler (no state change);
 *  - rate-limit: 429 with `Retry-After: retryAfterSeconds`, handler not run;
 *  - malformed-json: 200, application/json, a truncated JSON text, handler not run;
 *  - drop: destroys the socket without an answer, before or after the handler (`when`);
 *  - slow-body: runs the handler, sends the headers and half the body, pauses `latencyMs`, then the rest;
 *  - latency: waits `latencyMs` before the handler, then answers normally;
 *  - html: 200 (or `status`) with `Content-Type: text/html` and an HTML page (a proxy's sign-in or
 *    error page in front of the vendor), handler not run;
 *  - oversized: 200 application/json of exactly `bytes` bytes (default 6 MiB), streamed in 64 KiB
 *    chunks; `chunked` (default true) sends no Content-Length, false declares it up front; the
 *    stream stops as soon as the client closes the socket; handler not run;
 *  - hang: never answers (no status line, no byte): the socket stays open until the client closes
 *    it or the simulator stops; handler not run; logged with status null;
 *  - bad-record: runs the handler, then breaks one record of the first array of objects in the
 *    JSON body (breadth-first; e.g. a list page's items): the element at `index` (default 0) is
 *    replaced by `replaceWith` when given, else by a copy whose every value has the wrong type
 *    (string → 12345, number → "not-a-number", boolean → "not-a-boolean", object/array →
 *    "not-an-object"; null stays null). Non-JSON bodies or bodies without such an array go out as-is.
 */
export interface FaultSpec {
  kind: 'status' | 'rate-limit' | 'malformed-json' | 'drop' | 'slow-body' | 'latency' | 'html' | 'oversized' | 'hang' | 'bad-record';
  method?: string;
  path?: string;
  skip?: number;
  times?: number;
  rate?: number;
  /** kind=status: the status to answer (default 500) and an optional body (JSON). kind=html: the status (default 200). */
  status?: number;
  body?: unknown;
  /** kind=rate-limit: Retry-After seconds (default 1). */
  retryAfterSeconds?: number;
  /** kind=latency: extra delay before handling; kind=slow-body: pause between header and body. */
  latencyMs?: number;
  /**
   * kind=drop: 'before' destroys the socket before the handler runs (no state change);
   * 'after' runs the handler (state changes) and then destroys the socket without answering.
   */
  when?: 'before' | 'after';
  /** kind=oversized: body size in bytes (default 6 MiB = 6291456). */
  bytes?: number;
  /** kind=oversized: true (default) streams without Content-Length; false declares Content-Length: bytes. */
  chunked?: boolean;
  /** kind=bad-record: which element of the record array to break (default 0). */
  index?: number;
  /** kind=bad-record: the value put in the record's place (default: the record with every value of the wrong type). */
  replaceWith?: unknown;
}

/** Every FaultSpec kind, for validating POST /__sim/faults. */
export const FAULT_KINDS: ReadonlyArray<FaultSpec['kind']> = ['status', 'rate-limit', 'malformed-json', 'drop', 'slow-body', 'latency', 'html', 'oversized', 'hang', 'bad-record'];
