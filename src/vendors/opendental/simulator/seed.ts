import { person, type PersonKey } from '../../../sim/people';
import { FIRST_NAMES, LAST_NAMES, Rng, emailFor } from '../../../sim/seed';
import type { Clinic, UserGroup, UserGroupAttach } from '../types';
import { rosterSlots } from './roster';

/** One user as the simulator keeps it; group memberships live in the attach table (SimData.attaches). */
export interface SimUser {
  UserNum: number;
  UserName: string;
  EmployeeNum: number;
  ProviderNum: number;
  ClinicNum: number;
  emailAddress: string;
  IsHidden: boolean;
  /** Non-zero marks a CEMT (enterprise) user. */
  UserNumCEMT: number;
  IsPasswordResetRequired: boolean;
}

export interface SimData {
  users: SimUser[];
  /** Group memberships (GET /usergroupattaches); a user's userGroupNums are derived from them. */
  attaches: UserGroupAttach[];
  groups: UserGroup[];
  /** Every clinic, hidden ones included (GET /clinics leaves those out). */
  clinics: Clinic[];
  /** EmployeeNum → "First Last". */
  employees: Map<number, string>;
  /** ProvNum → full name with suffix. */
  providers: Map<number, string>;
}

/** Default number of seeded users (the doc's three examples included). */
export const DEFAULT_USERS = 250;

const GROUPS: UserGroup[] = [
  { UserGroupNum: 1, Description: 'Admin', UserGroupNumCEMT: 0 },
  { UserGroupNum: 2, Description: 'Dentists', UserGroupNumCEMT: 0 },
  { UserGroupNum: 3, Description: 'Hygienists', UserGroupNumCEMT: 0 },
  { UserGroupNum: 4, Description: 'Assistants', UserGroupNumCEMT: 0 },
  { UserGroupNum: 5, Description: 'Front Desk', UserGroupNumCEMT: 0 },
  { UserGroupNum: 6, Description: 'Billing', UserGroupNumCEMT: 0 },
  { UserGroupNum: 7, Description: 'Office Managers', UserGroupNumCEMT: 0 },
  { UserGroupNum: 8, Description: 'Practice Owners', UserGroupNumCEMT: 0 },
  { UserGroupNum: 9, Description: 'IT Support', UserGroupNumCEMT: 0 },
  // CEMT groups are defined centrally by the enterprise tool and hidden from GET /usergroups by default.
  { UserGroupNum: 10, Description: 'CEMT Enterprise Admins', UserGroupNumCEMT: 1 },
  { UserGroupNum: 11, Description: 'CEMT Regional Managers', UserGroupNumCEMT: 2 },
];

const clinic = (ClinicNum: number, Description: string, Abbr: string, City: string, hidden = false): Clinic => ({
  ClinicNum,
  Description,
  Address: `${100 + ClinicNum * 11} Main Street`,
  Address2: '',
  City,
  State: 'OR',
  Zip: `97${String(200 + ClinicNum).padStart(3, '0')}`,
  Phone: `503555${String(1000 + ClinicNum).slice(-4)}`,
  Abbr,
  IsHidden: hidden ? 'true' : 'false',
});

const CLINICS: Clinic[] = [
  clinic(1, 'Main Street Dental', 'MAIN', 'Portland'),
  clinic(2, 'Eastside Family Dentistry', 'EAST', 'Gresham'),
  clinic(3, 'Westgate Orthodontics', 'WEST', 'Beaverton'),
  clinic(4, 'Northpoint Pediatric Dental', 'NORTH', 'Vancouver'),
  clinic(5, 'Lakeside Oral Surgery', 'LAKE', 'Lake Oswego'),
  // A closed office: hidden, so GET /clinics leaves it out, but a few users still point at it.
  clinic(6, 'Old Town Office', 'OLD', 'Portland', true),
];

type Role = 'dentist' | 'hygienist' | 'assistant' | 'frontdesk' | 'billing' | 'manager' | 'it';
const ROLES: ReadonlyArray<[Role, number]> = [
  ['dentist', 0.18],
  ['hygienist', 0.2],
  ['assistant', 0.2],
  ['frontdesk', 0.2],
  ['billing', 0.09],
  ['manager', 0.08],
  ['it', 0.05],
];

/**
 * Generated users' addresses are on the practice's own domain, so they never equal another
 * simulator's generated address (or a roster one: those carry no number).
 */
const EMAIL_DOMAIN = 'mainstreetdental.example.org';

/**
 * Deterministic seed: the doc's example users first (exact values), then generated ones up to
 * `total`; from ROSTER_MIN_USERS on, the last non-CEMT UserNums are the roster accounts
 * (roster.ts), which draw nothing from the generator, so the users before them do not change.
 */
export function seedData(total: number, seed: number): SimData {
  return seedWithPeople(total, seed).data;
}

