import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import type { SourceConfig, VendorModule } from '../core/connector';
import type { LogLevel } from '../core/logger';
import { parseAuthConfig, unknownSourceProblems, type AuthConfig } from '../auth/config';
import { DEFAULT_LIMITS, type QueryLimits } from '../server/limits/query-limits';
import { isLoopbackHost } from './loopback';
import type { StoreConfig } from '../store/types';
import type { AuditStreamSetting } from '../service/audit/audit-stream';

/**
 * The gateway config file (docs/architecture.md §6, contract). `${ENV_VAR}` is substituted in every string
 * value; secrets may come from files (the vendor's auth schema decides, e.g. privateKeyFile).
 * Invalid config stops start-up with one clear line per problem — never echoing a secret value.
 */
export interface GatewayConfig {
  server: {
    port: number;
    host: string;
    /** Deadline for all upstream work of one GraphQL request. Defaults to 20_000 (twenty seconds). */
    requestTimeoutMs: number;
    logLevel: LogLevel;
    /** Whether __schema/__type are served (docs/callers-and-limits.md). Explicit, never from NODE_ENV. Defaults to true. */
    introspection: boolean;
    /** Serve as an Apollo Federation 2 subgraph (docs/federation.md). */
    federation: boolean;
    limits: QueryLimits;
    /** Origins allowed to call from a browser. Defaults to none. */
    cors: { origins: string[] };
    /** How long in-flight requests get to finish on SIGTERM, ms. Defaults to 10_000 (ten seconds). */
    shutdownGraceMs: number;
  };
  /** Who may call (docs/callers-and-limits.md). `serve` defaults to mode required; the demo runs with mode none on loopback. */
  auth: AuthConfig;
  /** The durable store (docs/store-and-audit.md): embedded PGlite in `path` (default ./staffgraph-data beside the config), or PostgreSQL. */
  store: StoreConfig;
  audit: {
    /** JSON-lines copy of every audit event. Defaults to stdout. */
    stream: AuditStreamSetting;
    /** One access event per request listing the user ids it returned. Defaults to false. */
    reads: boolean;
  };
  sources: SourceConfig[];
  /** Where the change feed is POSTed (docs/mirror.md, "Webhooks"). Defaults to none. */
  webhooks: Array<{ url: string; secret: string; events: Array<'CREATED' | 'UPDATED' | 'DEACTIVATED' | 'REACTIVATED' | 'DELETED'>; retryBaseMs: number; maxAttempts: number }>;
  /** Shared state of several instances (docs/instances.md); null: this process alone. */
  redis?: { url: string; keyPrefix: string; leaseSeconds: number } | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const httpSchema = z
  .object({
    connectTimeoutMs: z.number().int().positive(),
    headersTimeoutMs: z.number().int().positive(),
    bodyTimeoutMs: z.number().int().positive(),
    requestTimeoutMs: z.number().int().positive(),
    connections: z.number().int().positive(),
    maxConcurrency: z.number().int().positive(),
    maxConcurrencyCeiling: z.number().int().positive().max(256),
    adaptiveConcurrency: z.boolean(),
    minIntervalMs: z.number().int().nonnegative(),
  })
  .partial()
  .strict();

const resilienceSchema = z
  .object({
    retries: z.number().int().min(0).max(10),
    retryBaseMs: z.number().int().min(1).max(60_000),
    breakerFailures: z.number().int().min(1).max(1000),
    breakerCooldownMs: z.number().int().min(100).max(3_600_000),
    // 1 KiB … 1 GiB: a cap of less than a kilobyte would refuse every real page.
    maxResponseBytes: z.number().int().min(1024).max(1024 ** 3),
  })
  .partial()
  .strict();

const mirrorSchema = z
  .object({
    enabled: z.boolean().default(false),
    // Ten seconds is the floor: a whole-source read more often than that is a load test, not a mirror.
    refreshSeconds: z.number().int().min(10).max(86_400).default(300),
    // The share of the source's concurrency a refresh may hold; live traffic keeps the rest.
    share: z.number().gt(0).max(1).default(0.5),
  })
  .strict();

const sourceSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1–63 lower-case letters, digits, "-" or "_"'),
    vendor: z.string(),
    name: z.string().min(1).optional(),
    baseUrl: z.string().refine((s) => /^https?:\/\/[^/]/.test(s) && URL.canParse(s), 'must be an http(s) URL'),
    auth: z.unknown(),
    http: httpSchema.optional(),
    resilience: resilienceSchema.optional(),
    forwardRequestId: z.boolean().optional(),
    mirror: mirrorSchema.optional(),
    // People linking (docs/people.md): employee numbers link only between sources of one organization.
    organization: z.string().min(1).max(100).optional(),
    options: z.unknown().optional(),
  })
  .strict();

