import { SourceError } from '../core/errors';
import type { SourceHealthRecord } from '../core/model';

/**
 * `Connector.health` for every vendor (docs/kit.md, "health"): runs one cheap authenticated call
 * and turns its outcome into a SourceHealthRecord. Never throws — a health check that throws
 * would fail the `sources { health }` field instead of reporting the source DOWN. A SourceError
 * keeps its code (SOURCE_AUTH_FAILED, SOURCE_TIMEOUT, …); anything else is INTERNAL_SERVER_ERROR,
 * so no vendor text reaches the caller. `latencyMs` is measured only for a probe that succeeded.
 */
export async function checkHealth(probe: () => Promise<unknown>, now: () => number = Date.now): Promise<SourceHealthRecord> {
  const started = now();
  try {
    await probe();
    return { status: 'UP', latencyMs: now() - started, checkedAt: new Date(), errorCode: null };
  } catch (err) {
    return { status: 'DOWN', latencyMs: null, checkedAt: new Date(), errorCode: err instanceof SourceError ? err.code : 'INTERNAL_SERVER_ERROR' };
  }
}
