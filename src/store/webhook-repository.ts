import type { SqlClient } from './sql';

export interface DeliveryRow {
  webhookId: string;
  seq: number;
  attempt: number;
  at: Date;
  status: number | null;
  error: string | null;
  delivered: boolean;
  /** The last attempt at a change given up on (maxAttempts reached): the cursor moved past it. */
  deadLetter: boolean;
}

export interface WebhookRepository {
  /** The last change sequence delivered to this webhook; null when it never ran (it then starts at the feed's current end). */
  cursor(webhookId: string): Promise<number | null>;
  /** Records one attempt; a delivered or dead-lettered one also moves the webhook's cursor, in the same transaction. */
  record(d: Omit<DeliveryRow, 'at'>): Promise<void>;
  /** Starts a new webhook at `seq` (without a delivery). */
  start(webhookId: string, seq: number): Promise<void>;
  deliveries(webhookId: string, limit: number): Promise<DeliveryRow[]>;
  /** The newest change sequence (0 when the feed is empty). */
  latestSeq(): Promise<number>;
}

export function createWebhookRepository(sql: SqlClient): WebhookRepository {
  return {
    async cursor(webhookId) {
      const [row] = await sql.query<{ last_seq: string | number }>(`SELECT last_seq FROM webhook_cursors WHERE webhook_id = $1`, [webhookId]);
      return row ? Number(row.last_seq) : null;
    },
    async start(webhookId, seq) {
      await sql.query(`INSERT INTO webhook_cursors (webhook_id, last_seq) VALUES ($1, $2) ON CONFLICT (webhook_id) DO NOTHING`, [webhookId, seq]);
    },
    async record(d) {
      await sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO webhook_deliveries (webhook_id, seq, attempt, status, error, delivered, dead_letter) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
          d.webhookId,
          d.seq,
          d.attempt,
          d.status,
          d.error,
          d.delivered,
          d.deadLetter,
        ]);
        if (d.delivered || d.deadLetter) {
          await tx.query(
            `INSERT INTO webhook_cursors (webhook_id, last_seq) VALUES ($1, $2) ON CONFLICT (webhook_id) DO UPDATE SET last_seq = GREATEST(webhook_cursors.last_seq, EXCLUDED.last_seq)`,
            [d.webhookId, d.seq],
          );
        }
      });
    },
    async deliveries(webhookId, limit) {
      const rows = await sql.query<{ webhook_id: string; seq: string | number; attempt: number; at: Date; status: number | null; error: string | null; delivered: boolean; dead_letter: boolean }>(
        `SELECT webhook_id, seq, attempt, at, status, error, delivered, dead_letter FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id LIMIT $2`,
        [webhookId, limit],
      );
      return rows.map((r) => ({ webhookId: r.webhook_id, seq: Number(r.seq), attempt: r.attempt, at: new Date(r.at), status: r.status, error: r.error, delivered: r.delivered, deadLetter: r.dead_letter }));
    },
    async latestSeq() {
      const [row] = await sql.query<{ seq: string | number | null }>(`SELECT max(seq) AS seq FROM user_changes`);
      return Number(row?.seq ?? 0);
    },
  };
}