const serverSchema = z
  .object({
    port: z.number().int().min(0).max(65535).default(4000),
    host: z.string().default('127.0.0.1'),
    requestTimeoutMs: z.number().int().positive().default(20_000),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    introspection: z.boolean().default(true),
    // Serve an Apollo Federation 2 subgraph (docs/federation.md): User is an entity keyed by id.
    federation: z.boolean().default(false),
    shutdownGraceMs: z.number().int().nonnegative().default(10_000),
    limits: z
      .object({
        maxBodyBytes: z.number().int().min(1024),
        maxTokens: z.number().int().positive(),
        maxDepth: z.number().int().positive(),
        maxAliases: z.number().int().nonnegative(),
        maxDirectives: z.number().int().nonnegative(),
        maxRootFields: z.number().int().positive(),
        // 500 is the schema's own ceiling for `users(first:)`.
        maxFirst: z.number().int().positive().max(500),
        maxCost: z.number().int().positive(),
      })
      .partial()
      .strict()
      .default({})
      .transform((l) => ({ ...DEFAULT_LIMITS, ...l })),
    cors: z
      .object({ origins: z.array(z.string().refine((o) => /^https?:\/\/[^/]+$/.test(o) && URL.canParse(o), 'must be an origin like https://app.example.org (scheme, host, optional port; no path)')) })
      .strict()
      .default({ origins: [] }),
  })
  .strict();

