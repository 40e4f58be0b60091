/**
 * Linking accounts into people (docs/people.md): pure, over the accounts the mirrors hold and the
 * manual decisions in the store. The rules, strongest first:
 *  - MANUAL: an operator said these accounts are one person (linkAccounts), or that this account
 *    stands alone (unlinkAccount). A decision beats every rule.
 *  - NPI: the same National Provider Identifier.
 *  - EMAIL: the same e-mail address, trimmed and case-folded (an account's e-mail, and its username
 *    when the username is an e-mail address).
 *  - EMPLOYEE_NUMBER: the same employee number between sources of one organization.
 * Names never link on their own. A merge that would put two different NPIs, or two different
 * manual groups, into one person is refused: every account sharing the identifier that asked for
 * it is a conflict, reported with the people it matched, and none of them is merged through that
 * identifier. Nothing is guessed. The result does not depend on the order of the accounts.
 */
export type MatchRule = 'MANUAL' | 'NPI' | 'EMAIL' | 'EMPLOYEE_NUMBER';

export interface LinkAccount {
  /** The account's global User id. */
  key: string;
  npi: string | null;
  /** Case-folded addresses (see linkIdentifiers). */
  emails: readonly string[];
  /** `organization` + employee number, or null. */
  employeeKey: string | null;
}

export interface ManualDecisions {
  /** Account key → manual group id (accounts an operator linked). */
  groups: ReadonlyMap<string, string>;
  /** Accounts an operator said stand alone. */
  alone: ReadonlySet<string>;
}

export interface LinkedPerson {
  /** The person's anchor: the smallest account key in it (its id is derived from this). */
  anchor: string;
  accounts: string[];
  matchedOn: MatchRule[];
}

export interface LinkConflict {
  account: string;
  rule: MatchRule;
  /** The anchors of the people the account matched (two or more, or one it could not join). */
  candidates: string[];
}

export interface Linking {
  people: LinkedPerson[];
  conflicts: LinkConflict[];
  /** Account key → its person's anchor. */
  personOf: ReadonlyMap<string, string>;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The identifiers linking reads from one account (a user record of the unified model). */
export function linkIdentifiers(
  key: string,
  user: { email: string | null; username: string | null; identifiers: { npi: string | null; employeeNumber: string | null; externalId: string | null } | null },
  organization: string,
): LinkAccount {
  const emails = new Set<string>();
  for (const candidate of [user.email, user.username]) {
    const folded = candidate?.trim().toLowerCase();
    if (folded && EMAIL_SHAPE.test(folded)) emails.add(folded);
  }
  const npi = user.identifiers?.npi?.trim() || null;
  const employee = user.identifiers?.employeeNumber?.trim() || user.identifiers?.externalId?.trim() || null;
  return { key, npi, emails: [...emails].sort(), employeeKey: employee ? `${organization}\u0000${employee}` : null };
}

class Sets {
  private readonly parent = new Map<string, string>();
  readonly npis = new Map<string, Set<string>>();
  readonly manual = new Map<string, Set<string>>();
  readonly rules = new Map<string, Set<MatchRule>>();

  add(a: LinkAccount, group: string | undefined): void {
    this.parent.set(a.key, a.key);
    this.npis.set(a.key, new Set(a.npi ? [a.npi] : []));
    this.manual.set(a.key, new Set(group ? [group] : []));
    this.rules.set(a.key, new Set());
  }

  root(k: string): string {
    let r = k;
    while (this.parent.get(r) !== r) r = this.parent.get(r)!;
    // Path compression: later lookups are one step.
    for (let x = k; x !== r; ) {
      const next = this.parent.get(x)!;
      this.parent.set(x, r);
      x = next;
    }
    return r;
  }

  /** Whether these roots may become one person: at most one NPI and one manual group between them. */
  compatible(roots: readonly string[]): boolean {
    const npis = new Set<string>();
    const groups = new Set<string>();
    for (const r of roots) {
      for (const n of this.npis.get(r)!) npis.add(n);
      for (const g of this.manual.get(r)!) groups.add(g);
    }
    return npis.size <= 1 && groups.size <= 1;
  }

