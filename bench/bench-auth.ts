/**
 * `node dist/bench/bench-auth.js`: the per-request CPU that callers and query limits add
 * (docs/callers-and-limits.md), timed in-process so other load on the machine matters less than it does
 * for `npm run bench`'s CPU ms/q. For each piece, N calls (BENCH_AUTH_N, default 20 000) after a
 * warm-up, reported in µs per call:
 *  - the authenticator (src/auth/authenticator.ts) for mode none, an API key and an RS256 JWT
 *    verified against a jwksFile — exactly what the HTTP layer calls once per request;
 *  - per canonical bench query: parse (with maxTokens), graphql-js's own validation (paid before
 *    limits existed too), the shape rules (src/server/limits/shape-rules.ts) on their own, the
 *    maxFirst/maxCost step of limits-plugin.ts (variable coercion + operationCost with the real
 *    connectors' ReadCosts) and the users:read check of access-plugin.ts.
 * "added" = what the gateway pays per query now and did not before: auth + shape rules + cost
 * step + access check. Nothing here asserts: it reports.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { getVariableValues, parse, specifiedRules, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { configForSimulators } from '../src/app';
import { generateApiKey, hashApiKey } from '../src/auth/api-keys';
import { createAuthenticator } from '../src/auth/authenticator';
import { anonymousCaller, hasScope } from '../src/auth/caller';
import { parseAuthConfig, type AuthConfig } from '../src/auth/config';
import { silentLogger } from '../src/core/logger';
import { buildGatewaySchema } from '../src/schema/build';
import { operationCost } from '../src/server/limits/cost';
import { DEFAULT_LIMITS, type QueryLimits } from '../src/server/limits/query-limits';
import { fieldsOf, fragmentsOf } from '../src/server/limits/selections';
import { shapeRules } from '../src/server/limits/shape-rules';
import { SourceSet } from '../src/service/sources';
import { sourceIdFor, startSimulators } from '../src/cli/simulators';
import { VENDORS } from '../src/vendors/registry';

const N = Number(process.env.BENCH_AUTH_N ?? 20_000);
const WARMUP = Math.min(2_000, N);
/** The bench's config (bench.ts): the all-sources query is deliberately large. */
const LIMITS: QueryLimits = { ...DEFAULT_LIMITS, maxFirst: 500, maxCost: 5000 };

async function time(fn: () => unknown): Promise<number> {
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const r = fn();
      if (r instanceof Promise) await r;
    }
  };
  await run(WARMUP);
  const cpu0 = process.cpuUsage();
  await run(N);
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / N; // µs of this process's CPU per call
}

async function authConfigs(dir: string) {
  const key = generateApiKey();
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' }] }));
  const raw = {
    mode: 'required',
    apiKeys: [{ name: 'bench', hash: hashApiKey(key), scopes: ['users:read'] }],
    jwt: { issuer: 'https://bench.local/', audience: 'staffgraph', jwksFile, algorithms: ['RS256'] },
  };
  const parsed = parseAuthConfig(raw, { configDir: dir, defaultMode: 'required' });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const token = await new SignJWT({ scope: 'users:read' })
    .setProtectedHeader({ alg: 'RS256', kid: 'bench-1', typ: 'JWT' })
    .setSubject('bench')
    .setIssuer('https://bench.local/')
    .setAudience('staffgraph')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
  return { config: parsed.config, key, token };
}

