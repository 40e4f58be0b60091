import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * CWS request signatures (docs.coremr.com/ws/security): RSA over the raw body for POST/PUT and
 * over the empty string for GET (and, docs/architecture.md §9, DELETE), base64 in
 * `Authorization: ALGORITHM Access=USER, Signature=SIGNATURE` (no part escaped).
 * The padding is not stated; the vendor's PHP/Node examples use the library defaults, which for
 * an RSA key is PKCS#1 v1.5 — deterministic, so one signature of "" serves every GET and DELETE.
 */
export const CWS_ALGORITHMS = ['CWS-SHA1', 'CWS-SHA256'] as const;
export type CwsAlgorithm = (typeof CWS_ALGORITHMS)[number];

const HASH: Record<CwsAlgorithm, string> = { 'CWS-SHA1': 'sha1', 'CWS-SHA256': 'sha256' };

export function cwsSign(content: string | Buffer, privateKey: KeyObject, algorithm: CwsAlgorithm): string {
  return sign(HASH[algorithm], typeof content === 'string' ? Buffer.from(content, 'utf8') : content, privateKey).toString('base64');
}

export function cwsHeader(algorithm: CwsAlgorithm, keyUser: string, signature: string): string {
  return `${algorithm} Access=${keyUser}, Signature=${signature}`;
}

export interface ParsedCwsHeader {
  algorithm: CwsAlgorithm;
  keyUser: string;
  signature: Buffer;
}

// Strict on the documented layout; the single space after the comma is tolerated as 0..n spaces.
const HEADER_RE = /^(CWS-SHA1|CWS-SHA256) Access=([^,\s]+), *Signature=([A-Za-z0-9+/]+={0,2})$/;

export function parseCwsHeader(value: string | undefined): ParsedCwsHeader | null {
  if (!value) return null;
  const m = HEADER_RE.exec(value);
  if (!m) return null;
  return { algorithm: m[1] as CwsAlgorithm, keyUser: m[2]!, signature: Buffer.from(m[3]!, 'base64') };
}

export function cwsVerify(content: Buffer, header: ParsedCwsHeader, publicKey: KeyObject): boolean {
  try {
    return verify(HASH[header.algorithm], content, publicKey, header.signature);
  } catch {
    return false;
  }
}

export function publicKeyFromPem(pem: string): KeyObject {
  return createPublicKey(pem);
}
