import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Caller } from './caller';
import type { ApiKeyConfig } from './config';

/**
 * API keys for services (docs/callers-and-limits.md). The config holds only `sha256:<hex>` of each key; a
 * presented key is hashed once and compared with every configured hash in constant time. A key
 * is 32 random bytes, so a plain (unsalted, fast) hash is enough: there is nothing to guess.
 */
export const API_KEY_PREFIX = 'sg_';
/** Longer presented keys are refused without hashing (a real key is 46 characters). */
const MAX_KEY_CHARS = 512;

/** A new key: "sg_" + 32 random bytes in base64url (46 characters). */
export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** "sha256:" + 64 lower-case hex digits of the key's UTF-8 bytes: the form the config stores. */
export function hashApiKey(key: string): string {
  return 'sha256:' + createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface ApiKeyRingDeps {
  /** The comparison; replaceable only so tests can count that every entry is compared. */
  timingSafeEqual?: (a: Buffer, b: Buffer) => boolean;
}

interface Entry {
  digest: Buffer;
  config: ApiKeyConfig;
}

export class ApiKeyRing {
  private readonly entries: readonly Entry[];
  private readonly equal: (a: Buffer, b: Buffer) => boolean;

  /** Built once at start from `auth.apiKeys` (hashes already checked by parseAuthConfig). */
  constructor(keys: readonly ApiKeyConfig[], deps: ApiKeyRingDeps = {}) {
    this.entries = keys.map((config) => ({ digest: Buffer.from(config.hash.slice('sha256:'.length), 'hex'), config }));
    this.equal = deps.timingSafeEqual ?? timingSafeEqual;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The key's caller, or null. Cost: one sha256 plus one 32-byte comparison per configured key. */
  verify(presented: string): Caller | null {
    if (presented === '' || presented.length > MAX_KEY_CHARS) return null;
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    // Every entry is compared, with no early exit, so the time taken says neither which key
    // matched nor whether any did.
    let found: Entry | null = null;
    for (const entry of this.entries) {
      const same = this.equal(digest, entry.digest);
      found = same ? entry : found;
    }
    if (found === null) return null;
    const k = found.config;
    return { kind: 'API_KEY', id: k.name, name: k.name, scopes: new Set(k.scopes), sources: k.sources ? new Set(k.sources) : null };
  }
}
