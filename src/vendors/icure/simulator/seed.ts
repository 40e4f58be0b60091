import { includesRoster, type PersonKey } from '../../../sim/people';
import { FIRST_NAMES, LAST_NAMES, Rng, emailFor } from '../../../sim/seed';
import examples from '../fixtures/users.json';
import { rosterUsers } from './roster';
import { hashPassword, nextRev, type StoredUser } from './state';

/** Default number of seeded users (the example records included, the gateway's account not). */
export const DEFAULT_USERS = 300;
/** Login of the API account the gateway uses; its password is derived from the seed. */
export const API_LOGIN = 'staffgraph-gateway';

/** Role sets seen on iCure users, most common first (roles are free strings in iCure). */
const ROLE_SETS: ReadonlyArray<readonly string[]> = [
  ['HCP'], ['HCP'], ['HCP'], ['HCP'], ['HCP', 'ADMIN'], ['HCP', 'PATIENT_MANAGER'], ['PATIENT_MANAGER'],
  ['BASIC_USER'], ['HCP', 'MEDICAL_DATA_ADMIN'], ['SECRETARY'], [],
];

/** Logins that only survive a round trip through `startKey` when percent-encoded properly. */
const AWKWARD_LOGINS = [(n: number) => `o'brien+icu ${n}@example.org`, (n: number) => `zoë&co=${n}%#`, (n: number) => `ward 7/${n}?x`];

/**
 * Generated users' addresses are on the group's own domain, so they never equal another
 * simulator's generated address (or a roster one: those carry no number).
 */
const EMAIL_DOMAIN = 'zorgnet.example.org';

/** The example records of the docs and NOTES (fixtures/users.json), in their stored form. */
const EXAMPLE_KEYS = ['full', 'minimal', 'disabled', 'registering', 'deleted'] as const;

/**
 * Deterministic users: the example records first, then generated ones up to `count`, then the
 * gateway's API account. Same seed → same users, ids, revs and password on every machine.
 * Dates are fixed epoch ms between 2018 and 2024 (not "now"), so they do not move between runs.
 * From ROSTER_MIN_USERS on, the last of the `count` users are the roster accounts (roster.ts); the
 * generated users before them are the same as without them.
 */
export function seedUsers(count: number, seed: number): { users: StoredUser[]; api: { username: string; password: string } } {
  const { users, api } = seedWithPeople(count, seed);
  return { users, api };
}

/** The seed and, by user id, the roster person each roster account belongs to (empty below ROSTER_MIN_USERS). */
export function seedWithPeople(count: number, seed: number): { users: StoredUser[]; api: { username: string; password: string }; people: Map<string, PersonKey> } {
  const rng = new Rng(seed);
  const users: StoredUser[] = EXAMPLE_KEYS.slice(0, Math.max(0, count)).map((k) => ({ ...(structuredClone(examples[k]) as StoredUser) }));
  const from = Date.UTC(2018, 0, 1);
  const to = Date.UTC(2024, 11, 31);
  const roster = includesRoster(count) ? rosterUsers(seed) : [];

  for (let n = users.length; n < count - roster.length; n++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const email = emailFor(first, last, n, EMAIL_DOMAIN);
    const loginStyle = rng.next();
    const login =
      n % 37 === 11 ? AWKWARD_LOGINS[Math.floor(n / 37) % AWKWARD_LOGINS.length]!(n)
      : loginStyle < 0.75 ? email
      : `${first.normalize('NFD').replace(/[^A-Za-z]/g, '').charAt(0)}${last.normalize('NFD').replace(/[^A-Za-z]/g, '')}${n}`.toLowerCase();
    const created = rng.date(from, to).getTime();
    const statusDraw = rng.next();
    const user: StoredUser = {
      id: rng.uuid(),
      created,
      createdDate: created,
      name: rng.chance(0.3) ? `Dr. ${first} ${last}` : `${first} ${last}`,
      login,
      email: rng.chance(0.95) ? email : undefined,
      mobilePhone: rng.chance(0.6) ? `+32 4${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)} ${rng.digits(2)}` : undefined,
      status: statusDraw < 0.08 ? 'DISABLED' : statusDraw < 0.13 ? 'REGISTERING' : 'ACTIVE',
      type: rng.chance(0.9) ? 'database' : 'ldap',
      roles: [...rng.pick(ROLE_SETS)],
      healthcarePartyId: rng.chance(0.85) ? rng.uuid() : undefined,
      properties: rng.chance(0.2)
        ? [{ id: 'org.taktik.icure.user.preferredLanguage', type: { identifier: 'org.taktik.icure.user.preferredLanguage', type: 'STRING' }, typedValue: { type: 'STRING', stringValue: rng.pick(['nl', 'fr', 'en', 'de']) } }]
        : undefined,
      // Nobody knows these passwords: seeded users cannot log in, only the API account can.
      passwordHash: hashPassword(rng.hex(24)),
      deletionDate: rng.chance(0.03) ? created + rng.int(1, 400) * 86_400_000 : undefined,
    };
    for (const [k, v] of Object.entries(user)) if (v === undefined) delete user[k];
    user.rev = nextRev(user, rng.int(0, 4));
    users.push(user);
  }
  const people = new Map<string, PersonKey>();
  for (const r of roster) {
    users.push(r.user);
    people.set(r.user.id, r.person);
  }

  // A separate generator, so the account does not shift when `count` changes.
  const accountRng = new Rng(seed ^ 0x1c0de);
  const api = { username: API_LOGIN, password: `sg-${accountRng.hex(32)}` };
  const account: StoredUser = {
    id: accountRng.uuid(),
    created: Date.UTC(2018, 0, 1),
    createdDate: Date.UTC(2018, 0, 1),
    name: 'staffgraph gateway',
    login: API_LOGIN,
    status: 'ACTIVE',
    type: 'database',
    roles: ['ADMIN'],
    passwordHash: hashPassword(api.password),
  };
  account.rev = nextRev(account, 0);
  users.push(account);
  return { users, api, people };
}
