import pino from 'pino';
import type { LogFields, LogLevel, Logger } from '../core/logger';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/**
 * Keys whose value is censored even if a caller passes one. The scalar-only `Logger` API is the
 * first line of defence (no call takes a URL, a header map or a body); this list is the second,
 * for a field someone names carelessly later (`password: input.password`). Exact key names: the
 * fields are flat, so no wildcard paths are needed.
 */
const REDACTED_KEYS = [
  'password',
  'newPassword',
  'secret',
  'clientSecret',
  'client_secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'idToken',
  'authorization',
  'Authorization',
  'cookie',
  'apiKey',
  'apikey',
  'privateKey',
  'developerKey',
  'customerKey',
  'ssn',
  'socialSecurityNumber',
  'email',
  'dateOfBirth',
];

/**
 * The process's logger: pino underneath, one JSON object per line —
 * `{"level":"info","time":"2024-05-01T12:00:00.000Z","event":"request",…fields}`.
 *
 * `write` receives each line without its newline; by default lines go to stderr through a
 * synchronous destination, so the last lines before `process.exit` (a start-up failure, the end
 * of a drain) are not lost in a buffer. The methods are plain closures, so a caller may detach one
 * (`const log = logger.warn; log(...)`) as vendor-http.ts does.
 */
export function createLogger(level: LogLevel = 'info', write?: (line: string) => void): Logger {
  const destination = write ? { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) } : pino.destination({ fd: 2, sync: true });
  const p = pino(
    {
      level,
      // No pid/hostname on every line: the process supervisor knows both.
      base: undefined,
      messageKey: 'event',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_KEYS, censor: '[redacted]' },
    },
    destination,
  );
  // The event goes into the object first (not as pino's message argument, which pino writes last
  // and reads as a format string), so every line starts level, time, event; a field named
  // "event" cannot replace it.
  const emit = (at: LogLevel) => (event: string, fields: LogFields = {}) => {
    if (!p.isLevelEnabled(at)) return;
    p[at](Object.assign({ event }, fields, { event }));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/**
 * The level to log at: `LOG_LEVEL` when set (and not empty), else `configured` (`server.logLevel`,
 * or the command's default). Throws a RangeError with a one-line message on any other value, so a
 * typo stops start-up instead of silently logging at a level nobody asked for.
 */
export function effectiveLogLevel(configured: LogLevel, env: NodeJS.ProcessEnv = process.env): LogLevel {
  const raw = env.LOG_LEVEL;
  if (raw === undefined || raw === '') return configured;
  const level = raw.trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  throw new RangeError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(raw.slice(0, 20))}`);
}
