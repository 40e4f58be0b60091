import { randomUUID } from 'node:crypto';
import type { AuditEventRecord } from './types';

/** A complete, valid audit event for store tests; `overrides` replace whole fields. */
export function auditEvent(overrides: Partial<AuditEventRecord> = {}): AuditEventRecord {
  return {
    id: randomUUID(),
    at: new Date('2030-01-01T00:00:00.000Z'),
    requestId: `req-${randomUUID()}`,
    actor: { kind: 'API_KEY', id: 'key-ops', name: 'ops robot' },
    action: 'setUserActive',
    sourceId: 'icure',
    target: { id: 'VXNlcjppY3VyZTox', nativeId: 'u-1' },
    changedFields: ['active'],
    outcome: 'PENDING',
    errorCode: null,
    steps: [],
    client: { ip: '127.0.0.1', userAgent: 'node-test' },
    replayed: false,
    userIds: [],
    ...overrides,
  };
}

/** `n` events one second apart, oldest first, starting at `start`. */
export function auditEvents(n: number, start: Date, overrides: Partial<AuditEventRecord> = {}): AuditEventRecord[] {
  return Array.from({ length: n }, (_, i) => auditEvent({ at: new Date(start.getTime() + i * 1_000), ...overrides }));
}
