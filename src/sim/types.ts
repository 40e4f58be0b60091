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
 */
export interface FaultSpec {
  kind: 'status' | 'rate-limit' | 'malformed-json' | 'drop' | 'slow-body' | 'latency';
  method?: string;
  path?: string;
  skip?: number;
  times?: number;
  rate?: number;
  /** kind=status: the status to answer (default 500) and an optional body (JSON). */
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
}
