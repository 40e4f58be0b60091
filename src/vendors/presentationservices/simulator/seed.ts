import { includesRoster, type PersonKey } from '../../../sim/people';
import { FIRST_NAMES, LAST_NAMES, Rng, emailFor } from '../../../sim/seed';
import type { SeedData, SimPermission, SimRole, SimUser } from './model';
import { rosterUsers } from './roster';

/**
 * Deterministic seed data. The docs' own examples come first: organization and facility `UNC`,
 * workspaces `unc_adult` ("Adults") and `unc_nursery` ("Nursery"), roles admin (1) and pod (2),
 * the login example's account (userId "poda", username "3"), the update example's caller
 * ("sigal") and its target (354a7aae-…, "e e", SUSPENDED). Then a second organization with its
 * own facilities and roles, then generated users up to the requested count. From ROSTER_MIN_USERS
 * on, the last of them are the roster accounts (roster.ts); the generated users before them are
 * the same as without them.
 */

/** Credentials of the docs' example accounts, for tests (simulated data, not secrets). */
export const DOC_ACCOUNTS = {
  poda: { userId: 'poda', username: '3', email: 'poda@unc.example.org', password: 'poda-pass1', tagId: '04A1B2C3D4E5F6', pin: '246810' },
  sigal: { userId: 'sigal', username: 'sigal', email: 'sigal@unc.example.org', password: 'sigal-pass1' },
  piedmontAdmin: { userId: 'pm-admin', username: 'pmadmin', email: 'admin@piedmont.example.org', password: 'pm-admin-pass' },
} as const;

/** The update example's target user id (DELETE and POST /users/{id} samples). */
export const DOC_TARGET_USER_ID = '354a7aae-ac06-4892-ac61-ce302351eb35';

export interface ApiAccount {
  userId: string;
  username: string;
  password: string;
}

const PERMISSION_IDS: Record<string, number> = {
  // The doc shows read_user = 54 and list_patients_from_current_facility = 58 for UNC.
  'UNC:read_user': 54,
  'UNC:create_user': 55,
  'UNC:update_user': 56,
  'UNC:delete_user': 57,
  'PIEDMONT:read_user': 64,
  'PIEDMONT:create_user': 65,
  'PIEDMONT:update_user': 66,
  'PIEDMONT:delete_user': 67,
};
const LIST_PATIENTS: SimPermission = { id: 58, name: 'list_patients_from_current_facility' };

function perms(org: string, names: string[]): SimPermission[] {
  return names.map((name) => ({ id: PERMISSION_IDS[`${org}:${name}`]!, name, organizationId: org }));
}
const ADMIN = ['read_user', 'create_user', 'update_user', 'delete_user'];

function roles(): SimRole[] {
  return [
    { id: 1, name: 'admin', description: '', organizationId: 'UNC', permissions: [...perms('UNC', ADMIN), LIST_PATIENTS] },
    { id: 2, name: 'pod', description: '', organizationId: 'UNC', permissions: [...perms('UNC', ['read_user']), LIST_PATIENTS] },
    { id: 3, name: 'nurse', description: 'Bedside nurse', organizationId: 'UNC', permissions: [LIST_PATIENTS] },
    { id: 4, name: 'physician', description: 'Attending or resident physician', organizationId: 'UNC', permissions: [LIST_PATIENTS] },
    { id: 5, name: 'charge_nurse', description: 'Charge nurse of a unit', organizationId: 'UNC', permissions: [...perms('UNC', ['read_user']), LIST_PATIENTS] },
    { id: 6, name: 'admin', description: '', organizationId: 'PIEDMONT', permissions: [...perms('PIEDMONT', ADMIN), LIST_PATIENTS] },
    { id: 7, name: 'nurse', description: 'Bedside nurse', organizationId: 'PIEDMONT', permissions: [LIST_PATIENTS] },
    { id: 8, name: 'physician', description: '', organizationId: 'PIEDMONT', permissions: [LIST_PATIENTS] },
  ];
}

export function seedData(opts: { users: number; seed: number; api: ApiAccount }): SeedData {
  return seedWithPeople(opts).data;
}

