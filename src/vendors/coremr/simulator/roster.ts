import { person, titleOf, type PersonKey } from '../../../sim/people';
import { Rng } from '../../../sim/seed';
import { ENC_CATEGORY, type CoremrUser } from '../records';
import { digestPassword, isoSeconds, type SimUser } from './state';

/**
 * This install's slice of the shared roster: the county's clinicians as CorEMR holds them (the
 * system of record for NPI and employee number). Usernames are `first.last`, a shape generated
 * usernames (initial + surname) never take. Each entry says which mess of real data it carries.
 */
interface RosterAccount {
  person: PersonKey;
  username: string;
  usertype: string;
  active: boolean;
  /** Defaults to the person's canonical address. */
  email?: string | null;
  /** Defaults to the person's employee number. */
  employeeNumber?: string | null;
  facilities: string[];
  notes?: string;
  createdYear: number;
}

const ACCOUNTS: readonly RosterAccount[] = [
  // In all five systems; clean here, the reference the others are compared with.
  { person: 'p01', username: 'maria.garcia', usertype: 'Physician', active: true, facilities: ['MAIN', 'INTAKE'], createdYear: 2016 },
  // Clean; PainChek calls him Jim.
  { person: 'p02', username: 'james.whitaker', usertype: 'Nurse Practitioner', active: true, facilities: ['MAIN', 'WOMEN'], createdYear: 2018 },
  // Clean; PresentationServices spells her first name Shivaun.
  { person: 'p03', username: 'siobhan.kelly', usertype: 'Nurse', active: true, facilities: ['ANNEX'], createdYear: 2019 },
  // Clean; her iCure account has no e-mail, only a login that is the address in another case.
  { person: 'p04', username: 'priya.raman', usertype: 'Pharmacist', active: true, facilities: ['MAIN'], createdYear: 2020 },
  // Same-name strangers: two Daniel Lees, different addresses, numbers and usertypes. Never one person.
  { person: 'p05', username: 'daniel.lee', usertype: 'Nurse', active: true, facilities: ['JUV', 'MAIN'], createdYear: 2017 },
  { person: 'p06', username: 'daniel.j.lee', usertype: 'Dentist', active: true, facilities: ['MAIN'], createdYear: 2021 },
  // One person, two accounts: the old one (inactive, a retired address, no employee number, made
  // before HR numbers reached CorEMR) and the new one. They share only the NPI.
  { person: 'p08', username: 'h.nguyen', usertype: 'Physician', active: false, email: 'hnguyen@countyhealth.example.org', employeeNumber: null, facilities: ['MAIN'], notes: 'Replaced by henry.nguyen', createdYear: 2015 },
  { person: 'p08', username: 'henry.nguyen', usertype: 'Physician', active: true, facilities: ['MAIN', 'ANNEX'], createdYear: 2023 },
  // Clean; his PainChek account carries a personal address and links only by external_id.
  { person: 'p10', username: 'omar.farouk', usertype: 'Nurse', active: true, facilities: ['INTAKE'], createdYear: 2022 },
];

const ENC: Record<string, number> = {
  Physician: ENC_CATEGORY.MEDICAL,
  'Nurse Practitioner': ENC_CATEGORY.MEDICAL,
  Nurse: ENC_CATEGORY.MEDICAL | ENC_CATEGORY.MENTAL_HEALTH,
  Pharmacist: ENC_CATEGORY.MEDICAL,
  Dentist: ENC_CATEGORY.DENTAL,
};

/**
 * The roster users, in a fixed order. Their own generator, so they are the same at every count and
 * draw nothing from the generated users' stream.
 */
export function rosterUsers(seed: number): Array<{ person: PersonKey; user: SimUser }> {
  const rng = new Rng(seed ^ 0xc0e3);
  return ACCOUNTS.map((a) => {
    const p = person(a.person);
    const t = titleOf(p);
    const created = new Date(Date.UTC(a.createdYear, rng.int(0, 11), rng.int(1, 28), 8));
    const prescriber = p.npi !== null;
    const record: CoremrUser = {
      active: a.active,
      username: a.username,
      title: t.short,
      title_full: t.full,
      fname: p.firstName,
      mi: p.middleInitial,
      lname: p.lastName,
      email: a.email === undefined ? p.email : a.email,
      employee_number: a.employeeNumber === undefined ? p.employeeNumber : a.employeeNumber,
      home_phone: null,
      work_phone: `(209) 555-01${rng.digits(2)}`,
      ssn: `9${rng.digits(8)}`,
      notes: a.notes ?? null,
      dea_number: prescriber ? `${rng.pick(['A', 'B', 'F', 'M'])}${p.lastName.charAt(0)}${rng.digits(7)}` : null,
      npi_number: p.npi,
      enc_categories: ENC[a.usertype]!,
      enc_type: 0,
      lab_provider_id: prescriber ? `LAB-${rng.digits(6)}` : null,
      bypass_external_auth: false,
      does_password_expire: true,
      locked: false,
      last_logged_in: a.active ? isoSeconds(new Date(Date.UTC(2025, 4, rng.int(1, 30), rng.int(6, 20)))) : '2023-03-01T16:20:00Z',
      date_created: isoSeconds(created),
    };
    const user: SimUser = {
      record,
      types: [a.usertype],
      facilities: a.facilities.map((code, i) => ({ code, primary: i === 0 })),
      passwordDigest: digestPassword(`roster-${a.username}`),
    };
    return { person: a.person, user };
  });
}
