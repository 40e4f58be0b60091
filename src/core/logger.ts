/**
 * The logger contract: one event name and a flat map of scalar fields per line. Callers pass only
 * safe fields (source id, route *template*, status, duration, error code); there is no API that
 * takes an object, a URL, a header map or a body, so credentials and PII have no way in.
 * The implementation (pino, one JSON object per line on stderr) is src/observability/logger.ts.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

// Re-exported so the many modules and tests that build a logger keep one import. The import is
// one-way at run time: observability/logger.ts takes only types from here.
export { createLogger } from '../observability/logger';