/** The seed and, by userId, the roster person each roster account belongs to (empty below ROSTER_MIN_USERS). */
export function seedWithPeople(opts: { users: number; seed: number; api: ApiAccount }): { data: SeedData; people: Map<string, PersonKey> } {
  const rng = new Rng(opts.seed);
  const users: SimUser[] = [
    {
      userId: opts.api.userId, username: opts.api.username, firstName: 'Staffgraph', lastName: 'Gateway',
      email: 'staffgraph@unc.example.org', password: opts.api.password, pin: null, tagId: null,
      organizationId: 'UNC', facilityId: 'UNC', roleId: 1, status: 'ACTIVE',
    },
    {
      ...DOC_ACCOUNTS.poda, firstName: 'Pod', lastName: 'Account',
      organizationId: 'UNC', facilityId: 'UNC', roleId: 2, status: 'ACTIVE',
    },
    {
      ...DOC_ACCOUNTS.sigal, firstName: 'Sigal', lastName: 'Example', pin: null, tagId: null,
      organizationId: 'UNC', facilityId: 'UNC', roleId: 1, status: 'ACTIVE',
    },
    {
      userId: DOC_TARGET_USER_ID, username: 'e', firstName: 'e', lastName: 'e', email: 'e@e.com',
      password: 'e-pass-01', pin: null, tagId: null, organizationId: 'UNC', facilityId: 'UNC', roleId: 2, status: 'SUSPENDED',
    },
    {
      ...DOC_ACCOUNTS.piedmontAdmin, firstName: 'Piedmont', lastName: 'Admin', pin: null, tagId: null,
      organizationId: 'PIEDMONT', facilityId: 'MAIN', roleId: 6, status: 'ACTIVE',
    },
  ];
  // Where generated users work: most at UNC, a fifth at the second organization.
  const placements = [
    { org: 'UNC', facilities: ['UNC', 'UNC', 'HILLSBOROUGH'], roles: [2, 3, 3, 3, 4, 4, 5, 1] },
    { org: 'PIEDMONT', facilities: ['MAIN', 'BIRTH'], roles: [7, 7, 8, 6] },
  ];
  const roster = includesRoster(opts.users) ? rosterUsers(opts.seed) : [];
  for (let n = users.length + 1; users.length < Math.max(opts.users - roster.length, users.length); n++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const place = rng.chance(0.2) ? placements[1]! : placements[0]!;
    const slug = `${first[0]}${last}`.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
    users.push({
      userId: rng.uuid(),
      username: `${slug}${n}`,
      firstName: first,
      lastName: last,
      email: emailFor(first, last, n, place.org === 'UNC' ? 'unc.example.org' : 'piedmont.example.org'),
      password: `pw-${rng.hex(10)}`,
      // NFC tag UIDs are 7-byte hex (14 characters); PINs 6 digits; both within the 6–19 rule.
      tagId: rng.chance(0.6) ? rng.hex(14).toUpperCase() : null,
      pin: rng.chance(0.3) ? rng.digits(6) : null,
      organizationId: place.org,
      facilityId: rng.pick(place.facilities),
      roleId: rng.pick(place.roles),
      status: rng.chance(0.12) ? 'SUSPENDED' : 'ACTIVE',
    });
  }
  const people = new Map<string, PersonKey>();
  for (const r of roster) {
    users.push(r.user);
    people.set(r.user.userId, r.person);
  }
  const data: SeedData = {
    organizations: [
      { id: 'UNC', name: 'UNC Health' },
      { id: 'PIEDMONT', name: 'Piedmont Perinatal Network' },
    ],
    facilities: [
      { id: 'UNC', name: 'UNC Medical Center', organizationId: 'UNC' },
      { id: 'HILLSBOROUGH', name: 'UNC Hillsborough Campus', organizationId: 'UNC' },
      { id: 'MAIN', name: 'Piedmont Main Campus', organizationId: 'PIEDMONT' },
      { id: 'BIRTH', name: 'Piedmont Birth Center', organizationId: 'PIEDMONT' },
    ],
    workspaces: [
      { id: 'unc_adult', name: 'Adults', facilityId: 'UNC', organizationId: 'UNC' },
      { id: 'unc_nursery', name: 'Nursery', facilityId: 'UNC', organizationId: 'UNC' },
      { id: 'pm_labor', name: 'Labor and Delivery', facilityId: 'MAIN', organizationId: 'PIEDMONT' },
    ],
    rooms: [
      { id: 'unc_adult_101', name: 'Room 101', workspaceId: 'unc_adult' },
      { id: 'unc_adult_102', name: 'Room 102', workspaceId: 'unc_adult' },
      { id: 'unc_nursery_n1', name: 'Nursery 1', workspaceId: 'unc_nursery' },
      { id: 'pm_labor_l1', name: 'Labor 1', workspaceId: 'pm_labor' },
    ],
    roles: roles(),
    users,
  };
  return { data, people };
}