  union(roots: readonly string[], rule: MatchRule): void {
    const [keep, ...rest] = [...roots].sort();
    for (const r of rest) {
      this.parent.set(r, keep!);
      for (const n of this.npis.get(r)!) this.npis.get(keep!)!.add(n);
      for (const g of this.manual.get(r)!) this.manual.get(keep!)!.add(g);
      for (const x of this.rules.get(r)!) this.rules.get(keep!)!.add(x);
    }
    this.rules.get(keep!)!.add(rule);
  }
}

const RULE_ROUNDS: ReadonlyArray<{ rule: MatchRule; keys: (a: LinkAccount) => readonly string[] }> = [
  { rule: 'NPI', keys: (a) => (a.npi ? [a.npi] : []) },
  { rule: 'EMAIL', keys: (a) => a.emails },
  { rule: 'EMPLOYEE_NUMBER', keys: (a) => (a.employeeKey ? [a.employeeKey] : []) },
];

export function linkPeople(accounts: readonly LinkAccount[], manual: ManualDecisions): Linking {
  const sorted = [...accounts].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const known = new Set(sorted.map((a) => a.key));
  const sets = new Sets();
  for (const a of sorted) sets.add(a, manual.groups.get(a.key));

  // Manual groups first: an operator's word is the strongest link there is.
  const byGroup = new Map<string, string[]>();
  for (const [key, group] of manual.groups) if (known.has(key)) byGroup.set(group, [...(byGroup.get(group) ?? []), key]);
  for (const members of [...byGroup.values()]) if (members.length > 1) sets.union([...new Set(members.map((m) => sets.root(m)))], 'MANUAL');

  // Then each rule, bucket by bucket (one bucket = the accounts sharing one NPI, one address or
  // one employee number). A bucket whose accounts cannot all be one person is not merged at all:
  // every account in it is reported, and no choice is made between the people it points at.
  const conflicts: LinkConflict[] = [];
  const linkable = sorted.filter((a) => !manual.alone.has(a.key));
  for (const { rule, keys } of RULE_ROUNDS) {
    const buckets = new Map<string, string[]>();
    for (const a of linkable) for (const k of keys(a)) buckets.set(k, [...(buckets.get(k) ?? []), a.key]);
    for (const k of [...buckets.keys()].sort()) {
      const bucket = buckets.get(k)!;
      const roots = [...new Set(bucket.map((b) => sets.root(b)))];
      if (roots.length < 2) continue;
      if (sets.compatible(roots)) {
        sets.union(roots, rule);
        continue;
      }
      for (const account of bucket) {
        const own = sets.root(account);
        conflicts.push({ account, rule, candidates: roots.filter((r) => r !== own) });
      }
    }
  }

  const members = new Map<string, string[]>();
  for (const a of sorted) {
    const r = sets.root(a.key);
    members.set(r, [...(members.get(r) ?? []), a.key]);
  }
  const personOf = new Map<string, string>();
  const people: LinkedPerson[] = [];
  for (const [root, keys] of members) {
    const anchor = keys[0]!; // sorted: the smallest key
    for (const k of keys) personOf.set(k, anchor);
    const rules = sets.rules.get(root)!;
    people.push({ anchor, accounts: keys, matchedOn: RULE_ORDER.filter((r) => rules.has(r)) });
  }
  // Conflicts name people by anchor, which is only known now.
  for (const c of conflicts) c.candidates = [...new Set(c.candidates.map((r) => personOf.get(r)!))].sort();
  people.sort((a, b) => (a.anchor < b.anchor ? -1 : 1));
  return { people, conflicts, personOf };
}

const RULE_ORDER: readonly MatchRule[] = ['MANUAL', 'NPI', 'EMAIL', 'EMPLOYEE_NUMBER'];
