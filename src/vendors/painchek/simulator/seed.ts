import { includesRoster, type PersonKey } from '../../../sim/people';
import { FIRST_NAMES, LAST_NAMES, Rng, emailFor } from '../../../sim/seed';
import { rosterUsers } from './roster';
import {
  LICENSE_NAME,
  LICENSE_UUID,
  accessKey,
  auditSpaced,
  auditT,
  isoMicros,
  type SimAccess,
  type SimData,
  type SimSite,
  type SimUser,
} from './state';

/** The site the docs' User F belongs to ("St George Hospital / Kogarah"). */
export const ST_GEORGE_UUID = 'c186cf8e-708c-479e-acbd-d534f54b7e89';

/** The docs' two listed users, verbatim (phone/position "" as printed). */
const DOC_USERS: SimUser[] = [
  {
    uuid: 'c0d06995-87dd-4437-a92e-338f53b7dba5',
    email: 'user_e@painchek.com',
    first_name: 'User',
    last_name: 'E',
    phone: '',
    institution: null,
    position: '',
    avatar: null,
    has_activated: true,
    role: 'user',
    is_active: true,
    date_joined: '2017-08-28T12:13:38.364000Z',
    modified_at: '2017-09-01T07:49:55.055000Z',
    external_id: null,
    full_site_access: false,
  },
  {
    uuid: '0507f1a3-7d50-4f3e-a5ae-a8f3c318e151',
    email: 'user_f@painchek.com',
    first_name: 'User',
    last_name: 'F',
    phone: '',
    institution: ST_GEORGE_UUID,
    position: '',
    avatar: null,
    has_activated: true,
    role: 'admin',
    is_active: true,
    date_joined: '2017-11-09T22:51:43.901808Z',
    modified_at: '2017-11-17T23:03:15.653663Z',
    external_id: null,
    full_site_access: false,
  },
];

/** [name, type, city, state, beds, external_id]; St George first with the docs' uuid. */
const SITES: Array<[string, SimSite['type'], string, string, number, string | null]> = [
  ['St George Hospital / Kogarah', 1, 'Kogarah', 'NSW', 600, null],
  ['Banksia Lodge Care Home', 2, 'Hurstville', 'NSW', 84, 'SITE-0102'],
  ['Wattle Grove Care Home', 2, 'Parramatta', 'NSW', 120, 'SITE-0103'],
  ['Harbourview Aged Care', 2, 'Manly', 'NSW', 96, null],
  ['Riverside Community Hospital', 1, 'Penrith', 'NSW', 310, 'SITE-0105'],
  ['Eastern Suburbs Hospice', 3, 'Randwick', 'NSW', 24, null],
  ['Northside Private Hospital', 4, 'Chatswood', 'NSW', 180, 'SITE-0107'],
  ['Jacaranda Gardens Care Home', 2, 'Brisbane', 'QLD', 72, 'SITE-0108'],
];

const POSITIONS = ['Registered Nurse', 'Enrolled Nurse', 'Carer', 'Doctor', 'Physiotherapist', 'Clinical Nurse Consultant', 'Facility Manager', 'Personal Care Assistant'];

const FROM_MS = Date.UTC(2018, 0, 1);
const TO_MS = Date.UTC(2024, 11, 31);

/** A timestamp between two epoch-ms bounds, with microseconds, in the vendor's ISO format. */
function stamp(rng: Rng, fromMs: number, toMs: number): string {
  return isoMicros(rng.date(fromMs, toMs).getTime() * 1000 + rng.int(0, 999));
}

/**
 * Generated users' addresses are on the licence's own domain, so they never equal another
 * simulator's generated address (or a roster one: those carry no number).
 */
const EMAIL_DOMAIN = 'agedcare.example.org';

/**
 * Deterministic seed: the docs' users first, then generated users up to `userCount`, ~8 sites and
 * access records for most users (some revoked, with a two-entry audit). From ROSTER_MIN_USERS on,
 * the last users are the roster accounts (roster.ts): the generated users before them are the
 * same as without them; the access records after the users are drawn for them too.
 */
export function buildSeed(userCount: number, seed: number): SimData {
  return seedWithPeople(userCount, seed).data;
}

