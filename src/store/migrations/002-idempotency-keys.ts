import type { Migration } from '../migrate';

/**
 * Durable idempotency records (docs/store-and-audit.md): a key survives a restart and, on PostgreSQL, is
 * shared by every instance. `expires_at` is computed from the database's clock, so instances
 * whose clocks differ still agree on when a key is free again.
 *
 * `payload` is json, not jsonb: it is a replay blob we never query into, and json keeps the text
 * as written (key order, and "\u0000" in a vendor string, which jsonb refuses).
 */
export const migration: Migration = {
  version: 2,
  name: 'idempotency_keys',
  sql: [
    `CREATE TABLE idempotency_keys (
      key text PRIMARY KEY,
      fingerprint text NOT NULL,
      state text NOT NULL CHECK (state IN ('in_flight', 'done')),
      payload json,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`,
    // For purging expired keys.
    `CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at)`,
  ],
};
