import { createHash, createHmac } from 'node:crypto';
import { request } from 'undici';
import type { Logger } from '../../core/logger';
import { encodeId } from '../../core/ids';
import type { ChangeKind, MirrorRepository, StoredChange } from '../../store/mirror-repository';
import type { WebhookRepository } from '../../store/webhook-repository';

/** `webhooks[]` in the config (docs/mirror.md, "Webhooks"). */
export interface WebhookConfig {
  url: string;
  secret: string;
  /** Change kinds to send; all when empty. */
  events: ChangeKind[];
  /** First retry delay; doubled per failed attempt up to maxBackoffMs. */
  retryBaseMs: number;
  /** Attempts at one change before it is dead-lettered and the webhook moves on. */
  maxAttempts: number;
}

export const SIGNATURE_HEADER = 'x-staffgraph-signature';

/** The signature a receiver checks: HMAC-SHA256 of the exact body bytes with the shared secret. */
export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** A webhook's id in the store and the logs: a hash of its URL (the URL may carry a token). */
export function webhookId(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

/** What one change looks like on the wire: ids and field names, never field values. */
export function changeBody(c: StoredChange): string {
  return JSON.stringify({
    id: String(c.seq),
    kind: c.kind,
    at: c.at.toISOString(),
    source: c.sourceId,
    userId: encodeId('User', c.sourceId, c.nativeId),
    changedFields: c.changedFields,
    origin: c.origin,
  });
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'dead_letter';

export interface DispatchOptions {
  maxBackoffMs?: number;
  /** How often an idle webhook looks for new changes. */
  pollMs?: number;
  timeoutMs?: number;
  /** Every attempt's outcome (the metrics). */
  attempted?: (webhookId: string, outcome: DeliveryOutcome) => void;
}

/**
 * Delivers the change feed to one webhook: at least once (a change is retried until a 2xx, the
 * cursor moves only after one), in feed order (a failing change holds back the ones after it, so
 * a receiver sees each user's changes in order), with back-off between failed attempts. Every
 * attempt is a row in the delivery log. A new webhook starts at the feed's current end. A change
 * that failed `maxAttempts` times is dead-lettered: logged as an error, marked in the delivery
 * log, and passed, so one poisoned change (or a receiver gone for good) does not hold the feed.
 */
class WebhookWorker {
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private readonly id: string;
  private running: Promise<void> | null = null;

  constructor(
    private readonly hook: WebhookConfig,
    private readonly feed: MirrorRepository,
    private readonly repo: WebhookRepository,
    private readonly sources: readonly string[],
    private readonly logger: Logger,
    private readonly o: Required<DispatchOptions>,
  ) {
    this.id = webhookId(hook.url);
  }

  start(): void {
    this.running = this.loop();
  }

  kick(): void {
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        if (this.timer) clearTimeout(this.timer);
        this.wake = null;
        resolve();
      };
      this.timer = setTimeout(() => this.wake?.(), ms);
    });
  }

  private async loop(): Promise<void> {
    let cursor = await this.repo.cursor(this.id);
    if (cursor === null) {
      cursor = await this.repo.latestSeq();
      await this.repo.start(this.id, cursor);
    }
    let attempt = 0;
    while (!this.stopped) {
      const [next] = (await this.feed.changes(cursor, this.sources, 1).catch(() => [])) as StoredChange[];
      if (!next) {
        await this.sleep(this.o.pollMs);
        continue;
      }
      if (this.hook.events.length > 0 && !this.hook.events.includes(next.kind)) {
        await this.repo.record({ webhookId: this.id, seq: next.seq, attempt: 0, status: null, error: 'not subscribed', delivered: true, deadLetter: false });
        cursor = next.seq;
        continue;
      }
      attempt++;
      const result = await this.post(changeBody(next));
      const deadLetter = !result.ok && attempt >= this.hook.maxAttempts;
      const recorded = await this.repo
        .record({ webhookId: this.id, seq: next.seq, attempt, status: result.status, error: result.error, delivered: result.ok, deadLetter })
        .then(() => true)
        .catch(() => false);
      this.o.attempted(this.id, result.ok ? 'delivered' : deadLetter ? 'dead_letter' : 'failed');
      // The cursor moves only once the store has it: a restart must not skip a change.
      if ((result.ok || deadLetter) && recorded) {
        if (deadLetter) this.logger.error('webhook_dead_letter', { webhook: this.id, seq: next.seq, attempts: attempt, status: result.status, error: result.error });
        cursor = next.seq;
        attempt = 0;
        continue;
      }
      if (!result.ok) this.logger.warn('webhook_failed', { webhook: this.id, seq: next.seq, attempt, status: result.status, error: result.error });
      await this.sleep(Math.min(this.o.maxBackoffMs, this.hook.retryBaseMs * 2 ** (Math.max(1, attempt) - 1)));
    }
  }

  private async post(body: string): Promise<{ ok: boolean; status: number | null; error: string | null }> {
    try {
      const res = await request(this.hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(this.hook.secret, body), 'user-agent': 'staffgraph-webhooks' },
        body,
        headersTimeout: this.o.timeoutMs,
        bodyTimeout: this.o.timeoutMs,
      });
      await res.body.dump();
      return { ok: res.statusCode >= 200 && res.statusCode < 300, status: res.statusCode, error: null };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return { ok: false, status: null, error: typeof code === 'string' ? code : 'error' };
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.kick();
    await this.running?.catch(() => undefined);
  }
}

/** Every configured webhook, started once at start (src/app.ts). */
export class Webhooks {
  private readonly workers: WebhookWorker[];

  constructor(hooks: readonly WebhookConfig[], feed: MirrorRepository, repo: WebhookRepository, sources: readonly string[], logger: Logger, o: DispatchOptions = {}) {
    const opts = { maxBackoffMs: 300_000, pollMs: 1_000, timeoutMs: 5_000, attempted: () => undefined, ...o };
    this.workers = hooks.map((h) => new WebhookWorker(h, feed, repo, sources, logger, opts));
  }

  start(): void {
    for (const w of this.workers) w.start();
  }

  /** New changes are in the feed: deliver without waiting for the next poll. */
  kick(): void {
    for (const w of this.workers) w.kick();
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}