const fmt = (us: number) => us.toFixed(1).padStart(9);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sg-bench-auth-'));
  const { config, key, token } = await authConfigs(dir);
  const none: AuthConfig = { mode: 'none', jwt: null, apiKeys: [] };
  const required = createAuthenticator(config, { logger: silentLogger });
  const anonymous = createAuthenticator(none, { logger: silentLogger });
  const check = async (label: string, r: Promise<{ ok: boolean }>) => {
    if (!(await r).ok) throw new Error(`${label}: credential refused`);
  };
  await check('apikey', required.authenticate({ authorization: `Bearer ${key}` }));
  await check('jwt', required.authenticate({ authorization: `Bearer ${token}` }));

  console.log(`\nstaffgraph auth + limits micro-bench — ${N} calls each, µs of CPU per call (process.cpuUsage)\n`);
  const authRows: Array<[string, number]> = [
    ['auth none', await time(() => anonymous.authenticate({}))],
    ['auth apikey', await time(() => required.authenticate({ authorization: `Bearer ${key}` }))],
    ['auth jwt RS256', await time(() => required.authenticate({ authorization: `Bearer ${token}` }))],
  ];
  console.log('authenticator        µs/call');
  for (const [name, us] of authRows) console.log(`${name.padEnd(16)}${fmt(us)}`);

  // Real connectors (their declared ReadCosts) over simulators started here; no vendor call is made.
  const sims = await startSimulators(VENDORS, { basePort: 0, users: 120, seed: 7 });
  const sources = SourceSet.create(
    configForSimulators(sims.map((sim, i) => ({ id: sourceIdFor(VENDORS[i]!), sim }))),
    VENDORS,
    { logger: silentLogger },
  );
  const schema = await buildGatewaySchema(VENDORS.map((v) => v.vendor));
  const rules = shapeRules(LIMITS);
  const caller = anonymousCaller();
  const visible = sources.connectors;

  const canonical = (ids: string[] | null, first: number) =>
    `{ users(${ids ? `sources: ${JSON.stringify(ids)}, ` : ''}first: ${first}) { edges { node { id displayName userTypes { name } facilityAccess { primary facility { code name } } } } } }`;
  const cases = [...visible.map((c) => ({ name: c.sourceId, query: canonical([c.sourceId], 100) })), { name: 'all sources', query: canonical(null, 500) }];

  // What limits-plugin.ts does in didResolveOperation, and access-plugin.ts's users:read check.
  const costStep = (doc: DocumentNode, op: OperationDefinitionNode) => {
    const coerced = getVariableValues(schema, op.variableDefinitions ?? [], {});
    if (coerced.errors) throw new Error('variables');
    const bySource = new Map(visible.map((c) => [c.sourceId, c.costs]));
    return operationCost(doc, op, coerced.coerced, { visibleSources: visible.map((c) => c.sourceId), costsOf: (id) => bySource.get(id) });
  };
  const accessStep = (doc: DocumentNode, op: OperationDefinitionNode) =>
    hasScope(caller, 'users:read') && fieldsOf(op.selectionSet, fragmentsOf(doc)).some((f) => !f.name.value.startsWith('__'));

  const authAdded = { apikey: authRows[1]![1] - authRows[0]![1], jwt: authRows[2]![1] - authRows[0]![1] };
  console.log('\nper query (µs/call)     parse  gql-valid  shape-rules  cost-step  access  added:apikey  added:jwt   cost');
  for (const c of cases) {
    const doc = parse(c.query, { maxTokens: LIMITS.maxTokens });
    const op = doc.definitions[0] as OperationDefinitionNode;
    const errors = validate(schema, doc, [...specifiedRules, ...rules]);
    if (errors.length) throw new Error(`${c.name}: ${errors[0]!.message}`);
    const { cost, largestFirst } = costStep(doc, op);
    if (cost > LIMITS.maxCost || largestFirst > LIMITS.maxFirst) throw new Error(`${c.name}: over the bench limits (cost ${cost}, first ${largestFirst})`);
    const tParse = await time(() => parse(c.query, { maxTokens: LIMITS.maxTokens }));
    const tValid = await time(() => validate(schema, doc, specifiedRules));
    const tShape = await time(() => validate(schema, doc, rules));
    const tCost = await time(() => costStep(doc, op));
    const tAccess = await time(() => accessStep(doc, op));
    const limitsAdded = tShape + tCost + tAccess;
    const row = { name: c.name, apikey: authAdded.apikey + limitsAdded, jwt: authAdded.jwt + limitsAdded };
    const col = (us: number, w: number) => us.toFixed(1).padStart(w);
    console.log(
      [c.name.padEnd(20), col(tParse, 9), col(tValid, 11), col(tShape, 13), col(tCost, 11), col(tAccess, 8), col(row.apikey, 14), col(row.jwt, 11), String(cost).padStart(7)].join(''),
    );
  }
  console.log('\nadded = (auth − auth none) + shape-rules + cost-step + access; compare with CPU ms/q of `npm run bench` (1 ms = 1000 µs).');
  await Promise.all([sources.close(), ...sims.map((s) => s.close())]);
}

main().catch((err) => {
  console.error('bench-auth failed:', err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
