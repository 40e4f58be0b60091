import { randomUUID } from 'node:crypto';
import { encodeId } from '../../core/ids';
import type { Mirror } from '../mirror/mirror';
import type { MirroredRecord, SourceSnapshot } from '../mirror/snapshot';
import type { LinkDecisions, PeopleRepository } from '../../store/people-repository';
import { linkIdentifiers, linkPeople, type LinkConflict, type Linking, type MatchRule } from './link';

/** One person as the schema shows it: the accounts are mirrored user records. */
export interface PersonView {
  /** Global Person id (derived from the anchor account). */
  id: string;
  anchor: string;
  displayName: string;
  accounts: MirroredRecord[];
  matchedOn: MatchRule[];
}

interface Linked {
  linking: Linking;
  accounts: Map<string, MirroredRecord>;
  people: Map<string, PersonView>;
}

export const personId = (anchor: string): string => encodeId('Person', '', anchor);

/**
 * People over the mirrors (docs/people.md). Created once at start. The linking is computed when a
 * request first asks after a mirror changed (a refresh or a gateway write swaps a snapshot) or a
 * decision was stored, and shared by every request until then: a few thousand accounts link in
 * milliseconds, so nothing is kept in the store but the operators' decisions.
 */
export class People {
  private decisions: LinkDecisions | null = null;
  private decisionsAt = 0;
  private cached: { snapshots: readonly SourceSnapshot[]; decisions: LinkDecisions; linked: Linked } | null = null;

  constructor(
    private readonly mirror: Mirror,
    private readonly repo: PeopleRepository,
    /** The organization whose employee numbers a source holds (default: the source itself). */
    private readonly organizationOf: (sourceId: string) => string,
  ) {}

  /** Sources whose accounts are linked: the mirrored ones. */
  sources(): string[] {
    return this.mirror.statuses().map((s) => s.source);
  }

  async current(): Promise<Linked> {
    // Read again every few seconds: another instance on the same store may have decided since.
    if (!this.decisions || Date.now() - this.decisionsAt > DECISIONS_TTL_MS) await this.reloadDecisions();
    const decisions = this.decisions!;
    const snapshots = this.mirror.snapshots();
    const c = this.cached;
    if (c && c.decisions === decisions && c.snapshots.length === snapshots.length && c.snapshots.every((s, i) => s === snapshots[i])) return c.linked;
    const linked = this.compute(snapshots, decisions);
    this.cached = { snapshots, decisions, linked };
    return linked;
  }

  private compute(snapshots: readonly SourceSnapshot[], decisions: LinkDecisions): Linked {
    const accounts = new Map<string, MirroredRecord>();
    const input = [];
    for (const snap of snapshots) {
      const org = this.organizationOf(snap.sourceId);
      for (const user of snap.users.values()) {
        const key = encodeId('User', user.sourceId, user.nativeId);
        accounts.set(key, user);
        input.push(linkIdentifiers(key, user, org));
      }
    }
    const linking = linkPeople(input, decisions);
    const people = new Map<string, PersonView>();
    for (const p of linking.people) {
      const members = p.accounts.map((k) => accounts.get(k)!);
      people.set(p.anchor, { id: personId(p.anchor), anchor: p.anchor, displayName: commonName(members), accounts: members, matchedOn: p.matchedOn });
    }
    return { linking, accounts, people };
  }

  async personOfAccount(accountId: string): Promise<PersonView | null> {
    const { linking, people } = await this.current();
    const anchor = linking.personOf.get(accountId);
    return anchor ? people.get(anchor)! : null;
  }

  /** The person a Person id names: the one holding its anchor account now (null when that account is gone). */
  async byAnchor(anchor: string): Promise<PersonView | null> {
    return this.personOfAccount(anchor);
  }

  async conflicts(): Promise<LinkConflict[]> {
    return (await this.current()).linking.conflicts;
  }

  async link(accountIds: readonly string[], decidedBy: string): Promise<void> {
    await this.repo.link(accountIds, randomUUID(), decidedBy);
    await this.reloadDecisions();
  }

  async unlink(accountId: string, decidedBy: string): Promise<void> {
    await this.repo.unlink(accountId, decidedBy);
    await this.reloadDecisions();
  }

  /** A new object only when something changed, so the cached linking stays valid otherwise. */
  private async reloadDecisions(): Promise<void> {
    const next = await this.repo.decisions();
    this.decisionsAt = Date.now();
    if (this.decisions && sameDecisions(this.decisions, next)) return;
    this.decisions = next;
  }

  async hasAccount(accountId: string): Promise<boolean> {
    return (await this.current()).accounts.has(accountId);
  }
}

/** How long decisions read from the store are trusted before they are read again, ms. */
const DECISIONS_TTL_MS = 5_000;

function sameDecisions(a: LinkDecisions, b: LinkDecisions): boolean {
  if (a.groups.size !== b.groups.size || a.alone.size !== b.alone.size) return false;
  for (const [k, v] of a.groups) if (b.groups.get(k) !== v) return false;
  for (const k of a.alone) if (!b.alone.has(k)) return false;
  return true;
}

/** The display name most of the accounts agree on; a tie goes to the first account's. */
function commonName(accounts: readonly MirroredRecord[]): string {
  const counts = new Map<string, number>();
  for (const a of accounts) counts.set(a.displayName, (counts.get(a.displayName) ?? 0) + 1);
  let best = accounts[0]!.displayName;
  for (const [name, n] of counts) if (n > counts.get(best)!) best = name;
  return best;
}
