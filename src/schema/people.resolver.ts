import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { auditRejectedArguments } from './audit-rejected-arguments';
import { decodeId, encodeId } from '../core/ids';
import { isSourceError } from '../core/errors';
import type { UserRecord } from '../core/model';
import type { RequestScope } from '../service/request-scope';
import type { PersonView } from '../service/people/people';
import { Jobs, provisionWrite, resultUserId, type ProvisionPlan } from '../service/people/jobs';
import { precheck } from '../service/write-pipeline';
import { auditRefusedJob } from '../service/people/job-audit';
import type { JobAccountRow, JobRow } from '../store/job-repository';
import { User } from './user.type';
import { Job, JobPayload, JobResult, LinkAccountsArgs, LinkConflict, OffboardPersonArgs, PeopleArgs, Person, PersonConnection, PersonPayload, ProvisionPersonArgs } from './person.types';
import { presentUser } from './present';
import type { UserErrorRecord } from '../core/writes';

/** A person as the caller may see it (exported for node(id:)): only accounts in sources the caller sees; null when none is left. */
export function visible(ctx: RequestScope, p: PersonView | null) {
  if (!p) return null;
  const accounts = p.accounts.filter((a) => ctx.findConnector(a.sourceId));
  if (accounts.length === 0) return null;
  for (const a of accounts) ctx.returnedUsers.add(encodeId('User', a.sourceId, a.nativeId));
  return { id: p.id, __typename: 'Person', displayName: p.displayName, accounts: accounts.map(presentUser), matchedOn: accounts.length > 1 ? p.matchedOn : [] };
}

const noPeople = (): never => {
  throw Object.assign(new Error('People need at least one mirrored source (sources[].mirror.enabled).'), { extensions: { code: 'UNSUPPORTED_BY_VENDOR' } });
};

const OFFSET = /^o:(\d{1,9})$/;

const fold = (s: string) => s.trim().toLowerCase();

/** Whether an account answers to this (folded) address: its e-mail, or its username, case-folded. */
const hasAddress = (a: { email: string | null; username: string | null }, email: string) => (a.email !== null && fold(a.email) === email) || (a.username !== null && fold(a.username) === email);

