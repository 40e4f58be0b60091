import { person, type PersonKey } from '../../../sim/people';
import { Rng } from '../../../sim/seed';
import { hashPassword, nextRev, type StoredUser } from './state';

/**
 * This group's slice of the shared roster. iCure keeps one `name`, a `login` (usually the e-mail)
 * and an optional `email`; no NPI or HR number. Each entry says which mess of real data it carries.
 */
interface RosterAccount {
  person: PersonKey;
  roles: string[];
  /** Defaults to the person's canonical address; null: the account has no e-mail. */
  email?: string | null;
  /** Defaults to the e-mail. */
  login?: string;
  /** Defaults to "First Last". */
  name?: string;
}

const ACCOUNTS: readonly RosterAccount[] = [
  // Clean (the title in the name is how iCure users often write it).
  { person: 'p01', roles: ['HCP', 'ADMIN'], name: 'Dr. Maria Garcia' },
  // Clean.
  { person: 'p02', roles: ['HCP'] },
  // Mess: no e-mail at all; the login is her address in another case, which is what links her.
  { person: 'p04', roles: ['HCP', 'MEDICAL_DATA_ADMIN'], email: null, login: 'Priya.Raman@County.Example.org' },
  // Clean here: the hyphenated surname the county uses (PainChek still has the maiden one).
  { person: 'p07', roles: ['HCP'] },
  // Clean: the new address, the same as his current CorEMR account (the old one links by NPI).
  { person: 'p08', roles: ['HCP'], name: 'Dr. Henry Nguyen' },
  // Clean.
  { person: 'p09', roles: ['PATIENT_MANAGER'] },
];

/**
 * The roster users, in a fixed order. Their own generator, so they are the same at every count and
 * draw nothing from the generated users' stream.
 */
export function rosterUsers(seed: number): Array<{ person: PersonKey; user: StoredUser }> {
  const rng = new Rng(seed ^ 0x1c0e5);
  return ACCOUNTS.map((a) => {
    const p = person(a.person);
    const email = a.email === undefined ? p.email : a.email;
    const created = Date.UTC(2020, rng.int(0, 11), rng.int(1, 28), rng.int(7, 18));
    const user: StoredUser = {
      id: rng.uuid(),
      created,
      createdDate: created,
      name: a.name ?? `${p.firstName} ${p.lastName}`,
      login: a.login ?? email!,
      ...(email ? { email } : {}),
      status: 'ACTIVE',
      type: 'database',
      roles: [...a.roles],
      healthcarePartyId: rng.uuid(),
      // Nobody knows these passwords, like every seeded user's.
      passwordHash: hashPassword(rng.hex(24)),
    };
    user.rev = nextRev(user, rng.int(0, 4));
    return { person: a.person, user };
  });
}