const storeSchema = z
  .object({
    path: z.string().min(1).default('./staffgraph-data'),
    postgres: z
      .object({ url: z.string().refine((u) => /^postgres(ql)?:\/\//.test(u) && URL.canParse(u), 'must be a postgres:// URL') })
      .strict()
      .optional(),
  })
  .strict();

const auditSchema = z
  .object({
    stream: z
      .string()
      .refine((v) => v === 'stdout' || v === 'none' || /^file:.+/.test(v), 'must be stdout, none or file:<path>')
      .default('stdout'),
    reads: z.boolean().default(false),
  })
  .strict();

const topSchema = z
  .object({
    server: z.unknown().optional(),
    auth: z.unknown().optional(),
    store: z.unknown().optional(),
    audit: z.unknown().optional(),
    sources: z.array(z.unknown()).min(1, 'at least one source is required'),
    webhooks: z.unknown().optional(),
    redis: z.unknown().optional(),
  })
  .strict();

/** `redis:` (docs/instances.md): what several instances share. Absent: each process on its own. */
const redisSchema = z
  .object({
    url: z.string().refine((u) => /^rediss?:\/\/[^/]/.test(u) && URL.canParse(u), 'must be a redis:// or rediss:// URL'),
    keyPrefix: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, 'must be 1–64 letters, digits, ":", "_" or "-"').default('staffgraph:'),
    // How long a mirror lease outlives its holder: another instance takes the source over after it.
    leaseSeconds: z.number().int().min(3).max(600).default(15),
  })
  .strict()
  .nullable();

const webhooksSchema = z
  .array(
    z
      .object({
        url: z.string().refine((s) => /^https?:\/\/[^/]/.test(s) && URL.canParse(s), 'must be an http(s) URL'),
        // Never echoed; 16 characters is the least that makes an HMAC key worth the name.
        secret: z.string().min(16, 'must be at least 16 characters'),
        events: z.array(z.enum(['CREATED', 'UPDATED', 'DEACTIVATED', 'REACTIVATED', 'DELETED'])).default([]),
        retryBaseMs: z.number().int().min(10).max(600_000).default(1_000),
        // 50 attempts at back-off doubling to 5 minutes: about 3.6 hours of a receiver down.
        maxAttempts: z.number().int().min(1).max(10_000).default(50),
      })
      .strict(),
  )
  .default([]);

export function loadConfigFile(file: string, vendors: readonly VendorModule[], env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError([`${file}: cannot be read`]);
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (e) {
    const line = (e as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new ConfigError([`${file}: not valid YAML${line ? ` (line ${line})` : ''}`]);
  }
  return parseConfig(raw, vendors, dirname(resolve(file)), env);
}

export function parseConfig(raw: unknown, vendors: readonly VendorModule[], configDir: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const problems: string[] = [];
  const substituted = substituteEnv(raw, env, '', problems);
  // Every part is checked even when another part is wrong, so one run lists every problem.
  const top = topSchema.safeParse(substituted ?? {});
  if (!top.success) {
    throw new ConfigError([...problems, ...top.error.issues.map((i) => `${pathText(i.path)}: ${i.message}`)]);
  }
  const server = serverSchema.safeParse(top.data.server ?? {});
  if (!server.success) problems.push(...server.error.issues.map((i) => `server.${pathText(i.path)}: ${i.message}`));
  const sources: SourceConfig[] = [];
  const seen = new Set<string>();
  top.data.sources.forEach((entry, index) => {
    const at = `sources[${index}]`;
    const parsed = sourceSchema.safeParse(entry);
    if (!parsed.success) {
      for (const i of parsed.error.issues) problems.push(`${at}${i.path.length ? '.' + pathText(i.path) : ''}: ${i.message}`);
      return;
    }
    const s = parsed.data;
    if (seen.has(s.id)) problems.push(`${at}.id: "${s.id}" is used by another source`);
    seen.add(s.id);
    const vendor = vendors.find((v) => v.vendor === s.vendor);
    if (!vendor) {
      problems.push(`${at}.vendor: unknown vendor "${s.vendor}" (known: ${vendors.map((v) => v.vendor).join(', ')})`);
      return;
    }
    const vendorParsed = vendor.parseSourceConfig({ auth: s.auth, options: s.options ?? {} }, configDir);
    if (!vendorParsed.ok) {
      for (const p of vendorParsed.problems) problems.push(`${at} (${s.id}): ${p}`);
      return;
    }
    sources.push({
      id: s.id,
      vendor: s.vendor,
      name: s.name ?? s.id,
      baseUrl: s.baseUrl,
      auth: vendorParsed.auth,
      http: s.http ?? {},
      resilience: s.resilience ?? {},
      forwardRequestId: s.forwardRequestId ?? false,
      mirror: s.mirror ?? { enabled: false, refreshSeconds: 300, share: 0.5 },
      organization: s.organization ?? s.id,
      options: vendorParsed.options,
    });
  });
  const store = storeSchema.safeParse(top.data.store ?? {});
  // Never echo the URL: it may hold the database password.
  if (!store.success) problems.push(...store.error.issues.map((i) => `store.${pathText(i.path)}: ${i.message}`));
  const webhooks = webhooksSchema.safeParse(top.data.webhooks ?? []);
  // Never the URL or the secret in a problem: either may carry a credential.
  if (!webhooks.success) problems.push(...webhooks.error.issues.map((i) => `webhooks${pathText(i.path).startsWith('[') ? '' : '.'}${pathText(i.path)}: ${i.message.replace(/received .*$/, 'invalid value')}`));
  const redis = redisSchema.safeParse(top.data.redis ?? null);
  // Never echo the URL: it may hold the Redis password.
  if (!redis.success) problems.push(...redis.error.issues.map((i) => `redis.${pathText(i.path)}: ${i.message.replace(/received .*$/, 'invalid value')}`));
  const audit = auditSchema.safeParse(top.data.audit ?? {});
  if (!audit.success) problems.push(...audit.error.issues.map((i) => `audit.${pathText(i.path)}: ${i.message}`));
  const auth = parseAuthConfig(top.data.auth ?? {}, { configDir, defaultMode: 'required' });
  if (!auth.ok) problems.push(...auth.problems);
  else problems.push(...unknownSourceProblems(auth.config, sources.map((s) => s.id)));
  if (server.success && auth.ok && auth.config.mode === 'none' && !isLoopbackHost(server.data.host)) {
    problems.push(`auth.mode: "none" is allowed only when server.host is a loopback address (127.0.0.1, ::1, localhost), not ${JSON.stringify(server.data.host)}; configure auth.jwt or auth.apiKeys`);
  }
  if (problems.length || !server.success || !auth.ok || !store.success || !audit.success || !webhooks.success || !redis.success) throw new ConfigError(problems);
  const stream = audit.data.stream as AuditStreamSetting;
  return {
    server: server.data,
    auth: auth.config,
    store: { path: resolve(configDir, store.data.path), postgres: store.data.postgres ?? null },
    audit: { stream: stream.startsWith('file:') ? `file:${resolve(configDir, stream.slice(5))}` : stream, reads: audit.data.reads },
    sources,
    webhooks: webhooks.data,
    redis: redis.data,
  };
}

/** Replaces ${NAME} in every string; a missing variable is a problem naming the key, not the value. */
function substituteEnv(value: unknown, env: NodeJS.ProcessEnv, at: string, problems: string[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = env[name];
      if (v === undefined) {
        problems.push(`${at || '(root)'}: environment variable ${name} is not set`);
        return '';
      }
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substituteEnv(v, env, `${at}[${i}]`, problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteEnv(v, env, at ? `${at}.${k}` : k, problems)]));
  }
  return value;
}

function pathText(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[') || '(root)';
}