/** People, links and jobs (docs/people.md). */
@Resolver()
@UseMiddleware(auditRejectedArguments)
export class PeopleResolver {
  @Query(() => PersonConnection, { description: "People across the mirrored sources, each with every account linked to them, in the order of each person's first account id." })
  async people(@Args(() => PeopleArgs) args: PeopleArgs, @Ctx() ctx: RequestScope) {
    const people = ctx.people ?? noPeople();
    const { people: all } = await people.current();
    const f = args.filter ?? {};
    const email = f.email ? fold(f.email) : null;
    const name = f.name?.toLowerCase() ?? null;
    const matches = [...all.values()]
      .map((p) => visible(ctx, p))
      .filter((p): p is NonNullable<typeof p> => p !== null)
      .filter((p) => !f.source || p.accounts.some((a) => a.sourceId === f.source))
      .filter((p) => !email || p.accounts.some((a) => hasAddress(a, email)))
      .filter((p) => !name || p.accounts.some((a) => a.displayName.toLowerCase().includes(name)));
    let start = 0;
    if (args.after) {
      const m = OFFSET.exec(args.after);
      if (!m) throw Object.assign(new Error('after is not a valid cursor.'), { extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
      start = Number(m[1]);
    }
    const page = matches.slice(start, start + args.first);
    const end = start + page.length;
    return { nodes: page, endCursor: end < matches.length ? `o:${end}` : null, hasNextPage: end < matches.length, totalCount: matches.length };
  }

  @Query(() => Person, { nullable: true, description: 'One person by Person id; null when unknown or none of its accounts is visible to you.' })
  async person(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    const people = ctx.people ?? noPeople();
    const { nativeId: anchor } = decodeId(id, 'id', 'Person');
    return visible(ctx, await people.byAnchor(anchor));
  }

  @Query(() => [LinkConflict], { description: 'Accounts the rules could not place: their identifiers point at people that cannot be one. Resolve with linkAccounts or unlinkAccount.' })
  async linkConflicts(@Ctx() ctx: RequestScope) {
    const people = ctx.people ?? noPeople();
    const { accounts, people: all } = await people.current();
    const out = [];
    for (const c of await people.conflicts()) {
      const account = accounts.get(c.account);
      if (!account || !ctx.findConnector(account.sourceId)) continue;
      const candidates = c.candidates.map((anchor) => visible(ctx, all.get(anchor) ?? null)).filter((p) => p !== null);
      out.push({ account: presentUser(account), rule: c.rule, candidates });
    }
    return out;
  }

  @Mutation(() => PersonPayload, { description: 'Records that these accounts are one person. Beats every rule; needs users:write.' })
  async linkAccounts(@Args(() => LinkAccountsArgs) { userIds }: LinkAccountsArgs, @Ctx() ctx: RequestScope) {
    const people = ctx.people ?? noPeople();
    const problems = await this.checkAccounts(ctx, userIds.map((id, i) => ({ id, field: `userIds[${i}]` })));
    if (problems.length) return { person: null, userErrors: problems };
    await people.link(userIds, ctx.caller.name);
    ctx.logger.info('people_linked', { requestId: ctx.request.requestId, accounts: userIds.length });
    return { person: visible(ctx, await people.personOfAccount(userIds[0]!)), userErrors: [] };
  }

  @Mutation(() => PersonPayload, { description: 'Records that this account stands alone: no rule links it to anyone. Needs users:write.' })
  async unlinkAccount(@Arg('userId', () => ID) userId: string, @Ctx() ctx: RequestScope) {
    const people = ctx.people ?? noPeople();
    const problems = await this.checkAccounts(ctx, [{ id: userId, field: 'userId' }]);
    if (problems.length) return { person: null, userErrors: problems };
    await people.unlink(userId, ctx.caller.name);
    ctx.logger.info('people_unlinked', { requestId: ctx.request.requestId });
    return { person: visible(ctx, await people.personOfAccount(userId)), userErrors: [] };
  }

  @Mutation(() => JobPayload, {
    description:
      'Off-boards one person everywhere: a durable job that deactivates (or, DELETE_WHERE_SUPPORTED, deletes where the vendor can) every account of the person you may see. Answers at once; follow it with job(id). The gateway\'s own service accounts are SKIPPED.',
  })
  async offboardPerson(@Args(() => OffboardPersonArgs) args: OffboardPersonArgs, @Ctx() ctx: RequestScope) {
    const people = ctx.people ?? noPeople();
    const target = await this.offboardTarget(args, ctx, people);
    if ('userErrors' in target) {
      // Refused before any account write: still one audit event (docs/people.md).
      await auditRefusedJob(ctx, 'offboardPerson', target.userErrors);
      return { job: null, userErrors: target.userErrors };
    }
    const { view, accounts } = target;
    const jobs = ctx.jobs!;
    const id = Jobs.idFor(ctx.caller, args.idempotencyKey ?? null);
    const fingerprint = JSON.stringify([view.id, args.mode, args.reason]);
    const existing = await jobs.get(id);
    if (existing) {
      if (existing.input.fingerprint !== fingerprint) return { job: null, userErrors: [{ field: 'idempotencyKey', code: 'CONFLICT', message: 'idempotencyKey was already used with a different operation or input.' }] };
      return { job: this.presentJob(ctx, existing), userErrors: [] };
    }
    const job = await jobs.startOffboard(ctx.caller, id, accounts.map((a) => ({ sourceId: a.sourceId, nativeId: a.nativeId })), { person: view.id, mode: args.mode as 'DEACTIVATE', reason: args.reason, fingerprint });
    return { job: this.presentJob(ctx, job), userErrors: [] };
  }

  /** Whom offboardPerson means, and which of their accounts the caller may off-board; or why not. */
  private async offboardTarget(args: OffboardPersonArgs, ctx: RequestScope, people: NonNullable<RequestScope['people']>): Promise<{ view: PersonView; accounts: PersonView['accounts'] } | { userErrors: UserErrorRecord[] }> {
    const no = (field: string | null, code: UserErrorRecord['code'], message: string) => ({ userErrors: [{ field, code, message }] });
    if (!ctx.may('users:write')) return no(null, 'FORBIDDEN', 'This operation needs the users:write scope.');
    if (!args.person === !args.email) return no('person', 'BAD_USER_INPUT', 'Give exactly one of person or email.');
    let view: PersonView | null = null;
    if (args.person) {
      try {
        view = await people.byAnchor(decodeId(args.person, 'person', 'Person').nativeId);
      } catch (err) {
        if (isSourceError(err)) return no('person', err.code, err.message);
        throw err;
      }
    } else {
      const email = fold(args.email!);
      const { people: all } = await people.current();
      const found = [...all.values()].filter((p) => p.accounts.some((a) => ctx.findConnector(a.sourceId) && hasAddress(a, email)));
      if (found.length > 1) return no('email', 'CONFLICT', `${found.length} people have an account with this e-mail address; off-board one by its Person id.`);
      view = found[0] ?? null;
    }
    const accounts = (view?.accounts ?? []).filter((a) => ctx.findConnector(a.sourceId));
    if (!view || accounts.length === 0) return no(args.person ? 'person' : 'email', 'NOT_FOUND', 'No such person in the mirrored sources you may see.');
    return { view, accounts };
  }

  @Mutation(() => JobPayload, {
    description:
      'Creates one person in several sources: one unified input plus what each source adds (user types, facilities, username, password). Every source is checked first; when any is invalid nothing is sent and every problem is listed. Then a durable job creates the accounts (follow it with job(id)).',
  })
  async provisionPerson(@Args(() => ProvisionPersonArgs) args: ProvisionPersonArgs, @Ctx() ctx: RequestScope) {
    const jobs = ctx.jobs!;
    const plan: ProvisionPlan = {
      person: { ...args.input },
      sources: args.sources.map(({ password: _password, ...rest }) => ({ ...rest })),
    };
    const passwords = new Map<number, string>();
    args.sources.forEach((s, i) => s.password && passwords.set(i, s.password));
    const problems: UserErrorRecord[] = [];
    if (!ctx.may('users:write')) problems.push({ field: null, code: 'FORBIDDEN', message: 'This operation needs the users:write scope.' });
    else {
      const seen = new Set<string>();
      for (const [i, s] of args.sources.entries()) {
        if (seen.has(s.source)) problems.push({ field: `sources[${i}].source`, code: 'BAD_USER_INPUT', message: 'Each source may appear once.' });
        seen.add(s.source);
      }
      // Every source's checks (grant, capability, ids, the vendor's own rules) before any call.
      const each = await Promise.all(
        args.sources.map((s, i) => precheck(ctx, provisionWrite(plan, i, passwords.get(i) ?? null, null, ctx.findConnector(s.source)?.capabilities.personFields ?? []))),
      );
      each.forEach((list, i) => list.forEach((e) => problems.push(located(i, args.sources[i]!.source, e))));
    }
    if (problems.length) {
      await auditRefusedJob(ctx, 'provisionPerson', problems);
      return { job: null, userErrors: problems };
    }
    const id = Jobs.idFor(ctx.caller, args.idempotencyKey ?? null);
    const fingerprint = JSON.stringify(plan);
    const existing = await jobs.get(id);
    if (existing) {
      if (existing.input.fingerprint !== fingerprint) return { job: null, userErrors: [{ field: 'idempotencyKey', code: 'CONFLICT', message: 'idempotencyKey was already used with a different operation or input.' }] };
      return { job: this.presentJob(ctx, existing), userErrors: [] };
    }
    return { job: this.presentJob(ctx, await jobs.startProvision(ctx.caller, id, plan, passwords, fingerprint)), userErrors: [] };
  }

  @Query(() => Job, { nullable: true, description: 'A provisioning or off-boarding job; null when unknown. Needs users:write (a job is a write).' })
  async job(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    if (!ctx.may('users:write')) throw Object.assign(new Error('job needs the users:write scope.'), { extensions: { code: 'FORBIDDEN', scope: 'users:write' } });
    const job = await ctx.jobs!.get(id);
    return job ? this.presentJob(ctx, job) : null;
  }

  @Mutation(() => JobPayload, { description: 'Runs a job again for its FAILED and UNKNOWN accounts; each is read first, so nothing is written twice.' })
  async retryJob(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestScope) {
    if (!ctx.may('users:write')) return { job: null, userErrors: [{ field: null, code: 'FORBIDDEN', message: 'This operation needs the users:write scope.' }] };
    const job = await ctx.jobs!.retry(id, ctx.caller);
    if (!job) return { job: null, userErrors: [{ field: 'id', code: 'NOT_FOUND', message: 'No job with this id.' }] };
    return { job: this.presentJob(ctx, job), userErrors: [] };
  }

  private presentJob(ctx: RequestScope, job: JobRow) {
    const results = job.accounts.filter((a) => ctx.findConnector(a.sourceId)).map((a: JobAccountRow) => ({ ...a, source: a.sourceId, userId: resultUserId(a) }));
    return { id: job.id, kind: job.kind, state: job.state, createdAt: job.createdAt, updatedAt: job.updatedAt, results };
  }

  /** Each id is a User of a mirrored source the caller sees (else NOT_FOUND); users:write first. */
  private async checkAccounts(ctx: RequestScope, ids: Array<{ id: string; field: string }>): Promise<UserErrorRecord[]> {
    if (!ctx.may('users:write')) return [{ field: null, code: 'FORBIDDEN', message: 'This operation needs the users:write scope.' }];
    const problems: UserErrorRecord[] = [];
    for (const { id, field } of ids) {
      try {
        const { sourceId } = decodeId(id, field, 'User');
        if (!ctx.findConnector(sourceId) || !(await ctx.people!.hasAccount(id))) problems.push({ field, code: 'NOT_FOUND', message: 'No such account in the mirrored sources you may see.' });
      } catch (err) {
        if (!isSourceError(err)) throw err;
        problems.push({ field, code: err.code, message: err.message });
      }
    }
    return problems;
  }
}

@Resolver(() => User)
export class UserPersonResolver {
  @FieldResolver(() => Person, { nullable: true, description: 'The person this account is linked to (docs/people.md); null for a source without a mirror.' })
  async person(@Root() user: UserRecord, @Ctx() ctx: RequestScope) {
    if (!ctx.people) return null;
    return visible(ctx, await ctx.people.personOfAccount(encodeId('User', user.sourceId, user.nativeId)));
  }
}

@Resolver(() => JobResult)
export class JobResultResolver {
  @FieldResolver(() => User, { nullable: true })
  async user(@Root() r: JobAccountRow & { userId: string | null }, @Ctx() ctx: RequestScope) {
    if (!r.nativeId || !ctx.may('users:read')) return null;
    const user = await ctx.reader(r.sourceId).user(r.nativeId);
    return user ? presentUser(user) : null;
  }
}

/**
 * A vendor rule names its field as createUser does ("input.email"). In provisionPerson the person's
 * fields are `input.…` as well; a source's own ones (username, password, ids) are `sources[i].…`.
 * The message says which source refused.
 */
const PERSON_FIELDS = new Set(['firstName', 'lastName', 'middleInitial', 'email', 'phone', 'title', 'employeeNumber', 'npi']);
function located(i: number, source: string, e: UserErrorRecord): UserErrorRecord {
  const message = `${source}: ${e.message}`;
  if (!e.field) return { ...e, field: `sources[${i}]`, message };
  if (e.field.startsWith('sources[')) return { ...e, message };
  const name = e.field.replace(/^input\./, '');
  return { ...e, field: PERSON_FIELDS.has(name.split(/[.[]/)[0]!) ? `input.${name}` : `sources[${i}].${name}`, message };
}
