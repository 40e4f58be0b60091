import { ROSTER_NPIS, includesRoster, type PersonKey } from '../../../sim/people';
import { CLINICAL_TITLES, FIRST_NAMES, LAST_NAMES, Rng, emailFor } from '../../../sim/seed';
import { ENC_CATEGORY, ENC_CATEGORIES_ALL, type CoremrUser } from '../records';
import { FACILITIES } from './catalog';
import { rosterUsers } from './roster';
import { digestPassword, isoSeconds, type SimUser } from './state';

/**
 * Deterministic seed: the same `seed` and `count` give the same users on every machine. The doc
 * has no example records, so the first user is a fixed, fully populated administrator and the
 * rest are generated. Dates are drawn against a fixed "now" (2025-06-01) rather than the clock.
 * From ROSTER_MIN_USERS users on, the last positions are this install's slice of the shared
 * roster (roster.ts); the generated users before them are the same as without it.
 */
const NOW_MS = Date.UTC(2025, 5, 1);
const CREATED_FROM_MS = Date.UTC(2014, 0, 1);
const CREATED_TO_MS = Date.UTC(2025, 0, 1);

interface Profile {
  usertype: string;
  /** Relative frequency among generated users. */
  weight: number;
  titles: ReadonlyArray<{ short: string; full: string }>;
  enc: number;
  /** Prescribers get an NPI and a DEA number. */
  prescriber: boolean;
}

const title = (short: string) => CLINICAL_TITLES.find((t) => t.short === short)!;
const PROFILES: Profile[] = [
  { usertype: 'Nurse', weight: 30, titles: [title('RN'), title('LPN')], enc: ENC_CATEGORY.MEDICAL | ENC_CATEGORY.MENTAL_HEALTH, prescriber: false },
  { usertype: 'Physician', weight: 10, titles: [title('MD'), title('DO')], enc: ENC_CATEGORY.MEDICAL, prescriber: true },
  { usertype: 'Nurse Practitioner', weight: 6, titles: [title('NP')], enc: ENC_CATEGORY.MEDICAL, prescriber: true },
  { usertype: 'Physician Assistant', weight: 4, titles: [title('PA')], enc: ENC_CATEGORY.MEDICAL, prescriber: true },
  { usertype: 'Dentist', weight: 4, titles: [title('DDS')], enc: ENC_CATEGORY.DENTAL, prescriber: true },
  { usertype: 'Mental Health', weight: 8, titles: [title('LCSW')], enc: ENC_CATEGORY.MENTAL_HEALTH, prescriber: false },
  { usertype: 'Pharmacist', weight: 4, titles: [title('PharmD')], enc: ENC_CATEGORY.MEDICAL, prescriber: false },
  { usertype: 'Medical Assistant', weight: 10, titles: [title('MA')], enc: ENC_CATEGORY.MEDICAL, prescriber: false },
  { usertype: 'Officer', weight: 12, titles: [{ short: 'Ofc', full: 'Correctional Officer' }], enc: ENC_CATEGORY.OTHER, prescriber: false },
  { usertype: 'Administrator', weight: 5, titles: [{ short: 'Admin', full: 'Health Services Administrator' }], enc: ENC_CATEGORIES_ALL, prescriber: false },
  { usertype: 'Records Clerk', weight: 7, titles: [{ short: 'Clerk', full: 'Medical Records Clerk' }], enc: ENC_CATEGORY.OTHER, prescriber: false },
];
const TOTAL_WEIGHT = PROFILES.reduce((s, p) => s + p.weight, 0);
const NOTES = ['Per diem', 'Night shift', 'Float pool', 'Contractor', 'On leave until further notice'];

export function seedUsers(count: number, seed: number): SimUser[] {
  return seedWithPeople(count, seed).map((s) => s.user);
}

/** The seeded users with the roster person each roster account belongs to (null for the others). */
export function seedWithPeople(count: number, seed: number): Array<{ person: PersonKey | null; user: SimUser }> {
  const rng = new Rng(seed);
  const users: SimUser[] = [fixedAdministrator()];
  const roster = includesRoster(count) ? rosterUsers(seed) : [];
  const taken: Taken = { usernames: new Set(users.map((u) => u.record.username)), employeeNumbers: new Set(['E00001']), npis: new Set(ROSTER_NPIS) };
  for (let n = 1; users.length < count - roster.length; n++) users.push(generated(rng, n, taken));
  return [...users.slice(0, count).map((user) => ({ person: null, user })), ...roster];
}

/**
 * Identifiers generated users already hold. Employee numbers and NPIs link accounts into one
 * person, so two generated users (or one and a roster account) must never share one: a drawn
 * value that is taken is stepped to the next free one, without another draw, so the rest of the
 * stream (and every other user) stays as it was.
 */
interface Taken {
  usernames: Set<string>;
  employeeNumbers: Set<string>;
  npis: Set<string>;
}

