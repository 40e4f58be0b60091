import type { Connector, SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import { isSourceError } from '../../core/errors';
import type { UserRecord } from '../../core/model';
import type { MirrorCatalogs, MirroredUser } from '../../store/mirror-repository';

/** What one refresh read from the vendor, and what it cost. */
export interface RefreshRead {
  users: MirroredUser[];
  catalogs: MirrorCatalogs;
  vendorCalls: number;
}

/** Users per list call during a refresh: the largest page the core asks for anywhere. */
const PAGE = 500;

/**
 * Reads a whole source through its ordinary reader — the same mapping, batching and vendor HTTP
 * stack as a live query — in the background context, so every call waits behind live traffic in
 * the source's limiter (docs/mirror.md, "budget"). Relations are read `usersAtOnce` users at a
 * time so a vendor without batch routes (CorEMR, 2 calls per user) keeps room for live queries.
 * Throws the vendor's SourceError on the first failure: a partial read never replaces the copy.
 */
export async function readWholeSource(connector: Connector, ctx: RequestContext, usersAtOnce: number): Promise<RefreshRead> {
  const reader: SourceReader = connector.reader(ctx);
  const users: UserRecord[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await reader.listUsers({ filter: {}, after, first: PAGE, include: { userTypes: true, facilityAccess: true } });
    // A record the reader had to skip would read as "deleted" in the diff: refuse the refresh instead.
    if (page.skipped) throw Object.assign(new Error('a vendor page held records that could not be read'), { code: 'SOURCE_BAD_RESPONSE' });
    users.push(...page.users);
    if (page.next === null || page.next === after) break;
    after = page.next;
  }
  const out: MirroredUser[] = [];
  for (let i = 0; i < users.length; i += usersAtOnce) {
    const chunk = users.slice(i, i + usersAtOnce);
    out.push(
      ...(await Promise.all(
        chunk.map(async (user) => {
          const [userTypes, facilityAccess] = await Promise.all([reader.userTypesOf(user), reader.facilityAccessOf(user)]);
          return { user, userTypes, facilityAccess, syncedAt: null };
        }),
      )),
    );
  }
  const caps = connector.capabilities;
  const [userTypes, facilities] = await Promise.all([caps.userTypeCatalog ? reader.userTypes() : [], caps.facilityCatalog ? reader.facilities() : []]);
  return { users: out, catalogs: { userTypes, facilities }, vendorCalls: [...(ctx.vendorCalls?.values() ?? [])].reduce((a, b) => a + b, 0) };
}

/** A refresh failure as the mirror state shows it: the error code only (never a message with vendor text). */
export function failureCode(err: unknown): string {
  if (isSourceError(err)) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'INTERNAL_SERVER_ERROR';
}
