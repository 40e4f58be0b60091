import type { Logger } from '../core/logger';
import { LocalCoordination, RedisCoordination, type Coordination } from './coordination';

/** The coordination a config asks for: Redis when `redis.url` is set (connected, or reported down), else local. */
export async function openCoordination(redis: { url: string; keyPrefix: string } | null, logger: Logger): Promise<Coordination> {
  if (!redis) return new LocalCoordination();
  const c = new RedisCoordination(redis.url, redis.keyPrefix, logger);
  await c.start();
  return c;
}
