import { isIP } from 'node:net';

/**
 * Whether a listen host only accepts connections from this machine. `auth.mode: none` is allowed
 * only then (docs/callers-and-limits.md): anyone who reaches a non-loopback port would hold every scope.
 * "0.0.0.0", "::" and every other address are not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h);
  return false;
}
