import type { ResilienceSettings } from '../core/connector';
import { stripUndefined } from '../core/objects';

/** Defaults for a source's `resilience` block (docs/resilience.md; docs/resilience.md says why each). */
export const RESILIENCE_DEFAULTS: Required<ResilienceSettings> = {
  retries: 2, // a blip (one reset, one 503) is absorbed; a third failure in a row is an outage
  retryBaseMs: 100, // 100 ms, then 200 ms (jittered): short next to the 20 s request deadline
  breakerFailures: 5, // five vendor failures in a row open the breaker
  breakerCooldownMs: 10_000, // then ten seconds of fast SOURCE_UNAVAILABLE before one probe
  maxResponseBytes: 5 * 1024 * 1024, // 5 MiB: the largest documented page (iCure, 1000 users) is ~1 MiB
};

export function resilienceSettings(configured: ResilienceSettings | undefined): Required<ResilienceSettings> {
  return { ...RESILIENCE_DEFAULTS, ...stripUndefined(configured ?? {}) };
}
