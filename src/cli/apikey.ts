import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { generateApiKey, hashApiKey } from '../auth/api-keys';
import { SCOPES, isScope } from '../auth/caller';
import { API_KEY_NAME } from '../auth/config';

/**
 * `staffgraph apikey create --name N --scopes a,b [--sources x,y]` (docs/callers-and-limits.md): prints a new
 * random key once, then the line to paste under `auth.apiKeys` (it holds only the key's hash).
 * Returns the exit code; every line goes to `out`.
 */
const USAGE = 'usage: staffgraph apikey create --name NAME --scopes SCOPE[,SCOPE…] [--sources SOURCE[,SOURCE…]]';
/** Same rule as `sources[].id` in the gateway config. */
const SOURCE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export async function apikeyCommand(args: string[], out: (s: string) => void): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (e) {
    out(`${(e as Error).message}\n${USAGE}`);
    return 1;
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1 || positionals[0] !== 'create' || values.name === undefined || values.scopes === undefined) {
    out(USAGE);
    return 1;
  }
  const name = values.name;
  if (!API_KEY_NAME.test(name)) {
    out('--name must be 1–63 letters, digits, ".", "_" or "-", starting with a letter or digit');
    return 1;
  }
  const scopes = list(values.scopes);
  const unknown = scopes.filter((s) => !isScope(s));
  if (scopes.length === 0 || unknown.length) {
    out(`--scopes: ${unknown.length ? `unknown scope "${unknown[0]}"` : 'give at least one scope'} (known: ${SCOPES.join(', ')})`);
    return 1;
  }
  const sources = values.sources === undefined ? null : list(values.sources);
  if (sources !== null && (sources.length === 0 || !sources.every((s) => SOURCE_ID.test(s)))) {
    out('--sources: give source ids (lower-case letters, digits, "-" or "_"), comma-separated');
    return 1;
  }
  const key = generateApiKey();
  const fields = [`name: ${plain(name)}`, `hash: "${hashApiKey(key)}"`, `scopes: [${scopes.join(', ')}]`];
  if (sources !== null) fields.push(`sources: [${sources.map(plain).join(', ')}]`);
  out(key);
  out(`- { ${fields.join(', ')} }`);
  out('The key above is shown only once: store it now; paste the line under auth.apiKeys (it holds only the hash).');
  return 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: { name: { type: 'string' }, scopes: { type: 'string' }, sources: { type: 'string' } },
  });
}

/** "a, b,,c" → ["a", "b", "c"], without repeats. */
function list(text: string): string[] {
  return [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
}

/** A YAML scalar that reads back as this string: plain when safe, quoted when it would read as a number, bool or null ("123", "true"). */
function plain(s: string): string {
  return YAML.parse(s) === s ? s : JSON.stringify(s);
}
