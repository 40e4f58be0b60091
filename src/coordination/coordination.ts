import { Redis } from 'ioredis';
import type { Logger } from '../core/logger';

/**
 * What several gateway instances share (docs/instances.md): vendor start spacing, vendor
 * credentials and the mirror leases. With `redis.url` it lives in Redis; without it, each process
 * keeps its own (the single-instance default). When Redis stops answering, every operation falls
 * back to the process's own behaviour at once (never blocks a request on Redis) and says so in the
 * log and in /readyz; it switches back when Redis answers again.
 */
export interface Coordination {
  /** "redis" when configured, "local" otherwise. */
  readonly mode: 'redis' | 'local';
  /** False while Redis is configured but not answering (the process is on its own limits). */
  healthy(): boolean;
  /**
   * Reserves the next start slot of `key`, spaced `intervalMs` after the previous reservation by any
   * instance, and answers how long to wait for it (0: now). Null: no shared spacing (local mode, or
   * Redis down): the caller's own limiter is all there is.
   */
  reserveSlot(key: string, intervalMs: number): Promise<number | null>;
  /** A shared value (a vendor credential), or null when absent or not shared. */
  get(key: string): Promise<string | null>;
  /** Stores a shared value for `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** How long a shared value has left, ms (null: absent, or not shared). */
  ttl(key: string): Promise<number | null>;
  /** Deletes a shared value if it still equals `value`. */
  deleteIf(key: string, value: string): Promise<void>;
  /**
   * Takes or renews a lease on `key` for `ttlMs` as `holder`: true while this holder has it. In
   * local mode always true (one process holds everything).
   */
  lease(key: string, holder: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export class LocalCoordination implements Coordination {
  readonly mode = 'local' as const;
  healthy(): boolean {
    return true;
  }
  async reserveSlot(): Promise<number | null> {
    return null;
  }
  async get(): Promise<string | null> {
    return null;
  }
  async set(): Promise<void> {}
  async ttl(): Promise<number | null> {
    return null;
  }
  async deleteIf(): Promise<void> {}
  async lease(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

/**
 * The next slot, atomically: max(now, the stored next start) is this caller's start, and the stored
 * value moves one interval past it. Redis's own clock (TIME) is the only clock, so instances with
 * skewed clocks still space correctly. The key expires once nobody has reserved for a while.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local nextAt = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, nextAt)
redis.call('SET', KEYS[1], start + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) * 2 + 60000)
return start - now
`;

/** SET NX, or renew when this holder already has it. */
const LEASE = `
local cur = redis.call('GET', KEYS[1])
if cur == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[2]))
  return 1
end
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
return 0
`;

const DELETE_IF = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class RedisCoordination implements Coordination {
  readonly mode = 'redis' as const;
  private readonly redis: Redis;
  private up = false;
  private reported: boolean | null = null;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    this.redis = new Redis(url, {
      // Never queue a command while disconnected, never retry one: a request must not wait on Redis.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1_000,
      commandTimeout: 500,
      lazyConnect: true,
      // Reconnect for ever, backing off to 2 s: Redis coming back is picked up without a restart.
      retryStrategy: (times) => Math.min(2_000, 100 * times),
    });
    this.redis.on('ready', () => this.state(true));
    this.redis.on('end', () => this.state(false));
    this.redis.on('close', () => this.state(false));
    this.redis.on('error', () => this.state(false)); // the reason goes nowhere: it may hold the URL
  }

  /** Connects (waits at most connectTimeout); a Redis that is down at start is reported, not fatal. */
  async start(): Promise<void> {
    await this.redis.connect().catch(() => this.state(false));
  }

  private state(up: boolean): void {
    this.up = up;
    if (this.reported === up) return;
    this.reported = up;
    if (up) this.logger.info('redis_available', {});
    else this.logger.warn('redis_unavailable', { fallback: 'per-instance limits, credentials and mirror refreshes' });
  }

  healthy(): boolean {
    return this.up;
  }

  private async run<T>(fallback: T, op: () => Promise<T>): Promise<T> {
    if (!this.up) return fallback;
    try {
      return await op();
    } catch {
      this.state(this.redis.status === 'ready');
      return fallback;
    }
  }

  reserveSlot(key: string, intervalMs: number): Promise<number | null> {
    return this.run<number | null>(null, async () => Number(await this.redis.eval(RESERVE, 1, `${this.prefix}slot:${key}`, intervalMs)));
  }

  get(key: string): Promise<string | null> {
    return this.run<string | null>(null, () => this.redis.get(`${this.prefix}${key}`));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.run(undefined, async () => {
      await this.redis.set(`${this.prefix}${key}`, value, 'PX', Math.max(1, Math.round(ttlMs)));
    });
  }

  ttl(key: string): Promise<number | null> {
    return this.run<number | null>(null, async () => {
      const ms = await this.redis.pttl(`${this.prefix}${key}`);
      return ms > 0 ? ms : null;
    });
  }

  deleteIf(key: string, value: string): Promise<void> {
    return this.run(undefined, async () => {
      await this.redis.eval(DELETE_IF, 1, `${this.prefix}${key}`, value);
    });
  }

  /** Redis down: true, as every other fallback: each instance refreshes its own mirrors again. */
  lease(key: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.run(true, async () => Number(await this.redis.eval(LEASE, 1, `${this.prefix}lease:${key}`, holder, ttlMs)) === 1);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
