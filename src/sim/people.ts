import { CLINICAL_TITLES } from './seed';

/**
 * The shared roster: clinicians who hold accounts in several simulators, so linking one person's
 * accounts across sources can be tried on seeded data with a known answer. This file is the
 * person as HR knows them; each simulator's seed holds its own slice, written with the fields that
 * vendor stores and with the mess real data has (another case, a nickname, a missing e-mail).
 *
 * What makes the answer knowable: every roster e-mail is `first.last` (or `first.x.last`) on
 * county.example.org with no digit, while generated users' addresses always end in their sequence
 * number; NPIs sit in the 19900000xx block and employee numbers are `E9` + 5 digits (7
 * characters), so neither can equal a generated one.
 */

export type PersonKey = 'p01' | 'p02' | 'p03' | 'p04' | 'p05' | 'p06' | 'p07' | 'p08' | 'p09' | 'p10';
export type TitleShort = (typeof CLINICAL_TITLES)[number]['short'];

export interface RosterPerson {
  key: PersonKey;
  firstName: string;
  middleInitial: string | null;
  lastName: string;
  /** The canonical work address, lower-case; a vendor may hold it in another case (or not at all). */
  email: string;
  /** Prescribers only. */
  npi: string | null;
  /** HR's number, `E9` + 5 digits. */
  employeeNumber: string;
  title: TitleShort;
}

export const ROSTER: readonly RosterPerson[] = [
  { key: 'p01', firstName: 'Maria', middleInitial: 'L', lastName: 'Garcia', email: 'maria.garcia@county.example.org', npi: '1990000011', employeeNumber: 'E900101', title: 'MD' },
  { key: 'p02', firstName: 'James', middleInitial: 'R', lastName: 'Whitaker', email: 'james.whitaker@county.example.org', npi: '1990000029', employeeNumber: 'E900102', title: 'NP' },
  { key: 'p03', firstName: 'Siobhan', middleInitial: 'M', lastName: 'Kelly', email: 'siobhan.kelly@county.example.org', npi: null, employeeNumber: 'E900103', title: 'RN' },
  { key: 'p04', firstName: 'Priya', middleInitial: null, lastName: 'Raman', email: 'priya.raman@county.example.org', npi: null, employeeNumber: 'E900104', title: 'PharmD' },
  // p05 and p06 are two different people called Daniel Lee: different e-mails, numbers and jobs.
  { key: 'p05', firstName: 'Daniel', middleInitial: 'K', lastName: 'Lee', email: 'daniel.lee@county.example.org', npi: null, employeeNumber: 'E900105', title: 'RN' },
  { key: 'p06', firstName: 'Daniel', middleInitial: 'J', lastName: 'Lee', email: 'daniel.j.lee@county.example.org', npi: '1990000060', employeeNumber: 'E900106', title: 'DDS' },
  // Married name; her address kept the maiden name.
  { key: 'p07', firstName: 'Amelia', middleInitial: null, lastName: 'Hart-Nakamura', email: 'amelia.hart@county.example.org', npi: null, employeeNumber: 'E900107', title: 'RN' },
  { key: 'p08', firstName: 'Henry', middleInitial: 'T', lastName: 'Nguyen', email: 'henry.nguyen@county.example.org', npi: '1990000086', employeeNumber: 'E900108', title: 'MD' },
  { key: 'p09', firstName: 'Chloe', middleInitial: null, lastName: 'Martin', email: 'chloe.martin@county.example.org', npi: null, employeeNumber: 'E900109', title: 'MA' },
  { key: 'p10', firstName: 'Omar', middleInitial: 'S', lastName: 'Farouk', email: 'omar.farouk@county.example.org', npi: null, employeeNumber: 'E900110', title: 'RN' },
];

/**
 * Below this many users a simulator seeds no roster accounts, so the small stacks most tests start
 * see exactly the data they always did. At or above it, the roster accounts take the last
 * positions and the total stays the requested count.
 */
export const ROSTER_MIN_USERS = 40;

/**
 * The employer whose HR numbers the roster's employee numbers are: a simulator whose seeded users
 * carry them (as employee_number or external_id) declares this organization, so the demo links
 * those accounts by employee number (docs/people.md).
 */
export const ROSTER_ORGANIZATION = 'county';

export function includesRoster(count: number): boolean {
  return count >= ROSTER_MIN_USERS;
}

export function person(key: PersonKey): RosterPerson {
  return ROSTER.find((p) => p.key === key)!;
}

export function titleOf(p: RosterPerson): { short: string; full: string } {
  return CLINICAL_TITLES.find((t) => t.short === p.title)!;
}

/** Every roster NPI: a generated NPI must never take one. */
export const ROSTER_NPIS: ReadonlySet<string> = new Set(ROSTER.flatMap((p) => (p.npi ? [p.npi] : [])));
