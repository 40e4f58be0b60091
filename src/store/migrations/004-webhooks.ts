import type { Migration } from '../migrate';

/**
 * Webhook delivery (docs/mirror.md, "Webhooks"): how far each webhook has got in the change feed,
 * and one row per delivery attempt. A webhook is known by a hash of its URL, never the URL (it may
 * carry a token) or its secret.
 */
export const migration: Migration = {
  version: 4,
  name: 'webhooks',
  sql: [
    `CREATE TABLE webhook_cursors (
      webhook_id text PRIMARY KEY,
      last_seq bigint NOT NULL
    )`,
    `CREATE TABLE webhook_deliveries (
      id bigserial PRIMARY KEY,
      webhook_id text NOT NULL,
      seq bigint NOT NULL,
      attempt integer NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      status integer,
      error text,
      delivered boolean NOT NULL
    )`,
    `CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, seq)`,
  ],
};
