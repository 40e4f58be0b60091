import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * Argument checking for the CLI: every usage error is one line naming what is wrong and the
 * command whose `--help` explains it; the full usage is printed only when asked for.
 */
export class UsageError extends Error {
  /** `command` undefined → the overview (`staffgraph --help`) is the one to see. */
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** The one line printed on stderr for a usage error (exit code 1). */
export function usageLine(err: UsageError): string {
  return `staffgraph: ${oneLine(err.message)} (see staffgraph ${err.command ? err.command + ' ' : ''}--help)`;
}

/**
 * Inclusive bounds of the integer options, quoted by the messages and the usage texts.
 *  - port: TCP's range; 0 asks the OS for any free port.
 *  - users: per simulator, every seeded user is held in memory (the default is a few hundred).
 *  - seed: the simulators' PRNG (mulberry32) keeps 32 bits of it.
 *  - latency-ms: added to every simulated vendor call; a minute is already far past any deadline.
 */
export const INT_OPTIONS = {
  port: { max: 65_535, note: '0 = any free port' },
  users: { max: 100_000, note: 'per simulator' },
  seed: { max: 4_294_967_295, note: '32 bits' },
  'latency-ms': { max: 60_000, note: 'one minute' },
} as const;
export type IntOptionName = keyof typeof INT_OPTIONS;

/** The value of a non-negative integer option (decimal digits only: no "1e3", "0x10" or " 12"), or undefined when not given. */
export function intOption(values: Record<string, unknown>, name: IntOptionName, command: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const { max, note } = INT_OPTIONS[name];
  const text = String(raw);
  const n = /^\d{1,16}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 0 && n <= max)) throw new UsageError(`--${name} must be an integer from 0 to ${max} (${note}), not ${shown(text)}`, command);
  return n;
}

/** A value quoted for a message: JSON-escaped (so one line) and cut to `max` characters, so a huge argument is never echoed whole. */
export function shown(value: string, max = 20): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
}

export type StringOptions = Record<string, { type: 'string' }>;

export interface ParsedArgs {
  values: Record<string, string | undefined>;
  positionals: string[];
}

/**
 * Parses a command's arguments: only the given options, each with a value (`--port 0` or
 * `--port=0`), and at most `maxPositionals` positionals. parseArgs runs non-strict and the checks
 * are made here from its tokens, so each message is one line of our own rather than Node's
 * (which spans lines and changes between versions).
 */
export function parseCommandArgs(command: string, args: string[], options: StringOptions, maxPositionals = 0): ParsedArgs {
  const { values, positionals, tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (!Object.hasOwn(options, t.name)) throw new UsageError(`unknown option ${shown(t.rawName)}`, command);
    if (t.value === undefined) throw new UsageError(`${t.rawName} needs a value`, command);
    // As parseArgs' strict mode: `--config --port` is a forgotten value, not a file named "--port";
    // but `--port -1` is a (negative) value, since no option's name starts with a digit.
    if (!t.inlineValue && t.value.startsWith('-') && !/^-\d/.test(t.value)) throw new UsageError(`${t.rawName} needs a value (write ${t.rawName}=VALUE for one starting with "-")`, command);
  }
  if (positionals.length > maxPositionals) throw new UsageError(`unexpected argument ${shown(positionals[maxPositionals]!)}`, command);
  return { values: values as Record<string, string | undefined>, positionals };
}

/** Whether `--help` or `-h` is among the arguments (before any `--`): help wins over every other argument. */
export function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** The lines in their first-seen order, each once: a config problem found twice is reported once. */
export function uniqueLines(lines: readonly string[]): string[] {
  return [...new Set(lines)];
}

/**
 * The version in staffgraph's package.json, found by walking up from this file: it runs from
 * dist/src/cli (compiled) or src/cli, and the package may be installed anywhere.
 */
export function packageVersion(from = __dirname): string | undefined {
  for (let dir = from, i = 0; i < 6; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'staffgraph' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No (readable) package.json here: keep walking up.
    }
    if (dirname(dir) === dir) break;
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