function unique(value: string, taken: Set<string>, prefix: string, digits: number): string {
  let v = value;
  for (let k = Number(value.slice(prefix.length)); taken.has(v); ) v = `${prefix}${String(++k % 10 ** digits).padStart(digits, '0')}`;
  taken.add(v);
  return v;
}

function fixedAdministrator(): SimUser {
  return {
    record: {
      active: true,
      username: 'admin',
      title: 'Admin',
      title_full: 'Health Services Administrator',
      fname: 'System',
      mi: 'A',
      lname: 'Administrator',
      email: 'admin@county.example.org',
      employee_number: 'E00001',
      home_phone: null,
      work_phone: '(209) 555-0100',
      ssn: '900000001',
      notes: 'Seeded administrator',
      dea_number: null,
      npi_number: null,
      enc_categories: ENC_CATEGORIES_ALL,
      enc_type: 0,
      lab_provider_id: null,
      bypass_external_auth: true,
      does_password_expire: false,
      locked: false,
      last_logged_in: '2025-05-30T14:05:00Z',
      date_created: '2014-01-02T08:00:00Z',
    },
    types: ['Administrator'],
    facilities: FACILITIES.map((f, i) => ({ code: f.code, primary: i === 0 })),
    passwordDigest: digestPassword('not-a-real-password'),
  };
}

function generated(rng: Rng, n: number, taken: Taken): SimUser {
  const profile = pickProfile(rng);
  const fname = rng.pick(FIRST_NAMES);
  const lname = rng.pick(LAST_NAMES);
  const t = rng.pick(profile.titles);
  const created = secondPrecision(rng.date(CREATED_FROM_MS, CREATED_TO_MS));
  const lastLogin = rng.chance(0.85) ? secondPrecision(rng.date(created.getTime(), NOW_MS)) : null;
  const locked = rng.chance(0.05);
  const active = rng.chance(0.88);
  const record: CoremrUser = {
    active,
    username: uniqueUsername(fname, lname, taken.usernames),
    title: t.short,
    title_full: t.full,
    fname,
    mi: rng.chance(0.6) ? String.fromCharCode(65 + rng.int(0, 25)) : null,
    lname,
    // The county's own domain. The number n keeps it apart from every roster address (no digits).
    email: rng.chance(0.95) ? emailFor(fname, lname, n, 'county.example.org') : null,
    // 'E' + 5 digits: one character shorter than a roster number, never a PainChek external_id.
    employee_number: rng.chance(0.8) ? unique(`E${rng.digits(5)}`, taken.employeeNumbers, 'E', 5) : null,
    home_phone: rng.chance(0.3) ? `(209) 555-01${rng.digits(2)}` : null,
    work_phone: rng.chance(0.9) ? `(209) 555-01${rng.digits(2)}` : null,
    // Area 9xx is never issued, so every seeded SSN is visibly fake.
    ssn: `9${rng.digits(8)}`,
    notes: rng.chance(0.15) ? rng.pick(NOTES) : null,
    dea_number: profile.prescriber ? `${rng.pick(['A', 'B', 'F', 'M'])}${asciiInitial(lname)}${rng.digits(7)}` : null,
    npi_number: profile.prescriber ? unique(`1${rng.digits(9)}`, taken.npis, '1', 9) : null,
    enc_categories: profile.enc,
    enc_type: rng.int(0, 2),
    lab_provider_id: profile.prescriber && rng.chance(0.7) ? `LAB-${rng.digits(6)}` : null,
    bypass_external_auth: rng.chance(0.1),
    does_password_expire: rng.chance(0.8),
    locked,
    last_logged_in: lastLogin ? isoSeconds(lastLogin) : null,
    date_created: isoSeconds(created),
  };
  const types = [profile.usertype];
  if (profile.usertype !== 'Administrator' && rng.chance(0.1)) types.push('Administrator');
  return { record, types, facilities: pickFacilities(rng), passwordDigest: digestPassword(`seed-${n}`) };
}

function pickProfile(rng: Rng): Profile {
  let r = rng.next() * TOTAL_WEIGHT;
  for (const p of PROFILES) {
    r -= p.weight;
    if (r < 0) return p;
  }
  return PROFILES[0]!;
}

/** 1–3 facilities, MAIN most often, exactly one primary (the first drawn). */
function pickFacilities(rng: Rng): Array<{ code: string; primary: boolean }> {
  const first = rng.chance(0.6) ? FACILITIES[0]! : rng.pick(FACILITIES);
  const codes = [first.code];
  const extra = rng.int(0, 2);
  for (let i = 0; i < extra; i++) {
    const f = rng.pick(FACILITIES);
    if (!codes.includes(f.code)) codes.push(f.code);
  }
  return codes.map((code, i) => ({ code, primary: i === 0 }));
}

function uniqueUsername(fname: string, lname: string, taken: Set<string>): string {
  const base = `${asciiInitial(fname).toLowerCase()}${ascii(lname).toLowerCase()}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[^A-Za-z]/g, '');
}

function asciiInitial(s: string): string {
  return ascii(s).charAt(0).toUpperCase() || 'X';
}

function secondPrecision(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}
