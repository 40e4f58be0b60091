import { includesRoster, type PersonKey } from '../../../sim/people';

/**
 * This practice's slice of the shared roster. Open Dental keeps no name, NPI or HR number on a
 * user: what links these accounts to the person is the e-mail; the name lives in the employee or
 * provider table, and EmployeeNum is the practice's own sequence (a number only this practice
 * compares). Each entry says which mess of real data it carries.
 */
export interface RosterAccount {
  person: PersonKey;
  /** An employee (in the employee table) or a provider (in the provider table, with a suffix). */
  staff: { employee: true } | { provider: string };
  groups: number[];
  ClinicNum: number;
  /** Defaults to the person's canonical address. */
  emailAddress?: string;
}

export const ROSTER_ACCOUNTS: readonly RosterAccount[] = [
  // The county's medical director, in all five systems; an Admin of the practice, at Headquarters (0).
  // Mess: her address typed in mixed case here (the others hold it lower-case).
  { person: 'p01', staff: { employee: true }, groups: [1], ClinicNum: 0, emailAddress: 'Maria.Garcia@county.example.org' },
  // The dentist Daniel Lee (the other Daniel Lee, a county nurse, has no account here). Clean.
  { person: 'p06', staff: { provider: 'DDS' }, groups: [2], ClinicNum: 2 },
  // Clean; an assistant here, in PainChek and iCure too.
  { person: 'p09', staff: { employee: true }, groups: [4], ClinicNum: 1 },
];

/**
 * Where the roster accounts go: the last UserNums up to `total` that are not CEMT slots (every 50th
 * UserNum stays a CEMT user), in roster order. Empty below ROSTER_MIN_USERS.
 */
export function rosterSlots(total: number): Map<number, RosterAccount> {
  const slots = new Map<number, RosterAccount>();
  if (!includesRoster(total)) return slots;
  const nums: number[] = [];
  for (let n = total; nums.length < ROSTER_ACCOUNTS.length; n--) if (n % 50 !== 0) nums.unshift(n);
  nums.forEach((n, i) => slots.set(n, ROSTER_ACCOUNTS[i]!));
  return slots;
}
