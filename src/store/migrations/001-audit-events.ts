import type { Migration } from '../migrate';

/**
 * The audit trail (docs/store-and-audit.md): one row per account-changing attempt or `audit.reads` access.
 * Fields the `auditEvents` filter reads are columns with an index ending in (at DESC, id DESC),
 * so a filtered page is one index range scan; lists that are only ever returned whole (steps,
 * changed field names, user ids) are jsonb.
 */
export const migration: Migration = {
  version: 1,
  name: 'audit_events',
  sql: [
    `CREATE TABLE audit_events (
      id text PRIMARY KEY,
      at timestamptz NOT NULL,
      request_id text NOT NULL,
      actor_kind text NOT NULL CHECK (actor_kind IN ('JWT', 'API_KEY', 'NONE')),
      actor_id text NOT NULL,
      actor_name text NOT NULL,
      action text NOT NULL,
      source_id text,
      target_id text,
      target_native_id text,
      changed_fields jsonb NOT NULL DEFAULT '[]',
      outcome text NOT NULL CHECK (outcome IN ('PENDING', 'SUCCESS', 'FAILURE', 'DENIED', 'UNKNOWN')),
      error_code text,
      steps jsonb NOT NULL DEFAULT '[]',
      client_ip text,
      client_user_agent text,
      replayed boolean NOT NULL DEFAULT false,
      user_ids jsonb NOT NULL DEFAULT '[]'
    )`,
    // Unfiltered newest-first paging, and `scan` (read backwards).
    `CREATE INDEX audit_events_at_id ON audit_events (at DESC, id DESC)`,
    `CREATE INDEX audit_events_actor ON audit_events (actor_id, at DESC, id DESC)`,
    `CREATE INDEX audit_events_source ON audit_events (source_id, at DESC, id DESC)`,
    `CREATE INDEX audit_events_target ON audit_events (target_id, at DESC, id DESC)`,
    `CREATE INDEX audit_events_target_native ON audit_events (target_native_id, at DESC, id DESC)`,
    `CREATE INDEX audit_events_action ON audit_events (action, at DESC, id DESC)`,
    // Also finds the PENDING rows `recoverPending` turns UNKNOWN at start-up.
    `CREATE INDEX audit_events_outcome ON audit_events (outcome, at DESC, id DESC)`,
  ],
};