/** The seed and, by user uuid, the roster person each roster account belongs to (empty below ROSTER_MIN_USERS). */
export function seedWithPeople(userCount: number, seed: number): { data: SimData; people: Map<string, PersonKey> } {
  const rng = new Rng(seed);
  const apiUserUuid = rng.uuid();
  const sites: SimSite[] = SITES.map(([name, type, city, state, beds, externalId], i) => {
    const created = stamp(rng, Date.UTC(2017, 0, 1), Date.UTC(2018, 0, 1));
    return {
      uuid: i === 0 ? ST_GEORGE_UUID : rng.uuid(),
      license: LICENSE_UUID,
      license_name: LICENSE_NAME,
      type,
      name,
      phone: `+61 2 9${rng.digits(3)} ${rng.digits(4)}`,
      email: `admin@${name.toLowerCase().replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}.example.org`,
      address: `${rng.int(1, 400)} ${rng.pick(['Gray St', 'Princes Hwy', 'Railway Pde', 'Victoria Rd', 'High St'])}`,
      postcode: String(rng.int(2000, 2999)),
      city,
      state,
      country: 'AU',
      num_beds: beds,
      created_at: created,
      modified_at: created,
      deleted_at: null,
      update_stamp: i + 1,
      external_id: externalId,
    };
  });

  const users = new Map<string, SimUser>();
  const roster = includesRoster(userCount) ? rosterUsers(seed, sites) : [];
  for (const u of DOC_USERS.slice(0, userCount)) users.set(u.uuid, { ...u });
  for (let n = users.size; n < userCount - roster.length; n++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const roll = rng.next();
    const role = roll < 0.04 ? 'license_admin' : roll < 0.2 ? 'admin' : 'user';
    const joined = rng.date(FROM_MS, TO_MS).getTime();
    const institution = rng.chance(0.8) ? rng.pick(sites).uuid : null;
    // The docs show both "" and null for empty phone/position; keep both in the data.
    const blank = () => (rng.chance(0.5) ? '' : null);
    const user: SimUser = {
      uuid: rng.uuid(),
      email: emailFor(first, last, n, EMAIL_DOMAIN),
      first_name: first,
      last_name: last,
      phone: rng.chance(0.6) ? `+61 4${rng.digits(2)} ${rng.digits(3)} ${rng.digits(3)}` : blank(),
      institution,
      position: rng.chance(0.75) ? rng.pick(POSITIONS) : blank(),
      avatar: null,
      has_activated: rng.chance(0.88),
      role,
      is_active: rng.chance(0.9),
      date_joined: isoMicros(joined * 1000 + rng.int(0, 999)),
      modified_at: stamp(rng, joined, TO_MS + 1),
      // `EMP-` + the sequence number: never a CorEMR employee number ('E' + 5 digits) or a roster one.
      external_id: rng.chance(0.4) ? `EMP-${String(n).padStart(5, '0')}` : null,
      full_site_access: role !== 'user' && rng.chance(0.5),
    };
    users.set(user.uuid, user);
  }
  const people = new Map<string, PersonKey>();
  for (const r of roster) {
    users.set(r.user.uuid, r.user);
    people.set(r.user.uuid, r.person);
  }

  const access = new Map<string, SimAccess>();
  const grant = (site: string, user: SimUser, active: boolean) => {
    const created = stamp(rng, Date.parse(user.date_joined), TO_MS + 1);
    const audit = [{ user: user.uuid, site, active: true, changed_by: apiUserUuid, changed_at: auditSpaced(created) }];
    let modified = created;
    if (!active) {
      modified = stamp(rng, Date.parse(created), TO_MS + 2);
      audit.push({ user: user.uuid, site, active: false, changed_by: apiUserUuid, changed_at: auditT(modified) });
    }
    access.set(accessKey(site, user.uuid), {
      uuid: rng.uuid(),
      site,
      active,
      audit,
      user: user.uuid,
      created_by: apiUserUuid,
      created_at: created,
      modified_by: apiUserUuid,
      modified_at: modified,
    });
  };
  for (const user of users.values()) {
    if (user.uuid === DOC_USERS[0]!.uuid) continue; // User E: no site access at all
    if (user.uuid === DOC_USERS[1]!.uuid) {
      grant(ST_GEORGE_UUID, user, true);
      continue;
    }
    if (!rng.chance(0.85)) continue;
    const chosen = new Set<string>();
    if (user.institution && rng.chance(0.9)) chosen.add(user.institution);
    const extra = rng.int(0, 2);
    for (let i = 0; i < extra; i++) chosen.add(rng.pick(sites).uuid);
    for (const site of chosen) grant(site, user, !rng.chance(0.1));
  }
  return { data: { users, sites, access, apiUserUuid }, people };
}
