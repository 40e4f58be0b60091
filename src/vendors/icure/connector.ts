import type { Capabilities, Connector, ConnectorDeps, SourceConfig } from '../../core/connector';
import type { Slots } from '../../http/semaphore';
import type { RequestContext } from '../../core/context';
import type { SourceHealthRecord } from '../../core/model';
import { VendorHttp } from '../../http/vendor-http';
import { checkHealth } from '../../kit';
import { IcureClient } from './client';
import type { IcureAuthConfig } from './config';
import { IcureReader } from './loaders';
import { IcureWriter } from './writer';
import { ICURE_COSTS } from './costs';

const READ_MODIFY_WRITE = 'GET /rest/v2/user/{id} + PUT /rest/v2/user (whole document with its rev)';
const NO_FACILITIES = 'iCure users have no facility access; use the healthcare party or group instead.';

export const ICURE_CAPABILITIES: Capabilities = {
  // Roles are free strings on each user: there is no catalog route to list them.
  userTypeCatalog: false,
  // An iCure user has no facility (the nearest notions are groupId and healthcarePartyId).
  facilityCatalog: false,
  multipleUserTypes: true,
  multipleFacilities: false,
  // GET /rest/v2/user/byEmail/{email}; every other filter is applied in the gateway.
  pushdownFilters: ['email'],
  personFields: ['firstName', 'lastName', 'email', 'phone'],
  writes: {
    createUser: { supported: true, verbs: 'POST /rest/v2/user' },
    updateUser: { supported: true, verbs: READ_MODIFY_WRITE },
    setUserActive: { supported: true, verbs: `${READ_MODIFY_WRITE}: status ACTIVE/DISABLED` },
    deleteUser: { supported: true, verbs: 'DELETE /rest/v2/user/{id} (soft delete: sets deletionDate)' },
    assignUserType: { supported: true, verbs: `${READ_MODIFY_WRITE}: roles` },
    removeUserType: { supported: true, verbs: `${READ_MODIFY_WRITE}: roles` },
    grantFacilityAccess: { supported: false, alternative: NO_FACILITIES },
    updateFacilityAccess: { supported: false, alternative: NO_FACILITIES },
    revokeFacilityAccess: { supported: false, alternative: NO_FACILITIES },
  },
};

/**
 * One iCure source. Created once at start: the undici pool (VendorHttp), the JWT session inside
 * the client, and the per-user concurrency cap. Readers and writers are per request.
 * `now` (epoch ms) only exists so tests can step the JWT session's clock.
 */
export function createIcureConnector(config: SourceConfig, deps: ConnectorDeps, now: () => number = Date.now): Connector {
  const auth = config.auth as unknown as IcureAuthConfig;
  const http = new VendorHttp(config, deps);
  const client = new IcureClient(http, config.id, { username: auth.username, password: auth.password, mode: auth.mode ?? 'basic' }, now, deps.coordination);
  const semaphore = http.concurrency;

  return {
    sourceId: config.id,
    vendor: 'icure',
    name: config.name,
    capabilities: ICURE_CAPABILITIES,
    costs: ICURE_COSTS,
    reader: (ctx: RequestContext) => new IcureReader(config.id, client, semaphore, ctx),
    writer: (ctx, reader) => new IcureWriter(config.id, client, ctx, reader),
    /** With Basic or JWT auth the gateway is an ordinary iCure user: the one whose login is ours. */
    async isServiceAccount(nativeId, _ctx, reader) {
      const user = await reader.user(nativeId);
      return user?.username != null && user.username.toLowerCase() === auth.username.toLowerCase();
    },
    health: (ctx: RequestContext): Promise<SourceHealthRecord> => checkHealth(() => client.currentUser({ ctx })),
    close: () => http.close(),
  };
}