/** The seed and, by UserNum, the roster person each roster account belongs to (empty below ROSTER_MIN_USERS). */
export function seedWithPeople(total: number, seed: number): { data: SimData; people: Map<number, PersonKey> } {
  const rng = new Rng(seed);
  const employees = new Map<number, string>([
    [3, 'Charles Sorenson'],
    [4, 'Becca Alexandria'],
  ]);
  const providers = new Map<number, string>([
    [2, 'Tina Jones'],
    [6, 'Becca Alexandria'],
    [9, 'Lynda Larson, DMD'],
  ]);
  const users: SimUser[] = [
    { UserNum: 1, UserName: 'Lynda', EmployeeNum: 0, ProviderNum: 9, ClinicNum: 1, emailAddress: 'LyndaLarson@email.com', IsHidden: false, UserNumCEMT: 0, IsPasswordResetRequired: false },
    { UserNum: 2, UserName: 'Charlie', EmployeeNum: 3, ProviderNum: 0, ClinicNum: 1, emailAddress: 'Chuck@hotmail.com', IsHidden: true, UserNumCEMT: 0, IsPasswordResetRequired: false },
    { UserNum: 3, UserName: 'Becca', EmployeeNum: 4, ProviderNum: 6, ClinicNum: 2, emailAddress: 'BAlexandria@gmail.com', IsHidden: false, UserNumCEMT: 0, IsPasswordResetRequired: true },
  ];
  const memberships: Array<[number, number[]]> = [
    [1, [2]],
    [2, [1, 5, 7]],
    [3, [3, 4]],
  ];
  const taken = new Set(users.map((u) => u.UserName.toLowerCase()));
  let nextEmployee = 10;
  let nextProvider = 10;
  let cemt = 0;
  const roster = rosterSlots(total);
  const people = new Map<number, PersonKey>();

  for (let n = users.length + 1; n <= total; n++) {
    // Every 50th user is a CEMT user, managed centrally and left out of GET /userods by default.
    if (n % 50 === 0) {
      cemt++;
      const name = `cemt.admin${cemt}`;
      taken.add(name);
      users.push({ UserNum: n, UserName: name, EmployeeNum: 0, ProviderNum: 0, ClinicNum: 0, emailAddress: `${name}@example.org`, IsHidden: false, UserNumCEMT: cemt, IsPasswordResetRequired: false });
      memberships.push([n, [cemt % 2 === 1 ? 10 : 11]]);
      continue;
    }
    const account = roster.get(n);
    if (account) {
      const p = person(account.person);
      let userName = `${p.firstName}${p.lastName.slice(0, 1)}`;
      if (taken.has(userName.toLowerCase())) userName = `${userName}${n}`;
      taken.add(userName.toLowerCase());
      let EmployeeNum = 0;
      let ProviderNum = 0;
      if ('employee' in account.staff) {
        EmployeeNum = nextEmployee++;
        employees.set(EmployeeNum, `${p.firstName} ${p.lastName}`);
      } else {
        ProviderNum = nextProvider++;
        providers.set(ProviderNum, `${p.firstName} ${p.lastName}, ${account.staff.provider}`);
      }
      users.push({ UserNum: n, UserName: userName, EmployeeNum, ProviderNum, ClinicNum: account.ClinicNum, emailAddress: account.emailAddress ?? p.email, IsHidden: false, UserNumCEMT: 0, IsPasswordResetRequired: false });
      memberships.push([n, account.groups]);
      people.set(n, account.person);
      continue;
    }
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const role = pickRole(rng);
    const ascii = (s: string) => s.normalize('NFD').replace(/[^A-Za-z]/g, '');
    let userName = role === 'it' ? `itsupport${n}` : `${ascii(first)}${ascii(last).slice(0, 1)}`;
    if (taken.has(userName.toLowerCase())) userName = `${userName}${n}`;
    taken.add(userName.toLowerCase());

    let EmployeeNum = 0;
    let ProviderNum = 0;
    const employee = () => {
      EmployeeNum = nextEmployee++;
      employees.set(EmployeeNum, `${first} ${last}`);
    };
    const provider = (suffix: string) => {
      ProviderNum = nextProvider++;
      providers.set(ProviderNum, `${first} ${last}, ${suffix}`);
    };
    let groups: number[];
    switch (role) {
      case 'dentist':
        provider(rng.chance(0.5) ? 'DDS' : 'DMD');
        groups = rng.chance(0.15) ? [1, 2, 8] : [2];
        break;
      case 'hygienist':
        employee();
        provider('RDH');
        groups = [3];
        break;
      case 'assistant':
        employee();
        groups = rng.chance(0.3) ? [4, 5] : [4];
        break;
      case 'frontdesk':
        employee();
        groups = [5];
        break;
      case 'billing':
        employee();
        groups = rng.chance(0.4) ? [5, 6] : [6];
        break;
      case 'manager':
        employee();
        groups = [1, 5, 7];
        break;
      case 'it':
        groups = rng.chance(0.5) ? [1, 9] : [9];
        break;
    }
    const clinicRoll = rng.next();
    const ClinicNum = clinicRoll < 0.15 ? 0 : clinicRoll < 0.18 ? 6 : rng.int(1, 5);
    users.push({
      UserNum: n,
      UserName: userName,
      EmployeeNum,
      ProviderNum,
      ClinicNum,
      emailAddress: rng.chance(0.85) ? emailFor(first, last, n, EMAIL_DOMAIN) : '',
      IsHidden: rng.chance(0.08),
      UserNumCEMT: 0,
      IsPasswordResetRequired: rng.chance(0.05),
    });
    memberships.push([n, groups]);
  }

  let attachNum = 0;
  const attaches = memberships.flatMap(([UserNum, nums]) => nums.map((UserGroupNum) => ({ UserGroupAttachNum: ++attachNum, UserNum, UserGroupNum })));
  return { data: { users, attaches, groups: GROUPS.map((g) => ({ ...g })), clinics: CLINICS.map((c) => ({ ...c })), employees, providers }, people };
}

function pickRole(rng: Rng): Role {
  let roll = rng.next();
  for (const [role, weight] of ROLES) {
    if (roll < weight) return role;
    roll -= weight;
  }
  return 'frontdesk';
}
