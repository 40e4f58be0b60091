import DataLoader from 'dataloader';
import { SourceError } from '../core/errors';
import type { Slots } from '../http/semaphore';

/**
 * A per-request DataLoader for vendors without a batch route (docs/kit.md, "per-key loader"):
 * the batch makes one call per key, all at once, each under the source's Semaphore (created once
 * per source, http.maxConcurrency places) with the request's signal — so a cancelled request
 * leaves the queue instead of holding a place. Results come back in key order with an Error per
 * failed key: one user's failure fails only that user. A failed key is forgotten (the rejected
 * promise is not cached), so a later load in the same request may try again; a success is cached
 * for the rest of the request, and listing primes it.
 *
 * `semaphore: null` is for a fetch that takes its own places (several pages per key): holding a
 * place while waiting for more could deadlock the source.
 *
 * A key whose request was cancelled or ran out of time while waiting for a place fails with
 * SOURCE_TIMEOUT for this source (requestSent false: nothing was sent) — whatever the wait rejected
 * with — so the field is reported with its code and source instead of being masked.
 */
export class PerKeyLoader<K, V> {
  private readonly loader: DataLoader<K, V, string>;

  constructor(
    fetch: (key: K) => Promise<V>,
    opts: { sourceId: string; semaphore: Slots | null; signal: AbortSignal; cacheKey?: (key: K) => string },
  ) {
    const one = (key: K): Promise<V> => (opts.semaphore ? opts.semaphore.run(() => fetch(key), opts.signal) : fetch(key));
    const failure = (e: unknown): Error => {
      if (e instanceof SourceError) return e.sourceId ? e : new SourceError(e.code, opts.sourceId, e.message, e.details);
      if (opts.signal.aborted) return new SourceError('SOURCE_TIMEOUT', opts.sourceId, undefined, { requestSent: false });
      return toError(e);
    };
    this.loader = new DataLoader<K, V, string>((keys) => Promise.all(keys.map((k) => one(k).catch(failure))), {
      cacheKeyFn: opts.cacheKey ?? ((k: K) => String(k)),
    });
  }

  async load(key: K): Promise<V> {
    try {
      return await this.loader.load(key);
    } catch (err) {
      this.loader.clear(key);
      throw err;
    }
  }

  /** Every key, in order, each value or its Error (failed keys are forgotten). */
  async loadMany(keys: readonly K[]): Promise<Array<V | Error>> {
    const out = await this.loader.loadMany(keys);
    out.forEach((v, i) => v instanceof Error && this.loader.clear(keys[i]!));
    return out;
  }

  /** Sets the cached value (a listed or just-written record), replacing any earlier one. */
  prime(key: K, value: V): this {
    this.loader.clear(key).prime(key, value);
    return this;
  }

  clear(key: K): this {
    this.loader.clear(key);
    return this;
  }

  clearAll(): this {
    this.loader.clearAll();
    return this;
  }
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error('loader failure');
}
