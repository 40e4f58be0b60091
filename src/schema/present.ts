import { encodeId, type NodeType } from '../core/ids';
import type { FacilityAccessRecord, FacilityRecord, UserRecord, UserTypeRecord } from '../core/model';
import type { Connector } from '../core/connector';
import { WRITE_OPERATIONS } from '../core/connector';
import { toConstant } from './enums';

/**
 * Records → GraphQL objects: adds the global id and the __typename that Node.resolveType reads.
 * The vendor-private `refs` stay on the object but no GraphQL field exposes them.
 *
 * Both live on a prototype per node type: `__typename` is a constant and `id` a getter, so an id
 * is encoded only when the query asks for it (a page of users with their roles asks for 100 user
 * ids and no role ids), and presenting is a property copy onto that prototype. An object literal
 * spread with fields added after it measured ~14x slower (docs/architecture.md, "CPU per answer").
 */
export type Presented<T> = T & { id: string; __typename: string };

function nodePrototype(type: NodeType): object {
  return Object.freeze(
    Object.create(Object.prototype, {
      __typename: { value: type, enumerable: false },
      id: {
        enumerable: false,
        get(this: { sourceId: string; nativeId: string }) {
          return encodeId(type, this.sourceId, this.nativeId);
        },
      },
    }),
  );
}
const USER = nodePrototype('User');
const USER_TYPE = nodePrototype('UserType');
const FACILITY = nodePrototype('Facility');

const present = <T extends object>(proto: object, record: T): Presented<T> => Object.assign(Object.create(proto) as Presented<T>, record);

export const presentUser = (u: UserRecord): Presented<UserRecord> => present(USER, u);
export const presentUserType = (t: UserTypeRecord): Presented<UserTypeRecord> => present(USER_TYPE, t);
export const presentFacility = (f: FacilityRecord): Presented<FacilityRecord> => present(FACILITY, f);
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
    personFields: [...caps.personFields],
    operations: WRITE_OPERATIONS.map((op) => {
      const w = caps.writes[op];
      return { operation: op, supported: w.supported, verbs: w.supported ? w.verbs : null, alternative: w.supported ? null : w.alternative };
    }),
  };
}

export { toConstant };
