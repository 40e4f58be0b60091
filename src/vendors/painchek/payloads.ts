import { z } from 'zod';

/**
 * The shapes of PainChek payloads the connector relies on (the fields it reads; others pass
 * unchecked and are dropped). A response that does not fit is SOURCE_BAD_RESPONSE.
 */

export const pcUserSchema = z.object({
  uuid: z.string().min(1),
  email: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  // The docs print "" on some records and null on others.
  phone: z.string().nullable().optional(),
  position: z.string().nullable().optional(),
  institution: z.string().nullable().optional(),
  role: z.string(),
  is_active: z.boolean(),
  has_activated: z.boolean(),
  date_joined: z.string().nullable().optional(),
  modified_at: z.string().nullable().optional(),
  external_id: z.string().nullable().optional(),
});
export type PcUser = z.infer<typeof pcUserSchema>;

export const pcSiteSchema = z.object({
  uuid: z.string().min(1),
  name: z.string().nullable().optional(),
  external_id: z.string().nullable().optional(),
});
export type PcSite = z.infer<typeof pcSiteSchema>;

/** A site access record (grant/revoke responses and a site's access list). */
export const pcAccessSchema = z.object({
  uuid: z.string().min(1),
  site: z.string().min(1),
  user: z.string().min(1),
  active: z.boolean(),
});
export type PcAccess = z.infer<typeof pcAccessSchema>;

/** DRF page-number envelope. */
function pageSchemaOf<T extends z.ZodType>(item: T) {
  return z.object({
    count: z.number().int().nonnegative(),
    next: z.string().nullable(),
    previous: z.string().nullable().optional(),
    results: z.array(item),
  });
}

const pageSchemas = new WeakMap<z.ZodType, ReturnType<typeof pageSchemaOf>>();

/**
 * The page envelope of `item`, built once per item schema: zod compiles a schema on its first
 * parse, and a schema built per call was compiled per call (7 % of the CPU of an all-sources page).
 */
export function pcPageSchema<T extends z.ZodType>(item: T): ReturnType<typeof pageSchemaOf<T>> {
  let schema = pageSchemas.get(item);
  if (!schema) pageSchemas.set(item, (schema = pageSchemaOf(item)));
  return schema as ReturnType<typeof pageSchemaOf<T>>;
}

export const pcTokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
});

/** The failure envelope; only `errors[].field` is read (never `detail`, which is free text). */
export const pcErrorSchema = z.object({
  errors: z.array(z.object({ field: z.string().optional() })).optional(),
});
