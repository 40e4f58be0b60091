import type { MaybePromise, ReadCosts, SourceReader } from '../core/connector';
import type { UserRecord } from '../core/model';

export type RelationKind = 'userTypes' | 'facilityAccess';

/** Which relations the query asks of every user on a `users` page (src/schema/selection.ts, pageNodeFields). */
export type AskedRelations = Record<RelationKind, boolean>;

/**
 * Relations the users walk starts for the users it has just put on the page, before graphql asks
 * (docs/architecture.md §10): where a relation costs a vendor call per user (CorEMR's types and
 * facilities), those calls then start the moment that source's list arrives, not once every
 * source's first page is in and graphql reaches the field. Only for users certainly on the page
 * and fields graphql will certainly ask, so no call is made that would not have been.
 *
 * Each started answer is handed over once, to graphql's own ask (`take`): a failure is reported
 * there, once, exactly as if the call had started then. Per request.
 */
export class EarlyRelations {
  private readonly started = new Map<string, MaybePromise<unknown>>();

  /** Starts the asked relations of `users` that cost a call per user at this source. */
  start(reader: SourceReader, costs: ReadCosts, users: readonly UserRecord[], asked: AskedRelations): void {
    if (users.length === 0) return;
    if (asked.userTypes && perUser(costs.userTypesOf)) for (const u of users) this.keep('userTypes', u, reader.userTypesOf(u));
    if (asked.facilityAccess && perUser(costs.facilityAccessOf)) for (const u of users) this.keep('facilityAccess', u, reader.facilityAccessOf(u));
  }

  /** The answer started for this user's relation, once; undefined when none was started. */
  take<T>(kind: RelationKind, user: UserRecord): MaybePromise<T> | undefined {
    if (this.started.size === 0) return undefined; // the common case: no per-user relation on this page
    const key = keyOf(kind, user);
    const answer = this.started.get(key);
    if (answer !== undefined) this.started.delete(key);
    return answer as MaybePromise<T> | undefined;
  }

  private keep(kind: RelationKind, user: UserRecord, answer: MaybePromise<unknown>): void {
    // Handled here so a failure before graphql takes it is not an unhandled rejection; graphql
    // still sees the rejection when it awaits the same promise.
    if (answer instanceof Promise) answer.catch(() => undefined);
    this.started.set(keyOf(kind, user), answer);
  }
}

/** A relation whose cost grows with every user (a call each), not a catalog or a batch paid once. */
function perUser(cost: (n: number) => number): boolean {
  return cost(2) > cost(1);
}

function keyOf(kind: RelationKind, user: UserRecord): string {
  return `${kind}\u0000${user.sourceId}\u0000${user.nativeId}`;
}
