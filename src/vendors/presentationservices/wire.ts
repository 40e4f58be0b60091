import { z } from 'zod';

/**
 * The vendor's JSON shapes, as far as the connector relies on them. Objects are not strict:
 * unknown keys (pin, token, activeDevices, permissions, …) are dropped by parsing, so secrets in
 * a login or a future user record can never travel further than this file.
 */

/** Ids arrive as strings ("poda", "UNC") or numbers (role 2); the connector keeps strings. */
const id = z.union([z.string().min(1), z.number()]).transform(String);
const text = z.string().nullish().transform((v) => v ?? null);

export const PsRoleRef = z.object({ id, name: text, description: text });

/** A user record: the login accountFact's shape plus names, email and status (DESIGN §9). */
export const PsUser = z.object({
  userId: id,
  username: z.union([z.string(), z.number()]).nullish().transform((v) => (v == null ? null : String(v))),
  firstName: text,
  lastName: text,
  email: text,
  organizationId: text,
  facilityId: text,
  role: PsRoleRef.nullish().transform((v) => v ?? null),
  status: text,
});
export type PsUser = z.output<typeof PsUser>;

export const PsRole = z.object({ id, name: z.string(), description: text, organizationId: text });
export type PsRole = z.output<typeof PsRole>;

export const PsFacility = z.object({ id, name: text, organizationId: text });
export type PsFacility = z.output<typeof PsFacility>;

export const PsOrganization = z.object({ id, name: text });
export type PsOrganization = z.output<typeof PsOrganization>;

/** The part of validateAccount's accountFact a session needs (token kept, pin dropped). */
export const PsAccountFact = z.object({
  token: z.string().min(1),
  userId: id,
  organizationId: text,
  facilityId: text,
});
export type PsAccountFact = z.output<typeof PsAccountFact>;

const StatusFact = z.object({ success: z.boolean() });

export const PsLoginEnvelope = z.object({
  validateAccountFact: z.object({ statusFact: StatusFact, accountFact: z.unknown().optional() }),
});

const FieldError = z.object({ field: z.string().nullish(), message: z.unknown().optional() });

/**
 * Every other answer: {data, statusFact}. On failure the field errors may sit at the top level
 * (the simulator) or inside statusFact (another reading of DESIGN §9); both are accepted.
 */
export const PsEnvelope = z.object({
  data: z.unknown().optional(),
  statusFact: StatusFact.extend({ errors: z.array(FieldError).optional() }),
  errors: z.array(FieldError).optional(),
});
