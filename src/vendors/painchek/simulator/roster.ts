import { person, type PersonKey } from '../../../sim/people';
import { Rng } from '../../../sim/seed';
import { isoMicros, type SimSite, type SimUser } from './state';

/**
 * This licence's slice of the shared roster: county clinicians who assess pain in its sites.
 * PainChek logs users in by e-mail, so every account has one; `external_id` is where the county
 * puts its HR number (the same number CorEMR holds as the employee number). Each entry says which
 * mess of real data it carries.
 */
interface RosterAccount {
  person: PersonKey;
  role: 'admin' | 'user';
  position: string;
  /** Index into the seeded sites. */
  site: number;
  /** Defaults to the person's canonical address. */
  email?: string;
  /** Defaults to the person's first name. */
  firstName?: string;
  /** Defaults to the person's last name. */
  lastName?: string;
}

const ACCOUNTS: readonly RosterAccount[] = [
  // Mess: the address in another case than every other system holds it.
  { person: 'p01', role: 'admin', position: 'Doctor', site: 0, email: 'Maria.Garcia@County.Example.org' },
  // Mess: the nickname. Same address as his CorEMR and iCure accounts.
  { person: 'p02', role: 'user', position: 'Clinical Nurse Consultant', site: 4, firstName: 'Jim' },
  // Clean: the nurse Daniel Lee (not the dentist of the same name).
  { person: 'p05', role: 'user', position: 'Registered Nurse', site: 1 },
  // Mess: her maiden surname, before the hyphenated one the county now uses; same address.
  { person: 'p07', role: 'user', position: 'Registered Nurse', site: 2, lastName: 'Hart' },
  // Clean.
  { person: 'p09', role: 'user', position: 'Personal Care Assistant', site: 7 },
  // Mess: a personal address, shared with no other system; linked only through external_id.
  { person: 'p10', role: 'user', position: 'Registered Nurse', site: 1, email: 'omar.farouk.rn@mail.example.net' },
];

/**
 * The roster users, in a fixed order, at the given sites. Their own generator, so they are the
 * same at every count and draw nothing from the generated users' stream.
 */
export function rosterUsers(seed: number, sites: readonly SimSite[]): Array<{ person: PersonKey; user: SimUser }> {
  const rng = new Rng(seed ^ 0x9a1c);
  return ACCOUNTS.map((a) => {
    const p = person(a.person);
    const joined = Date.UTC(2019, rng.int(0, 11), rng.int(1, 28), rng.int(0, 23), rng.int(0, 59));
    const user: SimUser = {
      uuid: rng.uuid(),
      email: a.email ?? p.email,
      first_name: a.firstName ?? p.firstName,
      last_name: a.lastName ?? p.lastName,
      phone: `+61 4${rng.digits(2)} ${rng.digits(3)} ${rng.digits(3)}`,
      institution: sites[a.site]!.uuid,
      position: a.position,
      avatar: null,
      has_activated: true,
      role: a.role,
      is_active: true,
      date_joined: isoMicros(joined * 1000 + rng.int(0, 999)),
      modified_at: isoMicros((joined + rng.int(1, 900) * 86_400_000) * 1000 + rng.int(0, 999)),
      external_id: p.employeeNumber,
      full_site_access: false,
    };
    return { person: a.person, user };
  });
}
