import { encodeId } from '../core/ids';
import type { FacilityAccessRecord, FacilityRecord, UserRecord, UserTypeRecord } from '../core/model';
import type { Connector } from '../core/connector';
import { WRITE_OPERATIONS } from '../core/connector';
import { toConstant } from './enums';

/**
 * Records → GraphQL objects: adds the global id and the __typename that Node.resolveType reads.
 * The vendor-private `refs` stay on the object but no GraphQL field exposes them.
 */
export type Presented<T> = T & { id: string; __typename: string };

export const presentUser = (u: UserRecord): Presented<UserRecord> => ({ ...u, id: encodeId('User', u.sourceId, u.nativeId), __typename: 'User' });
export const presentUserType = (t: UserTypeRecord): Presented<UserTypeRecord> => ({ ...t, id: encodeId('UserType', t.sourceId, t.nativeId), __typename: 'UserType' });
export const presentFacility = (f: FacilityRecord): Presented<FacilityRecord> => ({ ...f, id: encodeId('Facility', f.sourceId, f.nativeId), __typename: 'Facility' });
export const presentAccess = (a: FacilityAccessRecord) => ({ facility: presentFacility(a.facility), primary: a.primary });

export function presentSource(c: Connector) {
  return { id: c.sourceId, vendor: c.vendor, name: c.name };
}

export function presentCapabilities(c: Connector) {
  const caps = c.capabilities;
  return {
    userTypeCatalog: caps.userTypeCatalog,
    facilityCatalog: caps.facilityCatalog,
    multipleUserTypes: caps.multipleUserTypes,
    multipleFacilities: caps.multipleFacilities,
    pushdownFilters: [...caps.pushdownFilters],
    operations: WRITE_OPERATIONS.map((op) => {
      const w = caps.writes[op];
      return { operation: op, supported: w.supported, verbs: w.supported ? w.verbs : null, alternative: w.supported ? null : w.alternative };
    }),
  };
}

export { toConstant };
