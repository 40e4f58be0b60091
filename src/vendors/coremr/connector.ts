import type { Slots } from '../../http/semaphore';
import type { Capabilities, Connector, ConnectorDeps, SourceConfig, SourceReader } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import type { SourceHealthRecord } from '../../core/model';
import type { SourceWriter } from '../../core/writes';
import { VendorHttp } from '../../http/vendor-http';
import { checkHealth } from '../../kit';
import { CoremrClient, ROUTES } from './client';
import { resolveAuth } from './config';
import { CoremrReader } from './loaders';
import { CoremrWriter } from './writer';
import { COREMR_COSTS } from './costs';

export const CAPABILITIES: Capabilities = {
  // CorEMR documents no route listing usertypes or facilities (this folder's README).
  userTypeCatalog: false,
  facilityCatalog: false,
  multipleUserTypes: true,
  multipleFacilities: true,
  pushdownFilters: ['active', 'firstName', 'lastName', 'email'],
  personFields: ['firstName', 'middleInitial', 'lastName', 'email', 'phone', 'title', 'employeeNumber', 'npi'],
  writes: {
    createUser: { supported: true, verbs: `POST ${ROUTES.users} (+ POST ${ROUTES.types}, POST ${ROUTES.facilities})` },
    updateUser: { supported: true, verbs: `GET + PUT ${ROUTES.user} (full record)` },
    setUserActive: { supported: true, verbs: `GET + PUT ${ROUTES.user} (active)` },
    deleteUser: { supported: true, verbs: `DELETE ${ROUTES.user}` },
    assignUserType: { supported: true, verbs: `POST ${ROUTES.types}` },
    removeUserType: { supported: true, verbs: `DELETE ${ROUTES.type}` },
    grantFacilityAccess: { supported: true, verbs: `POST ${ROUTES.facilities}` },
    updateFacilityAccess: { supported: true, verbs: `PUT ${ROUTES.facility} (primary)` },
    revokeFacilityAccess: { supported: true, verbs: `DELETE ${ROUTES.facility}` },
  },
};

/** A lastname no user has: the health check's list comes back empty, proving the signature without a large body. */
const HEALTH_PROBE_LNAME = 'zz-staffgraph-health-probe';

/**
 * One CorEMR source. Created once at start: the VendorHttp (undici Pool), the client with its
 * precomputed GET/DELETE signature, and the Semaphore that caps parallel per-user calls at
 * http.maxConcurrency (default 8). Readers and writers are per request.
 */
export class CoremrConnector implements Connector {
  readonly vendor = 'coremr';
  readonly capabilities = CAPABILITIES;
  readonly costs = COREMR_COSTS;
  readonly sourceId: string;
  readonly name: string;
  readonly client: CoremrClient;
  readonly http: VendorHttp;
  private readonly semaphore: Slots;

  constructor(config: SourceConfig, deps: ConnectorDeps) {
    this.sourceId = config.id;
    this.name = config.name;
    this.http = new VendorHttp(config, deps);
    this.client = new CoremrClient(this.http, resolveAuth(config.auth), config.id);
    this.semaphore = this.http.concurrency;
  }

  reader(ctx: RequestContext): CoremrReader {
    return new CoremrReader(this.sourceId, this.client, this.semaphore, ctx);
  }

  writer(ctx: RequestContext, reader: SourceReader): SourceWriter {
    return new CoremrWriter(this.sourceId, this.client, ctx, reader);
  }

  /** GET /ws/users/?lname=<no such name>: one signed call with an empty answer. Never throws (kit checkHealth). */
  health(ctx: RequestContext): Promise<SourceHealthRecord> {
    return checkHealth(() => this.client.listUsers({ lname: HEALTH_PROBE_LNAME }, { ctx }));
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
