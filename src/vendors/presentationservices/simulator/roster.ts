import { person, type PersonKey } from '../../../sim/people';
import { Rng } from '../../../sim/seed';
import type { SimUser } from './model';

/**
 * This install's slice of the shared roster: county clinicians who also work UNC shifts. The vendor
 * keeps names, a username and a mandatory, unique e-mail; no NPI or HR number. Usernames are
 * initial + surname without the number every generated username ends with. Each entry says which
 * mess of real data it carries.
 */
interface RosterAccount {
  person: PersonKey;
  username: string;
  facilityId: 'UNC' | 'HILLSBOROUGH';
  /** UNC roles: 3 nurse, 4 physician, 5 charge nurse. */
  roleId: 3 | 4 | 5;
  /** Defaults to the person's first name. */
  firstName?: string;
}

const ACCOUNTS: readonly RosterAccount[] = [
  // Clean.
  { person: 'p01', username: 'mgarcia', facilityId: 'UNC', roleId: 4 },
  // Mess: her first name spelled as it sounds; same address as her CorEMR account.
  { person: 'p03', username: 'skelly', facilityId: 'HILLSBOROUGH', roleId: 3, firstName: 'Shivaun' },
  // Clean: the nurse Daniel Lee (the dentist of the same name has no account here).
  { person: 'p05', username: 'dlee', facilityId: 'UNC', roleId: 5 },
  // Clean: the hyphenated surname the county uses.
  { person: 'p07', username: 'ahartnakamura', facilityId: 'UNC', roleId: 3 },
];

/**
 * The roster users, in a fixed order. Their own generator, so they are the same at every count and
 * draw nothing from the generated users' stream.
 */
export function rosterUsers(seed: number): Array<{ person: PersonKey; user: SimUser }> {
  const rng = new Rng(seed ^ 0x9e5e);
  return ACCOUNTS.map((a) => {
    const p = person(a.person);
    const user: SimUser = {
      userId: rng.uuid(),
      username: a.username,
      firstName: a.firstName ?? p.firstName,
      lastName: p.lastName,
      email: p.email,
      password: `pw-${rng.hex(10)}`,
      // A badge tag (7-byte hex, inside the 6–19 rule); no PIN.
      tagId: rng.hex(14).toUpperCase(),
      pin: null,
      organizationId: 'UNC',
      facilityId: a.facilityId,
      roleId: a.roleId,
      status: 'ACTIVE',
    };
    return { person: a.person, user };
  });
}
