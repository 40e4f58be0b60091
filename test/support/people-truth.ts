import type { PersonKey } from '../../src/sim/people';
import { seedWithPeople as coremrSeed } from '../../src/vendors/coremr/simulator/seed-users';
import { seedWithPeople as icureSeed } from '../../src/vendors/icure/simulator/seed';
import { seedWithPeople as opendentalSeed } from '../../src/vendors/opendental/simulator/seed';
import { seedWithPeople as painchekSeed } from '../../src/vendors/painchek/simulator/seed';
import { API_ACCOUNT } from '../../src/vendors/presentationservices/simulator';
import { seedWithPeople as presentationservicesSeed } from '../../src/vendors/presentationservices/simulator/seed';

/**
 * The ground truth of the seeded people: which simulator accounts belong to which roster person,
 * read from the seed functions themselves (so it follows the count and the seed, nothing is
 * hard-coded). A native id is what the gateway's mapper calls `nativeId`: the CorEMR username,
 * the Open Dental UserNum, the PainChek uuid, the iCure id and the PresentationServices userId.
 */

export const PEOPLE_VENDORS = ['coremr', 'opendental', 'painchek', 'icure', 'presentationservices'] as const;
export type PeopleVendor = (typeof PEOPLE_VENDORS)[number];

export interface SeededAccount {
  person: PersonKey;
  nativeId: string;
}

export interface AccountRef {
  vendor: string;
  nativeId: string;
}

export interface TruePair {
  person: PersonKey;
  /** The smaller of the two by accountKey. */
  a: AccountRef;
  b: AccountRef;
}

/** The roster accounts a simulator seeded with `count` users and `seed` holds, in seed order. */
export function seededAccounts(vendor: string, count: number, seed: number): SeededAccount[] {
  const people = peopleOf(vendor, count, seed);
  return [...people].map(([nativeId, person]) => ({ person, nativeId: String(nativeId) }));
}

function peopleOf(vendor: string, count: number, seed: number): Map<string | number, PersonKey> {
  switch (vendor) {
    case 'coremr':
      return new Map(coremrSeed(count, seed).flatMap((s) => (s.person ? [[s.user.record.username, s.person] as const] : [])));
    case 'opendental':
      return opendentalSeed(count, seed).people;
    case 'painchek':
      return painchekSeed(count, seed).people;
    case 'icure':
      return icureSeed(count, seed).people;
    case 'presentationservices':
      // The API account's password changes nothing in the roster accounts.
      return presentationservicesSeed({ users: count, seed, api: { ...API_ACCOUNT, password: 'not-used-here' } }).people;
    default:
      throw new Error(`no seeded people for vendor ${vendor}`);
  }
}

/** `vendor:nativeId`: one account across the five simulators. */
export function accountKey(a: AccountRef): string {
  return `${a.vendor}:${a.nativeId}`;
}

/** Each roster person's accounts across the five simulators (every simulator seeded alike). */
export function truePeople(count: number, seed: number, vendors: readonly string[] = PEOPLE_VENDORS): Map<PersonKey, AccountRef[]> {
  const out = new Map<PersonKey, AccountRef[]>();
  for (const vendor of vendors) {
    for (const { person, nativeId } of seededAccounts(vendor, count, seed)) {
      if (!out.has(person)) out.set(person, []);
      out.get(person)!.push({ vendor, nativeId });
    }
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Every pair of accounts of one person, same simulator included (a person may hold two accounts
 * in one), sorted by pairKey. Linking with full recall and precision finds exactly these.
 */
export function truePairs(count: number, seed: number, vendors: readonly string[] = PEOPLE_VENDORS): TruePair[] {
  const pairs: TruePair[] = [];
  for (const [person, accounts] of truePeople(count, seed, vendors)) {
    const sorted = [...accounts].sort((x, y) => accountKey(x).localeCompare(accountKey(y)));
    for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) pairs.push({ person, a: sorted[i]!, b: sorted[j]! });
  }
  return pairs.sort((x, y) => pairKey(x.a, x.b).localeCompare(pairKey(y.a, y.b)));
}

/** One unordered pair as a string, the same whichever account comes first. */
export function pairKey(x: AccountRef, y: AccountRef): string {
  const [a, b] = [accountKey(x), accountKey(y)].sort();
  return `${a} ~ ${b}`;
}
