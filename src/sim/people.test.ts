import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROSTER, ROSTER_MIN_USERS, includesRoster, type PersonKey } from './people';
import { seedWithPeople as coremrSeed } from '../vendors/coremr/simulator/seed-users';
import { seedWithPeople as icureSeed } from '../vendors/icure/simulator/seed';
import { seedWithPeople as opendentalSeed } from '../vendors/opendental/simulator/seed';
import { seedWithPeople as painchekSeed } from '../vendors/painchek/simulator/seed';
import { seedWithPeople as presentationservicesSeed } from '../vendors/presentationservices/simulator/seed';
import { PEOPLE_VENDORS, accountKey, pairKey, seededAccounts, truePairs, truePeople } from '../../test/support/people-truth';

/**
 * The seeded people: the roster accounts appear from ROSTER_MIN_USERS users on, carry the mess
 * they claim, and the linking rules (NPI, case-folded e-mail or e-mail-shaped username, employee
 * number within one organization) over every seeded record find exactly the true pairs.
 */

/** One seeded account as the linking rules see it, mapped by hand from the vendor's own fields. */
interface Seeded {
  vendor: string;
  nativeId: string;
  person: PersonKey | null;
  email: string | null;
  username: string | null;
  firstName: string | null;
  lastName: string | null;
  npi: string | null;
  employeeNumber: string | null;
  active: boolean;
}

/** The demo's organizations: CorEMR and PainChek are the county's; every other source stands alone. */
const ORGANIZATION: Record<string, string> = { coremr: 'county', painchek: 'county' };
const orgOf = (vendor: string) => ORGANIZATION[vendor] ?? vendor;

function seeded(vendor: string, count: number, seed: number): Seeded[] {
  const blank = (s: string | null | undefined) => (s && s.trim() !== '' ? s : null);
  switch (vendor) {
    case 'coremr':
      return coremrSeed(count, seed).map(({ person, user: { record: r } }) => ({
        vendor, nativeId: r.username, person, email: r.email, username: r.username, firstName: r.fname, lastName: r.lname,
        npi: r.npi_number, employeeNumber: r.employee_number, active: r.active,
      }));
    case 'opendental': {
      const { data, people } = opendentalSeed(count, seed);
      return data.users.map((u) => ({
        vendor, nativeId: String(u.UserNum), person: people.get(u.UserNum) ?? null, email: blank(u.emailAddress), username: u.UserName,
        firstName: null, lastName: null, npi: null, employeeNumber: u.EmployeeNum === 0 ? null : String(u.EmployeeNum), active: !u.IsHidden,
      }));
    }
    case 'painchek': {
      const { data, people } = painchekSeed(count, seed);
      return [...data.users.values()].map((u) => ({
        vendor, nativeId: u.uuid, person: people.get(u.uuid) ?? null, email: blank(u.email), username: blank(u.email),
        firstName: u.first_name, lastName: u.last_name, npi: null, employeeNumber: u.external_id, active: u.is_active,
      }));
    }
    case 'icure': {
      const { users, people } = icureSeed(count, seed);
      return users.map((u) => {
        const [first, ...rest] = (u.name ?? '').replace(/^Dr\. /, '').split(' ');
        return {
          vendor, nativeId: u.id, person: people.get(u.id) ?? null, email: blank(u.email), username: blank(u.login),
          firstName: first || null, lastName: rest.join(' ') || null, npi: null, employeeNumber: null, active: u.status === 'ACTIVE',
        };
      });
    }
    case 'presentationservices': {
      const { data, people } = presentationservicesSeed({ users: count, seed, api: { userId: 'staffgraph', username: 'staffgraph', password: 'not-used-here' } });
      return data.users.map((u) => ({
        vendor, nativeId: u.userId, person: people.get(u.userId) ?? null, email: blank(u.email), username: u.username,
        firstName: u.firstName, lastName: u.lastName, npi: null, employeeNumber: null, active: u.status === 'ACTIVE',
      }));
    }
    default:
      throw new Error(vendor);
  }
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The addresses an account links by: its e-mail and an e-mail-shaped username, trimmed and case-folded. */
function emailsOf(a: Seeded): string[] {
  return [...new Set([a.email, a.username].flatMap((s) => { const f = s?.trim().toLowerCase(); return f && EMAIL_SHAPE.test(f) ? [f] : []; }))];
}

/** The link keys of one account; two accounts sharing any key are one person. */
function linkKeys(a: Seeded): string[] {
  return [
    ...(a.npi ? [`npi ${a.npi}`] : []),
    ...emailsOf(a).map((e) => `email ${e}`),
    ...(a.employeeNumber ? [`employee ${orgOf(a.vendor)} ${a.employeeNumber.trim()}`] : []),
  ];
}

/** Every pair of accounts the rules put into one person (through any chain of shared keys). */
function linkedPairs(accounts: readonly Seeded[]): string[] {
  const parent = new Map<string, string>();
  const root = (k: string): string => (parent.get(k) === k ? k : root(parent.get(k)!));
  const byKey = new Map<string, string>();
  for (const a of accounts) {
    const me = accountKey(a);
    assert.ok(!parent.has(me), `duplicate native id ${me}`);
    parent.set(me, me);
    for (const key of linkKeys(a)) {
      const other = byKey.get(key);
      if (other) parent.set(root(me), root(other));
      else byKey.set(key, me);
    }
  }
  const groups = new Map<string, string[]>();
  for (const k of parent.keys()) groups.set(root(k), [...(groups.get(root(k)) ?? []), k]);
  const pairs: string[] = [];
  for (const members of groups.values()) {
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) {
      const [vi, ...ni] = members[i]!.split(':');
      const [vj, ...nj] = members[j]!.split(':');
      pairs.push(pairKey({ vendor: vi!, nativeId: ni.join(':') }, { vendor: vj!, nativeId: nj.join(':') }));
    }
  }
  return pairs.sort();
}

