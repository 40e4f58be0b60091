import { z } from 'zod';

/**
 * Source config (DESIGN §6):
 *   auth:    { username, password, deviceId }  — deviceId defaults to "staffgraph"; validateAccount
 *            requires one and lists it in the account's activeDevices.
 *   options: { organization? }                 — the organization whose users, roles and facilities
 *            this source shows; defaults to the login accountFact's organizationId.
 */
export const DEFAULT_DEVICE_ID = 'staffgraph';

const nonEmpty = z.string().trim().min(1);

const AuthSchema = z.strictObject({
  username: nonEmpty,
  password: z.string().min(1),
  deviceId: nonEmpty.default(DEFAULT_DEVICE_ID),
});
const OptionsSchema = z.strictObject({
  // "/" separates organization and facility in facility ids (mapper.ts), so it cannot be in one.
  organization: nonEmpty.refine((v) => !v.includes('/')).optional(),
});

export type PsAuth = z.output<typeof AuthSchema>;
export type PsOptions = z.output<typeof OptionsSchema>;

type Parsed =
  | { ok: true; auth: Record<string, unknown>; options: Record<string, unknown> }
  | { ok: false; problems: string[] };

export function parseSourceConfig(raw: { auth: unknown; options: unknown }): Parsed {
  const auth = AuthSchema.safeParse(raw.auth ?? {});
  const options = OptionsSchema.safeParse(raw.options ?? {});
  const problems = [...describe('auth', raw.auth, auth), ...describe('options', raw.options, options)];
  if (problems.length || !auth.success || !options.success) return { ok: false, problems };
  return { ok: true, auth: auth.data, options: options.data };
}

/** One line per bad key, built from the key path and the kind of problem — never the value. */
function describe(block: string, raw: unknown, result: { success: boolean; error?: z.ZodError }): string[] {
  if (result.success || !result.error) return [];
  return result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${block}.${k}: unknown key`);
    const key = [block, ...issue.path.map(String)].join('.');
    if (issue.path.length === 0) return [`${block}: must be an object`];
    if (issue.code === 'invalid_type') return [`${key}: ${valueAt(raw, issue.path) === undefined ? 'is required' : 'must be a string'}`];
    if (issue.code === 'too_small') return [`${key}: must not be empty`];
    if (issue.code === 'custom') return [`${key}: must not contain "/"`];
    return [`${key}: is not valid`];
  });
}

/**
 * The typed blocks of a source the core already validated with parseSourceConfig. Throws a
 * constant message (never zod's, which could quote input) if called with an unvalidated config.
 */
function valueAt(raw: unknown, at: PropertyKey[]): unknown {
  let v = raw;
  for (const k of at) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

export function typedConfig(config: { auth: Record<string, unknown>; options: Record<string, unknown> }): { auth: PsAuth; options: PsOptions } {
  const auth = AuthSchema.safeParse(config.auth);
  const options = OptionsSchema.safeParse(config.options ?? {});
  if (!auth.success || !options.success) throw new Error('presentationservices: source config was not validated with parseSourceConfig');
  return { auth: auth.data, options: options.data };
}
