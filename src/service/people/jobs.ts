import { createHash, randomUUID } from 'node:crypto';
import { decodeId, encodeId } from '../../core/ids';
import { SourceError, isSourceError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Caller, Scope } from '../../auth/caller';
import type { PersonField } from '../../core/connector';
import type { AccountOutcome, JobAccountRow, JobRepository, JobRow, JobState, StoredJobCaller } from '../../store/job-repository';
import { RequestScope, type SharedServices } from '../request-scope';
import { performWrite, type WriteRequest } from '../write-pipeline';
import type { PayloadRecord } from '../payload';

export type OffboardMode = 'DEACTIVATE' | 'DELETE_WHERE_SUPPORTED';

/** provisionPerson's input as a job stores it: the person once, and what each source adds. */
export interface ProvisionPlan {
  person: { firstName: string; lastName: string; middleInitial?: string | null; email?: string | null; phone?: string | null; title?: string | null; employeeNumber?: string | null; npi?: string | null };
  /** Per source, in input order; never the password (kept in memory only, see Jobs.secrets). */
  sources: Array<{ source: string; username?: string | null; externalId?: string | null; userTypeIds?: string[] | null; facilityIds?: string[] | null; primaryFacilityId?: string | null }>;
}

/** A global id of the expected type and source → its native id (BAD_USER_INPUT naming the field otherwise). */
function nativeOf(id: string, field: string, type: 'UserType' | 'Facility', sourceId: string): string {
  const d = decodeId(id, field, type);
  if (d.sourceId !== sourceId) throw new SourceError('BAD_USER_INPUT', sourceId, `${field} belongs to another source.`, { field });
  return d.nativeId;
}

/** The createUser write for source entry `i` of a plan (fields named as provisionPerson's arguments). */
export function provisionWrite(plan: ProvisionPlan, i: number, password: string | null, key: string | null, personFields: readonly PersonField[]): WriteRequest {
  const extra = plan.sources[i]!;
  const at = `sources[${i}]`;
  // Only the person's fields this vendor stores (its declared capability); the rest are not sent to it.
  const person = Object.fromEntries(Object.entries(stripNullish(plan.person)).filter(([k]) => (personFields as readonly string[]).includes(k)));
  const record = {
    ...person,
    ...(extra.username ? { username: extra.username } : {}),
    ...(extra.externalId ? { externalId: extra.externalId } : {}),
    ...(password ? { password } : {}),
  };
  return {
    op: 'createUser',
    target: { sourceId: extra.source, field: `${at}.source` },
    idempotencyKey: key,
    fingerprintInput: { plan, i },
    changedFields: Object.keys(record).filter((k) => k !== 'password').concat(password ? ['password'] : []).sort(),
    build: (sourceId) => ({
      op: 'createUser',
      input: {
        ...record,
        userTypeIds: extra.userTypeIds?.map((id, j) => nativeOf(id, `${at}.userTypeIds[${j}]`, 'UserType', sourceId)) ?? null,
        facilityIds: extra.facilityIds?.map((id, j) => nativeOf(id, `${at}.facilityIds[${j}]`, 'Facility', sourceId)) ?? null,
        primaryFacilityId: extra.primaryFacilityId ? nativeOf(extra.primaryFacilityId, `${at}.primaryFacilityId`, 'Facility', sourceId) : null,
      },
    }),
  };
}

function stripNullish<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** Accounts of one source are written one after another; sources run in parallel (each within its own limits). */
const FINAL: ReadonlySet<AccountOutcome> = new Set(['SUCCEEDED', 'SKIPPED', 'SKIPPED_UNSUPPORTED']);

export function storedCaller(c: Caller): StoredJobCaller {
  return { kind: c.kind, id: c.id, name: c.name, scopes: [...c.scopes], sources: c.sources ? [...c.sources] : null };
}

function callerOf(c: StoredJobCaller): Caller {
  return { kind: c.kind, id: c.id, name: c.name, scopes: new Set(c.scopes as Scope[]), sources: c.sources ? new Set(c.sources) : null };
}

/** A job's state from its accounts. */
export function jobState(accounts: readonly JobAccountRow[]): JobState {
  const done = accounts.filter((a) => FINAL.has(a.outcome)).length;
  if (done === accounts.length) return 'SUCCEEDED';
  if (accounts.some((a) => a.outcome === 'PENDING')) return 'RUNNING';
  return done === 0 ? 'FAILED' : 'PARTIAL';
}

