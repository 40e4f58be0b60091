import type { KeyObject } from 'node:crypto';
import type { SimRequest } from '../../../sim/types';
import { cwsVerify, parseCwsHeader, publicKeyFromPem } from '../cws';

/**
 * The install's registry of key users → RSA public keys (docs.coremr.com/ws/security: key users
 * are separate from CorEMR users and unique among active keys). Both CWS-SHA1 and CWS-SHA256 are
 * accepted (docs/architecture.md §9). POST and PUT sign the raw body; GET and DELETE sign the empty string.
 */
export class KeyRegistry {
  private keys = new Map<string, KeyObject>();

  /** Throws when `publicKeyPem` is not a PEM public key. */
  register(keyUser: string, publicKeyPem: string): void {
    this.keys.set(keyUser, publicKeyFromPem(publicKeyPem));
  }

  remove(keyUser: string): boolean {
    return this.keys.delete(keyUser);
  }

  clear(): void {
    this.keys.clear();
  }

  /** null when the request is signed by a registered key, else the reason (for the 401 body). */
  check(req: SimRequest): string | null {
    const raw = req.headers.authorization;
    if (raw === undefined) return 'Missing Authorization header.';
    const header = parseCwsHeader(Array.isArray(raw) ? raw[0] : raw);
    if (!header) return 'Malformed Authorization header.';
    const key = this.keys.get(header.keyUser);
    if (!key) return 'Unknown key user.';
    const signed = req.method === 'POST' || req.method === 'PUT' ? req.body : Buffer.alloc(0);
    return cwsVerify(signed, header, key) ? null : 'Invalid signature.';
  }
}
