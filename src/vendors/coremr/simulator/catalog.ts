/**
 * The simulated install's fixed reference data. CorEMR documents no route that lists usertypes or
 * facilities (this folder's README), so these are only reachable through a user's /types/ and
 * /facilities/ sub-resources; assigning a name or code outside these lists is a 404.
 * Names and codes are compared exactly (case-sensitive), like usernames.
 */
export const USERTYPES = [
  'Administrator',
  'Nurse',
  'Physician',
  'Nurse Practitioner',
  'Physician Assistant',
  'Dentist',
  'Mental Health',
  'Pharmacist',
  'Medical Assistant',
  'Officer',
  'Records Clerk',
] as const;

export const FACILITIES: ReadonlyArray<{ code: string; name: string }> = [
  { code: 'MAIN', name: 'Main Jail' },
  { code: 'ANNEX', name: 'Jail Annex' },
  { code: 'WOMEN', name: "Women's Detention Center" },
  { code: 'JUV', name: 'Juvenile Hall' },
  { code: 'WORK', name: 'Work Release Center' },
  { code: 'INTAKE', name: 'Intake and Booking' },
];

export function isUsertype(name: string): boolean {
  return (USERTYPES as readonly string[]).includes(name);
}

export function facilityName(code: string): string | null {
  return FACILITIES.find((f) => f.code === code)?.name ?? null;
}
