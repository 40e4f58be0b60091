import type { Connector } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import type { Logger } from '../../core/logger';
import type { MirrorRepository, MirroredUser } from '../../store/mirror-repository';
import { changeKind, changedFields, diffSource } from './diff';
import { failureCode, readWholeSource } from './refresh';
import { SourceSnapshot } from './snapshot';
import { timeoutSignal } from '../../http/timeout-signal';
import { AttemptSignals } from '../../http/attempt-signals';
import type { Coordination } from '../../coordination/coordination';

/** `sources[].mirror` in the config (docs/mirror.md). */
export interface MirrorSettings {
  enabled: boolean;
  /** Seconds between the end of one refresh and the start of the next. */
  refreshSeconds: number;
  /** Share of the source's concurrency a refresh may hold (0–1]; live traffic keeps the rest. */
  share: number;
  /** The source's `http.maxConcurrency` (filled in from the source's config). */
  concurrency: number;
}

export const MIRROR_DEFAULTS: Omit<MirrorSettings, 'concurrency'> = { enabled: false, refreshSeconds: 300, share: 0.5 };

export type MirrorStateName = 'DISABLED' | 'COLD' | 'READY' | 'FAILING';

export interface MirrorStatus {
  enabled: boolean;
  state: MirrorStateName;
  lastSyncAt: Date | null;
  lastError: string | null;
  users: number | null;
  refreshing: boolean;
}

/** What a mirror tells the rest of the gateway (src/app.ts wires the webhooks and the metrics). */
export interface MirrorHooks {
  /** Changes reached the feed (webhooks deliver at once instead of at their next poll). */
  changed?: () => void;
  /** A refresh ended. */
  refreshed?: (sourceId: string, outcome: 'ok' | 'failed', seconds: number) => void;
  /**
   * Several instances (docs/instances.md): a lease per source in Redis, so that one instance at a
   * time refreshes it; the others load its copy from the shared store. Absent or local: this
   * process refreshes every mirror it has.
   */
  lease?: { coordination: Coordination; instanceId: string; ttlMs: number };
}

/** One refresh runs at most this long (a whole-source read on a slow vendor). */
const REFRESH_TIMEOUT_MS = 10 * 60_000;

/**
 * One source's mirror: the snapshot reads use, the loop that refreshes it, and the write hook.
 * Created once at start for every source with `mirror.enabled`.
 */
