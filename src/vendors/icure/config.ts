import { z } from 'zod';

/**
 * The `auth` and `options` blocks of an iCure source.
 *
 *   auth: { username, password, mode?: 'basic' | 'jwt' }   # mode defaults to 'basic'
 *
 * `basic` sends `Authorization: Basic base64(login:password)` on every call (Kraken enables
 * httpBasic). `jwt` logs in once at POST /rest/v2/auth/login and sends `Bearer <token>`,
 * refreshing with the refresh token before expiry. iCure takes no extra options.
 */
export interface IcureAuthConfig {
  username: string;
  password: string;
  mode: 'basic' | 'jwt';
}

const authSchema = z
  .object({
    username: z.string().min(1),
    password: z.string().min(1),
    mode: z.enum(['basic', 'jwt']).default('basic'),
  })
  .strict();

const optionsSchema = z.object({}).strict();

export function parseSourceConfig(raw: { auth: unknown; options: unknown }):
  | { ok: true; auth: Record<string, unknown>; options: Record<string, unknown> }
  | { ok: false; problems: string[] } {
  const auth = authSchema.safeParse(raw.auth ?? {});
  const options = optionsSchema.safeParse(raw.options ?? {});
  const problems = [
    ...(auth.success ? [] : describe('auth', raw.auth ?? {}, auth.error.issues)),
    ...(options.success ? [] : describe('options', raw.options ?? {}, options.error.issues)),
  ];
  if (problems.length || !auth.success) return { ok: false, problems };
  return { ok: true, auth: { ...auth.data }, options: {} };
}

/**
 * One line per problem, naming the key and the rule. Built from issue codes only, never from the
 * rejected value (the password must not reach a log through a config error).
 */
function describe(block: string, raw: unknown, issues: z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const at = [block, ...issue.path.map(String)].join('.');
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((k) => `${block}${issue.path.length ? '.' + issue.path.join('.') : ''}.${k}: unknown key (iCure takes ${block === 'auth' ? 'username, password, mode' : 'no options'})`);
      case 'invalid_type':
        if (issue.path.length === 0) return [`${block}: must be an object`];
        return [valueAt(raw, issue.path) === undefined ? `${at}: is required` : `${at}: must be a ${issue.expected}`];
      case 'too_small':
        return [`${at}: must not be empty`];
      case 'invalid_value':
        return [`${at}: must be one of basic, jwt`];
      default:
        return [`${at}: is not valid`];
    }
  });
}

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}
