import { z } from 'zod';

/** The `auth` block of a PainChek source: OAuth-style client credentials (docs/architecture.md §6). */
export interface PainChekAuth {
  clientId: string;
  clientSecret: string;
}

const authSchema = z.strictObject({
  clientId: z.string().trim().min(1),
  clientSecret: z.string().min(1),
});
/** PainChek takes no options. */
const optionsSchema = z.strictObject({});

const HINTS: Record<string, string> = {
  clientId: 'auth.clientId must be a non-empty string (the PainChek integration client id)',
  clientSecret: 'auth.clientSecret must be a non-empty string (the PainChek integration client secret)',
};

/**
 * Validates `auth` and `options`: one line per problem, naming the key. Messages are built from
 * key names only, so a secret value never appears in them.
 */
export function parseSourceConfig(raw: { auth: unknown; options: unknown }):
  | { ok: true; auth: Record<string, unknown>; options: Record<string, unknown> }
  | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const auth = authSchema.safeParse(raw.auth ?? {});
  if (!auth.success) problems.push(...describe('auth', auth.error.issues));
  const options = optionsSchema.safeParse(raw.options ?? {});
  if (!options.success) problems.push(...describe('options', options.error.issues));
  if (!auth.success || !options.success) return { ok: false, problems };
  return { ok: true, auth: { ...auth.data } satisfies PainChekAuth, options: options.data };
}

function describe(block: string, issues: z.ZodError['issues']): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${block}.${k} is not a known key`);
    const key = issue.path.map(String).join('.');
    if (!key) return [`${block} must be an object`];
    return [HINTS[key] ?? `${block}.${key} is not valid`];
  });
}