class SourceMirror {
  snapshot: SourceSnapshot | null = null;
  lastError: string | null = null;
  refreshing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    readonly connector: Connector,
    readonly settings: MirrorSettings,
    private readonly repo: MirrorRepository,
    private readonly logger: Logger,
    private readonly hooks: MirrorHooks,
  ) {
    this.holding = this.shared === null;
  }

  /** Whether this instance refreshes the source now (always, without a shared lease). */
  private holding: boolean;
  private heartbeat: NodeJS.Timeout | null = null;

  async start(): Promise<void> {
    const stored = await this.repo.load(this.connector.sourceId);
    this.lastError = stored.state.lastError;
    if (stored.state.lastSyncAt && stored.catalogs) this.snapshot = new SourceSnapshot(this.connector.sourceId, stored.users, stored.catalogs, stored.state.lastSyncAt);
    if (this.shared) await this.beat();
    this.schedule(this.holding ? 0 : this.settings.refreshSeconds * 1000);
  }

  private get shared() {
    const l = this.hooks.lease;
    return l && l.coordination.mode === 'redis' ? l : null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick().finally(() => this.schedule(this.settings.refreshSeconds * 1000)), ms);
    this.timer.unref();
  }

  /** The scheduled work: refresh when this instance holds the source, else take the holder's copy. */
  private tick(): Promise<void> {
    return this.holding ? this.refresh() : this.reloadIfNewer();
  }

  /**
   * Takes or renews the lease (every third of its lifetime). An instance that just took it over
   * from a holder that died refreshes at once when the copy is already due.
   */
  private async beat(): Promise<void> {
    const l = this.shared!;
    const was = this.holding;
    this.holding = await l.coordination.lease(`mirror:${this.connector.sourceId}`, l.instanceId, l.ttlMs);
    if (this.holding && !was) {
      this.logger.info('mirror_lease_taken', { source: this.connector.sourceId });
      const due = !this.snapshot || Date.now() - this.snapshot.syncedAt.getTime() >= this.settings.refreshSeconds * 1000;
      if (due && this.heartbeat) void this.refresh();
    } else if (!this.holding) {
      await this.reloadIfNewer().catch(() => undefined);
    }
    if (!this.stopped) {
      this.heartbeat = setTimeout(() => void this.beat().catch(() => undefined), Math.max(500, Math.floor(l.ttlMs / 3)));
      this.heartbeat.unref();
    }
  }

  /** Another instance refreshed: load its copy from the store (nothing when ours is as new). */
  private async reloadIfNewer(): Promise<void> {
    const state = await this.repo.state(this.connector.sourceId);
    this.lastError = state.lastError;
    if (!state.lastSyncAt || (this.snapshot && state.lastSyncAt <= this.snapshot.syncedAt)) return;
    const stored = await this.repo.load(this.connector.sourceId);
    if (stored.state.lastSyncAt && stored.catalogs) this.snapshot = new SourceSnapshot(this.connector.sourceId, stored.users, stored.catalogs, stored.state.lastSyncAt);
  }

  /** Refreshes now (or joins the refresh already running). Never throws: a failure is recorded. */
  refresh(): Promise<void> {
    if (!this.refreshing) this.refreshing = this.runRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async runRefresh(): Promise<void> {
    const sourceId = this.connector.sourceId;
    const started = Date.now();
    const deadline = timeoutSignal(REFRESH_TIMEOUT_MS, this.abort.signal);
    const attempts = new AttemptSignals(deadline.signal, started + REFRESH_TIMEOUT_MS);
    const ctx: RequestContext = {
      requestId: `mirror-${sourceId}-${started}`,
      deadlineAt: started + REFRESH_TIMEOUT_MS,
      signal: deadline.signal,
      attempts,
      vendorCalls: new Map(),
      background: true,
    };
    try {
      // 2 calls per user at most (types + facilities): this many users keep `share` of the slots.
      const usersAtOnce = Math.max(1, Math.floor((this.settings.concurrency * this.settings.share) / 2));
      const read = await readWholeSource(this.connector, ctx, usersAtOnce);
      const syncedAt = new Date();
      const found = diffSource(sourceId, this.snapshot?.entries() ?? [], read.users, 'refresh');
      // The first copy is a baseline, not news: without it every user would be a CREATED event
      // (and a webhook delivery) the day a mirror is turned on.
      const diff = this.snapshot ? found : { ...found, changes: [] };
      await this.repo.applyRefresh(sourceId, { ...diff, catalogs: read.catalogs, syncedAt });
      this.snapshot = new SourceSnapshot(sourceId, read.users, read.catalogs, syncedAt);
      this.lastError = null;
      if (diff.changes.length) this.hooks.changed?.();
      this.hooks.refreshed?.(sourceId, 'ok', (Date.now() - started) / 1000);
      this.logger.info('mirror_refreshed', { source: sourceId, users: read.users.length, changes: diff.changes.length, vendorCalls: read.vendorCalls, ms: Date.now() - started });
    } catch (err) {
      if (this.stopped) return;
      this.lastError = failureCode(err);
      await this.repo.recordFailure(sourceId, this.lastError, new Date()).catch(() => undefined);
      this.hooks.refreshed?.(sourceId, 'failed', (Date.now() - started) / 1000);
      this.logger.warn('mirror_refresh_failed', { source: sourceId, code: this.lastError, ms: Date.now() - started });
    } finally {
      attempts.dispose();
      deadline.dispose();
    }
  }

  /** A gateway write changed (or deleted: null) one user: the mirror and the feed follow at once. */
  async written(nativeId: string, after: MirroredUser | null): Promise<void> {
    if (!this.snapshot) return; // cold: the first refresh will read it
    const before = this.snapshot.entries().find((e) => e.user.nativeId === nativeId) ?? null;
    const kind = changeKind(before, after);
    const change = kind ? { sourceId: this.connector.sourceId, nativeId, kind, changedFields: before && after ? changedFields(before, after) : [], origin: 'write' as const } : null;
    await this.repo.applyWrite(this.connector.sourceId, nativeId, after, change);
    this.snapshot = this.snapshot.withUser(nativeId, after);
    if (change) this.hooks.changed?.();
  }

  status(): MirrorStatus {
    return {
      enabled: true,
      state: this.snapshot ? 'READY' : this.lastError ? 'FAILING' : 'COLD',
      lastSyncAt: this.snapshot?.syncedAt ?? null,
      lastError: this.lastError,
      users: this.snapshot ? this.snapshot.users.size : null,
      refreshing: this.refreshing !== null,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearTimeout(this.heartbeat);
    // A clean stop hands the source over at once instead of after the lease runs out.
    const l = this.shared;
    if (l && this.holding) await l.coordination.deleteIf(`lease:mirror:${this.connector.sourceId}`, l.instanceId).catch(() => undefined);
    this.abort.abort();
    await this.refreshing?.catch(() => undefined);
  }
}

/** Every source's mirror (docs/mirror.md). */
export class Mirror {
  private readonly sources = new Map<string, SourceMirror>();

  constructor(connectors: readonly Connector[], settings: (sourceId: string) => MirrorSettings, repo: MirrorRepository, logger: Logger, hooks: MirrorHooks = {}) {
    for (const c of connectors) {
      const s = settings(c.sourceId);
      if (s.enabled) this.sources.set(c.sourceId, new SourceMirror(c, s, repo, logger, hooks));
    }
  }

  /** Every mirrored source's status, for the metrics gauges. */
  statuses(): Array<MirrorStatus & { source: string }> {
    return [...this.sources].map(([source, m]) => ({ source, ...m.status() }));
  }

  async start(): Promise<void> {
    await Promise.all([...this.sources.values()].map((m) => m.start()));
  }

  /** The snapshot to answer CACHED reads from, if the source has one at most `maxAgeSeconds` old. */
  fresh(sourceId: string, maxAgeSeconds: number | null, now = Date.now()): SourceSnapshot | null {
    const snap = this.sources.get(sourceId)?.snapshot ?? null;
    if (!snap) return null;
    if (maxAgeSeconds != null && now - snap.syncedAt.getTime() > maxAgeSeconds * 1000) return null;
    return snap;
  }

  /** Every mirrored source's current copy (sources still cold are left out). */
  snapshots(): SourceSnapshot[] {
    return [...this.sources.values()].flatMap((m) => (m.snapshot ? [m.snapshot] : []));
  }

  enabled(sourceId: string): boolean {
    return this.sources.has(sourceId);
  }

  status(sourceId: string): MirrorStatus {
    return this.sources.get(sourceId)?.status() ?? { enabled: false, state: 'DISABLED', lastSyncAt: null, lastError: null, users: null, refreshing: false };
  }

  /** Refreshes one source now and waits for it (tests, and an operator's nudge). */
  async refresh(sourceId: string): Promise<void> {
    await this.sources.get(sourceId)?.refresh();
  }

  async written(sourceId: string, nativeId: string, after: MirroredUser | null): Promise<void> {
    await this.sources.get(sourceId)?.written(nativeId, after);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.sources.values()].map((m) => m.stop()));
  }
}
