import { appendFileSync, openSync, closeSync } from 'node:fs';
import type { AuditEventRecord } from '../../store/types';

/**
 * `audit.stream` (docs/store-and-audit.md): a JSON-lines copy of every audit event for a SIEM, written after
 * the store row (the store is the record; the stream may lose a line on a crash, never invent one).
 * One event per line: JSON.stringify escapes every control character inside strings, and the
 * values were already bounded and escaped (sanitize.ts), so no value can start a new line.
 */
export interface AuditStream {
  write(event: AuditEventRecord): void;
  close(): void;
}

export type AuditStreamSetting = 'stdout' | 'none' | `file:${string}`;

export function openAuditStream(setting: AuditStreamSetting, stdout: (line: string) => void = (l) => process.stdout.write(l)): AuditStream | null {
  if (setting === 'none') return null;
  if (setting === 'stdout') return { write: (e) => stdout(auditLine(e)), close() {} };
  const path = setting.slice('file:'.length);
  // Opened once at start so a bad path stops start-up instead of the first write.
  closeSync(openSync(path, 'a', 0o600));
  return { write: (e) => appendFileSync(path, auditLine(e), { mode: 0o600 }), close() {} };
}

/** The stream's line: the event with `kind: "audit"` first, so a mixed log can be filtered on it. */
export function auditLine(e: AuditEventRecord): string {
  return JSON.stringify({ kind: 'audit', ...e, at: e.at.toISOString() }) + '\n';
}