/**
 * Durable provisioning and off-boarding jobs (docs/people.md, "Jobs"). A job is stored before its
 * first account write and after every one; each account write goes through the write pipeline as
 * a single mutation would (scope, grant, capability, rules, the service-account guard, one audit
 * event, OUTCOME_UNKNOWN on a dropped connection). An account that was attempted before (a crash
 * mid-write, UNKNOWN, a retry) is read again first, and not written when it already is as asked:
 * no account is written twice. Unfinished jobs resume at start.
 */
export class Jobs {
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;
  /**
   * Passwords of provisioning jobs, by job id and account index: in memory only, never stored. A
   * job resumed after a restart creates those accounts without one; a vendor that requires a
   * password then refuses the create (FAILED, naming the field), and nothing is guessed.
   */
  private readonly secrets = new Map<string, Map<number, string>>();

  private heartbeatTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly shared: SharedServices,
    private readonly repo: JobRepository,
    private readonly logger: Logger,
    /**
     * Several instances on one store (docs/instances.md): this instance's id, and how long an
     * owner may stay silent before another instance takes its jobs over. Absent: one instance,
     * which at start resumes every unfinished job (whoever ran it is gone).
     */
    private readonly instances?: { owner: string; staleMs: number },
  ) {}

  /** A job id from the caller's idempotency key: the same key finds the same job. */
  static idFor(caller: Caller, key: string | null): string {
    return key ? `job-${createHash('sha256').update(JSON.stringify([caller.kind, caller.id, key])).digest('hex').slice(0, 32)}` : `job-${randomUUID()}`;
  }

  async get(id: string): Promise<JobRow | null> {
    return this.repo.get(id);
  }

  async startOffboard(caller: Caller, id: string, accounts: Array<{ sourceId: string; nativeId: string }>, input: { person: string; mode: OffboardMode; reason: string; fingerprint: string }): Promise<JobRow> {
    const job: Omit<JobRow, 'createdAt' | 'updatedAt'> = {
      id,
      kind: 'OFFBOARD',
      state: 'PENDING',
      caller: storedCaller(caller),
      input,
      accounts: accounts.map((a, idx) => ({ idx, sourceId: a.sourceId, nativeId: a.nativeId, outcome: 'PENDING', attempts: 0, userErrors: [], steps: [] })),
    };
    await this.repo.create(job);
    this.launch(id, caller);
    return (await this.repo.get(id))!;
  }

  async startProvision(caller: Caller, id: string, plan: ProvisionPlan, passwords: ReadonlyMap<number, string>, fingerprint: string): Promise<JobRow> {
    const job: Omit<JobRow, 'createdAt' | 'updatedAt'> = {
      id,
      kind: 'PROVISION',
      state: 'PENDING',
      caller: storedCaller(caller),
      input: { ...plan, fingerprint } as unknown as Record<string, unknown>,
      accounts: plan.sources.map((s, idx) => ({ idx, sourceId: s.source, nativeId: null, outcome: 'PENDING', attempts: 0, userErrors: [], steps: [] })),
    };
    if (passwords.size) this.secrets.set(id, new Map(passwords));
    await this.repo.create(job);
    this.launch(id, caller);
    return (await this.repo.get(id))!;
  }

  /** FAILED and UNKNOWN accounts go again (each read first); the retrying caller's authority applies. */
  async retry(id: string, caller: Caller): Promise<JobRow | null> {
    const job = await this.repo.get(id);
    if (!job) return null;
    // A job still running (here, or on another instance) is not started twice: retry is for one that ended.
    if (this.running.has(id) || job.state === 'RUNNING' || job.state === 'PENDING') return job;
    for (const a of job.accounts) {
      if (a.outcome === 'FAILED' || a.outcome === 'UNKNOWN') await this.repo.updateAccount(id, { ...a, outcome: 'PENDING', userErrors: [] });
    }
    this.launch(id, caller);
    return this.repo.get(id);
  }

  /** At start: every job a stop or a crash left unfinished, with the caller that started it. */
  async resumeUnfinished(): Promise<number> {
    // A fresh id per process start, so a crashed run's jobs are never "ours" by name.
    const owner = this.instances?.owner ?? `single-${process.pid}-${randomUUID()}`;
    // One instance: every unfinished job is an orphan. Several: only those whose owner went silent.
    const ids = await this.repo.claimOrphans(owner, this.instances?.staleMs ?? 0);
    for (const id of ids) await this.adopt(id, 'job_resumed');
    if (this.instances) this.beat();
    return ids.length;
  }

  /** Every third of the stale time: say this instance still runs its jobs, and take over silent ones. */
  private beat(): void {
    const { owner, staleMs } = this.instances!;
    this.heartbeatTimer = setTimeout(async () => {
      try {
        await this.repo.heartbeat([...this.running.keys()], owner);
        for (const id of await this.repo.claimOrphans(owner, staleMs)) if (!this.running.has(id)) await this.adopt(id, 'job_taken_over');
      } catch (err) {
        this.logger.warn('job_heartbeat_failed', { error: (err as Error).name });
      }
      if (!this.stopped) this.beat();
    }, Math.max(200, Math.floor(staleMs / 3)));
    this.heartbeatTimer.unref();
  }

  private async adopt(id: string, event: 'job_resumed' | 'job_taken_over'): Promise<void> {
    const job = await this.repo.get(id);
    if (!job) return;
    this.logger.info(event, { job: id, kind: job.kind });
    this.launch(id, callerOf(job.caller));
  }

  /** Waits for a job this process runs (tests, and a clean stop). */
  async settled(id: string): Promise<void> {
    await this.running.get(id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    await Promise.all([...this.running.values()].map((p) => p.catch(() => undefined)));
  }

  private launch(id: string, caller: Caller): void {
    // Owned from the first moment, so no other instance takes a job that just started.
    if (this.instances) void this.repo.heartbeat([id], this.instances.owner).catch(() => undefined);
    const run = this.run(id, caller)
      .catch((err) => this.logger.error('job_failed', { job: id, error: (err as Error).name }))
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
  }

  private async run(id: string, caller: Caller): Promise<void> {
    const job = await this.repo.get(id);
    if (!job) return;
    await this.repo.setState(id, 'RUNNING');
    const bySource = new Map<string, JobAccountRow[]>();
    for (const a of job.accounts) if (!FINAL.has(a.outcome)) bySource.set(a.sourceId, [...(bySource.get(a.sourceId) ?? []), a]);
    await Promise.all(
      [...bySource.values()].map(async (accounts) => {
        for (const a of accounts) {
          if (this.stopped) return;
          await this.account(job, a, caller);
        }
      }),
    );
    if (this.stopped) return; // left RUNNING: the next start resumes it
    const after = (await this.repo.get(id))!;
    const state = jobState(after.accounts);
    if (job.kind === 'PROVISION') await this.linkCreated(after);
    await this.repo.setState(id, state);
    this.logger.info('job_done', { job: id, kind: job.kind, state, accounts: after.accounts.length });
  }

  private async account(job: JobRow, a: JobAccountRow, caller: Caller): Promise<void> {
    const attempt = a.attempts + 1;
    const scope = new RequestScope(this.shared, caller, { ip: null, userAgent: 'staffgraph-job' }, `${job.id}-${a.idx}-${attempt}`);
    try {
      const decided = await this.decide(scope, job, a);
      if (decided) {
        await this.repo.updateAccount(job.id, { ...a, ...decided });
        return;
      }
      // Counted before sending: a crash from here on makes the next run read the account first.
      await this.repo.updateAccount(job.id, { ...a, attempts: attempt });
      const payload = await performWrite(scope, this.writeFor(job, a, attempt));
      // A created account is known by its native id from now on (a retry reads it instead of creating it again).
      const nativeId = a.nativeId ?? (payload.userErrors.length === 0 ? (payload.user?.nativeId ?? null) : null);
      await this.repo.updateAccount(job.id, { ...a, nativeId, attempts: attempt, ...resultOf(payload) });
    } catch (err) {
      const code = isSourceError(err) ? err.code : 'INTERNAL_SERVER_ERROR';
      await this.repo.updateAccount(job.id, { ...a, attempts: attempt, outcome: 'FAILED', userErrors: [{ field: null, code, message: isSourceError(err) ? err.message : 'Internal server error.' }] });
    } finally {
      scope.dispose();
    }
  }

  /**
   * The accounts a provisioning job created are one person: the job knows it, so it records it as
   * a manual link (a vendor that stores no e-mail, such as Open Dental, would otherwise stand apart).
   */
  private async linkCreated(job: JobRow): Promise<void> {
    const ids = job.accounts.filter((a) => a.outcome === 'SUCCEEDED' && a.nativeId).map((a) => encodeId('User', a.sourceId, a.nativeId!));
    if (ids.length > 1) await this.shared.people?.link(ids, `provisionPerson ${job.id}`);
  }

  /** An outcome reached without a write (skipped, unsupported, or already as asked), or null to write. */
  private async decide(scope: RequestScope, job: JobRow, a: JobAccountRow): Promise<Partial<JobAccountRow> | null> {
    if (job.kind === 'PROVISION') return this.decideProvision(scope, job, a);
    const connector = scope.findConnector(a.sourceId);
    if (!connector || !a.nativeId) return null; // the pipeline answers NOT_FOUND, with its audit event
    const op = this.opFor(job, a);
    if (op === null) return { outcome: 'SKIPPED_UNSUPPORTED', userErrors: [{ field: null, code: 'UNSUPPORTED_BY_VENDOR', message: `${connector.vendor} cannot deactivate or delete users.` }] };
    const reader = scope.reader(a.sourceId);
    if (connector.isServiceAccount && (await connector.isServiceAccount(a.nativeId, scope.request, reader))) {
      return { outcome: 'SKIPPED', userErrors: [{ field: null, code: 'CONFLICT', message: `This is the account staffgraph uses to reach source "${a.sourceId}": never off-boarded.` }] };
    }
    if (a.attempts === 0) return null;
    // Attempted before (a crash, a dropped connection, a retry): read it again first.
    const now = await reader.user(a.nativeId);
    if (op === 'deleteUser' ? now === null : now !== null && !now.active) return { outcome: 'SUCCEEDED', userErrors: [] };
    return null;
  }

  /**
   * A create attempted before may have happened (a crash, a dropped connection): the source is
   * searched for the account by its username, else its e-mail, and an account found is adopted.
   */
  private async decideProvision(scope: RequestScope, job: JobRow, a: JobAccountRow): Promise<Partial<JobAccountRow> | null> {
    if (a.attempts === 0 || !scope.findConnector(a.sourceId)) return null;
    const plan = job.input as unknown as ProvisionPlan;
    const extra = plan.sources[a.idx]!;
    const filter = extra.username ? { username: extra.username } : plan.person.email ? { email: plan.person.email } : null;
    if (!filter) return null;
    const page = await scope.reader(a.sourceId).listUsers({ filter, after: null, first: 2, include: { userTypes: false, facilityAccess: false } });
    if (page.users.length !== 1) return null;
    return { outcome: 'SUCCEEDED', nativeId: page.users[0]!.nativeId, userErrors: [] };
  }

  private opFor(job: JobRow, a: JobAccountRow): 'setUserActive' | 'deleteUser' | null {
    const connector = this.shared.sources.get(a.sourceId);
    const writes = connector?.capabilities.writes;
    if (job.input.mode === 'DELETE_WHERE_SUPPORTED' && writes?.deleteUser.supported) return 'deleteUser';
    return writes?.setUserActive.supported === false ? null : 'setUserActive';
  }

  private writeFor(job: JobRow, a: JobAccountRow, attempt: number): WriteRequest {
    if (job.kind === 'PROVISION') {
      const password = this.secrets.get(job.id)?.get(a.idx) ?? null;
      const fields = this.shared.sources.get(a.sourceId)?.capabilities.personFields ?? [];
      return provisionWrite(job.input as unknown as ProvisionPlan, a.idx, password, `${job.id}:${a.idx}:${attempt}`, fields);
    }
    const op = this.opFor(job, a) ?? 'setUserActive';
    const userId = encodeId('User', a.sourceId, a.nativeId!);
    return {
      op,
      target: { userId, field: 'person' },
      // One key per attempt: a replay of this very attempt cannot write twice, a retry is a new attempt.
      idempotencyKey: `${job.id}:${a.idx}:${attempt}`,
      fingerprintInput: { job: job.id, idx: a.idx, op },
      changedFields: op === 'deleteUser' ? [] : ['active'],
      build: (_source, nativeId) => (op === 'deleteUser' ? { op, nativeId } : { op: 'setUserActive', nativeId, active: false }),
    };
  }
}

function resultOf(p: PayloadRecord): Pick<JobAccountRow, 'outcome' | 'userErrors' | 'steps'> {
  const outcome: AccountOutcome = p.userErrors.length === 0 ? 'SUCCEEDED' : p.userErrors.some((e) => e.code === 'OUTCOME_UNKNOWN') ? 'UNKNOWN' : 'FAILED';
  return { outcome, userErrors: p.userErrors.map((e) => ({ field: e.field, code: e.code, message: e.message })), steps: p.steps.map((s) => ({ method: s.method, route: s.route, status: s.status, ok: s.ok })) };
}

/** The account ids of a job result, for the schema. */
export function resultUserId(a: JobAccountRow): string | null {
  return a.nativeId ? encodeId('User', a.sourceId, a.nativeId) : null;
}