const all = (count: number, seed: number) => PEOPLE_VENDORS.flatMap((v) => seeded(v, count, seed));
const rosterOf = (count: number, seed: number) => all(count, seed).filter((a) => a.person !== null);
const accountsOf = (accounts: readonly Seeded[], person: PersonKey) => accounts.filter((a) => a.person === person);

describe('seeded people', () => {
  test('ROSTER_MIN_USERS decides; the roster is well formed', () => {
    assert.equal(ROSTER_MIN_USERS, 40);
    assert.deepEqual([includesRoster(39), includesRoster(40), includesRoster(120)], [false, true, true]);
    assert.ok(ROSTER.length >= 8 && ROSTER.length <= 12);
    for (const p of ROSTER) {
      assert.match(p.email, /^[a-z]+(\.[a-z]+)+@county\.example\.org$/, p.key);
      assert.match(p.employeeNumber, /^E9\d{5}$/, p.key);
      if (p.npi !== null) assert.match(p.npi, /^1\d{9}$/, p.key);
    }
    assert.equal(new Set(ROSTER.map((p) => p.email)).size, ROSTER.length);
    assert.equal(new Set(ROSTER.map((p) => p.employeeNumber)).size, ROSTER.length);
  });

  test('the same seed gives the same roster accounts; they are the same at 40 and 120 users except Open Dental positions', () => {
    for (const v of PEOPLE_VENDORS) {
      assert.deepEqual(seededAccounts(v, 120, 1), seededAccounts(v, 120, 1), v);
      assert.deepEqual(rosterOf(120, 7).filter((a) => a.vendor === v), rosterOf(120, 7).filter((a) => a.vendor === v), v);
      const at40 = seededAccounts(v, 40, 1);
      const at120 = seededAccounts(v, 120, 1);
      assert.deepEqual(at40.map((a) => a.person), at120.map((a) => a.person), v);
      // Open Dental's native id is the UserNum, a position; every other vendor draws roster ids apart from the count.
      if (v !== 'opendental') assert.deepEqual(at40, at120, v);
    }
    // Open Dental numbers its roster accounts and their employees in sequence; the others hold them the same at any count.
    const fixed = (count: number) => rosterOf(count, 3).filter((a) => a.vendor !== 'opendental');
    assert.deepEqual(fixed(40), fixed(120), 'the roster records do not depend on the count');
  });

  test('no roster account below 40 users; from 40 on all of them, in the last positions, the total unchanged', () => {
    for (const seed of [1, 7]) {
      for (const v of PEOPLE_VENDORS) assert.deepEqual(seededAccounts(v, 39, seed), [], `${v} at 39`);
      assert.deepEqual(rosterOf(39, seed), []);
      for (const count of [40, 120]) {
        const people = truePeople(count, seed);
        assert.deepEqual([...people.keys()].sort(), ROSTER.map((p) => p.key).sort(), `every person at ${count}`);
        for (const v of PEOPLE_VENDORS) {
          const accounts = seeded(v, count, seed);
          const roster = accounts.filter((a) => a.person !== null);
          assert.ok(roster.length > 0, v);
          // PresentationServices counts its API account among the users; iCure adds it after them.
          const total = v === 'icure' ? count + 1 : count;
          assert.equal(accounts.length, total, `${v} keeps ${count} users`);
          if (v === 'opendental') {
            // The last UserNums, skipping the CEMT slot (every 50th) that stays a CEMT user.
            const last = accounts.filter((a) => Number(a.nativeId) % 50 !== 0).slice(-roster.length);
            assert.deepEqual(last, roster);
          } else {
            const end = v === 'icure' ? -1 : undefined;
            assert.deepEqual(accounts.slice(0, end).slice(-roster.length), roster, `${v}: roster accounts last`);
          }
        }
      }
    }
  });

  test('the generated users before the roster are the users the same seed gave without it', () => {
    // Below 40 nothing changes at all; above, the first users are those of a roster-less seed.
    const head = (v: string, count: number) => seeded(v, count, 1).filter((a) => a.person === null).slice(0, 30);
    for (const v of PEOPLE_VENDORS) assert.deepEqual(head(v, 120), head(v, 39).slice(0, 30), v);
  });

  test('every person holds accounts in 2 to 5 vendors, and one in all five', () => {
    for (const seed of [1, 7]) {
      const people = truePeople(120, seed);
      const vendorCounts = [...people.values()].map((accounts) => new Set(accounts.map((a) => a.vendor)).size);
      assert.ok(vendorCounts.every((n) => n >= 2 && n <= 5), String(vendorCounts));
      assert.ok(vendorCounts.includes(5));
    }
  });

  test('the mess is there: case, a missing e-mail, spelling variants, same-name strangers, two CorEMR accounts sharing an NPI', () => {
    const roster = rosterOf(120, 1);
    const emailsOfPerson = (p: PersonKey) => accountsOf(roster, p).map((a) => a.email);

    // Case: one person's address held in spellings that differ only in case.
    const caseMixed = ROSTER.filter((p) => {
      const raw = emailsOfPerson(p.key).filter((e): e is string => e !== null);
      return raw.some((x) => raw.some((y) => x !== y && x.toLowerCase() === y.toLowerCase()));
    });
    assert.ok(caseMixed.length >= 1, 'an address held in different case');

    // A missing e-mail, still linked: its username is the address in another case.
    const noEmail = roster.filter((a) => a.email === null);
    assert.ok(noEmail.length >= 1);
    for (const a of noEmail) {
      assert.ok(a.username && EMAIL_SHAPE.test(a.username) && a.username !== a.username.toLowerCase(), `${accountKey(a)}: login is the address in another case`);
      const others = accountsOf(roster, a.person!).filter((b) => b !== a);
      assert.ok(others.some((b) => b.email === a.username!.toLowerCase()), `${accountKey(a)} links by its login`);
    }

    // A spelling variant under one address: another first name, and a hyphenated surname.
    const variants = ROSTER.flatMap((p) => {
      const accounts = accountsOf(roster, p.key).filter((a) => a.firstName !== null);
      const sameAddress = (x: Seeded, y: Seeded) => emailsOf(x).some((e) => emailsOf(y).includes(e));
      return accounts.flatMap((x) => accounts.filter((y) => x !== y && sameAddress(x, y) && (x.firstName !== y.firstName || x.lastName !== y.lastName)).map((y) => [x, y] as const));
    });
    assert.ok(variants.some(([x, y]) => x.firstName !== y.firstName), 'a first name spelled differently');
    assert.ok(variants.some(([x, y]) => x.lastName !== y.lastName && `${x.lastName}${y.lastName}`.includes('-')), 'a hyphenated surname');

    // Same-name strangers: two people with one name, nothing in common to link on.
    const byName = new Map<string, Set<PersonKey>>();
    for (const p of ROSTER) byName.set(`${p.firstName} ${p.lastName}`, new Set([...(byName.get(`${p.firstName} ${p.lastName}`) ?? []), p.key]));
    const namesakes = [...byName.values()].filter((s) => s.size > 1).map((s) => [...s]);
    assert.ok(namesakes.length >= 1, 'two people with the same first and last name');
    for (const [x, y] of namesakes) {
      const keysX = new Set(accountsOf(roster, x!).flatMap(linkKeys));
      assert.ok(accountsOf(roster, y!).flatMap(linkKeys).every((k) => !keysX.has(k)), `${x} and ${y} share no identifier`);
      assert.ok(accountsOf(roster, x!).some((a) => accountsOf(roster, y!).some((b) => a.vendor === b.vendor && a.firstName === b.firstName && a.lastName === b.lastName)), 'they meet under one name in one system');
    }

    // One person, two CorEMR accounts: an old inactive one and a new one, the NPI their only link.
    const twice = ROSTER.map((p) => accountsOf(roster, p.key).filter((a) => a.vendor === 'coremr')).filter((a) => a.length === 2);
    assert.equal(twice.length, 1);
    const old = twice[0]!.find((a) => !a.active);
    const current = twice[0]!.find((a) => a.active);
    assert.equal(old!.active, false);
    assert.equal(current!.active, true);
    assert.ok(old!.npi && old!.npi === current!.npi);
    assert.notEqual(old!.username, current!.username);
    assert.notEqual(old!.email, current!.email);
    assert.deepEqual(linkKeys(old!).filter((k) => linkKeys(current!).includes(k)), [`npi ${old!.npi}`]);
    assert.ok(linkKeys(old!).every((k) => k.startsWith('npi ') || !all(120, 1).some((a) => accountKey(a) !== accountKey(old!) && linkKeys(a).includes(k))), 'the old account links by NPI only');
  });

  // 120 users at seeds 1 and 7 as asked; 1000 users at seed 3 draws enough CorEMR employee numbers
  // (5 random digits) that, without the seed's step-to-the-next-free-one, two would collide.
  for (const [count, seed] of [[120, 1], [120, 7], [1000, 3]] as const) {
    test(`the rules over every seeded record of the five simulators find exactly the true pairs (${count} users, seed ${seed})`, () => {
      const accounts = all(count, seed);
      const found = linkedPairs(accounts);
      const truth = truePairs(count, seed).map((p) => pairKey(p.a, p.b)).sort();
      assert.ok(truth.length >= 20, `${truth.length} true pairs`);
      const missed = truth.filter((p) => !found.includes(p));
      const extra = found.filter((p) => !truth.includes(p));
      assert.deepEqual({ missed, extra }, { missed: [], extra: [] });
      // No generated user links to anything.
      const linked = new Set(found.flatMap((p) => p.split(' ~ ')));
      assert.deepEqual(accounts.filter((a) => a.person === null && linked.has(accountKey(a))).map(accountKey), []);
    });
  }
});
