import { createPrivateKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { CWS_ALGORITHMS, type CwsAlgorithm } from './cws';

/**
 * The `auth` block of a CorEMR source (docs/architecture.md §6):
 *   auth: { keyUser: gateway, privateKeyFile: ./keys/coremr.pem, algorithm: CWS-SHA256 }
 * - keyUser: the key username registered in the CorEMR install with our public key;
 * - privateKeyFile (a path, relative to the config file's directory) or privateKey (inline PEM):
 *   exactly one; an unencrypted RSA private key, PKCS#1 or PKCS#8;
 * - algorithm: CWS-SHA1 or CWS-SHA256. Defaults to CWS-SHA256 (CWS v2, CorEMR 6.2.0+); a
 *   CorEMR 5.5.11 install speaks only CWS-SHA1.
 * The key is read and parsed here, so a bad key stops start-up with one line; the parsed auth
 * carries a KeyObject (which prints and serialises without its key material), never the PEM.
 * There are no `options`.
 */
export interface CoremrAuth {
  keyUser: string;
  privateKey: KeyObject;
  algorithm: CwsAlgorithm;
}

const AuthSchema = z.strictObject({
  keyUser: z.string().min(1),
  privateKeyFile: z.string().min(1).optional(),
  privateKey: z.string().min(1).optional(),
  algorithm: z.enum(CWS_ALGORITHMS).default('CWS-SHA256'),
});

/** Our own wording per key: zod's defaults are fine but we never want a value echoed. */
const KEY_PROBLEMS: Record<string, string> = {
  keyUser: 'is required: the key username registered in CorEMR (a non-empty string)',
  privateKeyFile: 'must be a non-empty path to a PEM private key file',
  privateKey: 'must be a non-empty inline PEM private key',
  algorithm: `must be one of ${CWS_ALGORITHMS.join(', ')}`,
};

export type ParsedConfig =
  | { ok: true; auth: Record<string, unknown>; options: Record<string, unknown> }
  | { ok: false; problems: string[] };

export function parseSourceConfig(raw: { auth: unknown; options: unknown }, configDir: string): ParsedConfig {
  const problems: string[] = [];
  if (raw.options != null && (typeof raw.options !== 'object' || Object.keys(raw.options).length > 0)) {
    problems.push('options: CorEMR sources take no options');
  }
  const parsed = AuthSchema.safeParse(raw.auth ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) problems.push(`auth.${key}: unknown key`);
      else if (issue.path.length === 0) problems.push('auth: must be an object with keyUser and privateKeyFile or privateKey');
      else problems.push(`auth.${String(issue.path[0])}: ${KEY_PROBLEMS[String(issue.path[0])] ?? 'is invalid'}`);
    }
    return { ok: false, problems };
  }
  const { keyUser, privateKeyFile, privateKey, algorithm } = parsed.data;
  if ((privateKeyFile === undefined) === (privateKey === undefined)) {
    problems.push('auth: set exactly one of privateKeyFile and privateKey');
    return { ok: false, problems };
  }
  let pem = privateKey;
  const keyName = privateKeyFile !== undefined ? 'privateKeyFile' : 'privateKey';
  if (privateKeyFile !== undefined) {
    try {
      pem = readFileSync(resolve(configDir, privateKeyFile), 'utf8');
    } catch (err) {
      problems.push(`auth.privateKeyFile: cannot be read (${(err as { code?: string }).code ?? 'error'})`);
      return { ok: false, problems };
    }
  }
  const key = privateKeyFromPem(pem!);
  if (typeof key === 'string') problems.push(`auth.${keyName}: ${key}`);
  if (problems.length > 0 || typeof key === 'string') return { ok: false, problems };
  const auth: CoremrAuth = { keyUser, privateKey: key, algorithm };
  return { ok: true, auth: { ...auth }, options: {} };
}

/**
 * The connector's view of a parsed `auth` block. Accepts the KeyObject parseSourceConfig produces
 * or an inline PEM (a simulator's `auth`, used directly by tests). Throws on anything else; the
 * message never contains key material.
 */
export function resolveAuth(auth: Record<string, unknown>): CoremrAuth {
  const keyUser = auth.keyUser;
  const algorithm = auth.algorithm ?? 'CWS-SHA256';
  if (typeof keyUser !== 'string' || keyUser === '') throw new Error('coremr auth.keyUser is required');
  if (!(CWS_ALGORITHMS as readonly unknown[]).includes(algorithm)) throw new Error('coremr auth.algorithm is invalid');
  const raw = auth.privateKey;
  const key = raw instanceof KeyObject ? checkKeyObject(raw) : typeof raw === 'string' ? privateKeyFromPem(raw) : 'is required';
  if (typeof key === 'string') throw new Error(`coremr auth.privateKey ${key}`);
  return { keyUser, privateKey: key, algorithm: algorithm as CwsAlgorithm };
}

/** The parsed key, or the problem (never quoting the input). */
function privateKeyFromPem(pem: string): KeyObject | string {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return 'is not an unencrypted PEM private key';
  }
  return checkKeyObject(key);
}

function checkKeyObject(key: KeyObject): KeyObject | string {
  return key.type === 'private' && key.asymmetricKeyType === 'rsa' ? key : 'must be an RSA private key';
}
