import { z } from 'zod';

/** Default client-side spacing between request starts: Open Dental throttles 1 request/s per customer key. */
export const DEFAULT_MIN_INTERVAL_MS = 1_000;

// A key goes into `ODFHIR {DeveloperKey}/{CustomerKey}`, so it may not hold "/" or whitespace.
const key = z.string().min(1).regex(/^[^/\s]+$/);

const authSchema = z.strictObject({ developerKey: key, customerKey: key });
const optionsSchema = z.strictObject({
  /** The office requires a symbol in passwords (its "special characters" preference). Default false. */
  passwordRequiresSymbol: z.boolean().optional(),
});

export type OpenDentalAuth = z.infer<typeof authSchema>;
export type OpenDentalOptions = z.infer<typeof optionsSchema>;

const RULES: Record<string, string> = {
  'auth.developerKey': 'must be a non-empty string without "/" or whitespace',
  'auth.customerKey': 'must be a non-empty string without "/" or whitespace',
  'options.passwordRequiresSymbol': 'must be true or false',
};

/**
 * Validates a source's `auth` ({ developerKey, customerKey }) and `options`. One problem line per
 * bad key, naming the key and the rule — never the value (they are secrets).
 */
export function parseSourceConfig(raw: { auth: unknown; options: unknown }):
  | { ok: true; auth: Record<string, unknown>; options: Record<string, unknown> }
  | { ok: false; problems: string[] } {
  const auth = authSchema.safeParse(raw.auth ?? {});
  const options = optionsSchema.safeParse(raw.options ?? {});
  const problems = [...describe('auth', auth.error), ...describe('options', options.error)];
  if (problems.length > 0 || !auth.success || !options.success) return { ok: false, problems };
  return { ok: true, auth: auth.data, options: options.data };
}

function describe(block: string, error: z.ZodError | undefined): string[] {
  if (!error) return [];
  const out = new Set<string>();
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.add(`${block}.${k} is not a known key`);
    } else if (issue.path.length === 0) {
      out.add(`${block} must be an object`);
    } else {
      const name = `${block}.${issue.path.map(String).join('.')}`;
      out.add(`${name} ${RULES[name] ?? 'is not valid'}`);
    }
  }
  return [...out];
}
