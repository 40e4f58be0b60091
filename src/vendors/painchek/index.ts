import type { Capabilities, Connector, ConnectorDeps, SourceConfig, SourceReader, VendorModule } from '../../core/connector';
import type { RequestContext } from '../../core/context';
import type { Slots } from '../../http/semaphore';
import type { SourceHealthRecord } from '../../core/model';
import type { SourceWriter } from '../../core/writes';
import { VendorHttp } from '../../http/vendor-http';
import { checkHealth } from '../../kit';
import { PainChekClient } from './client';
import { parseSourceConfig, type PainChekAuth } from './config';
import { PainChekReader } from './loaders';
import { startSimulator } from './simulator';
import { PainChekWriter } from './writer';
import { PAINCHEK_COSTS } from './costs';

/** What PainChek can do (docs/architecture.md §3–§5, PainChek column). */
export const CAPABILITIES: Capabilities = {
  userTypeCatalog: true, // static: the three documented roles (there is no roles endpoint)
  facilityCatalog: true, // GET /api/sites/
  multipleUserTypes: false, // one `role` per user
  multipleFacilities: true, // institution + any number of site access records
  pushdownFilters: ['externalId'], // ?external_id= (exact string)
  personFields: ['firstName', 'lastName', 'email', 'phone', 'title'],
  writes: {
    createUser: { supported: true, verbs: 'POST /api/account/users/ (+ PATCH /api/sites/{site}/users/{user}/ per facility)' },
    updateUser: { supported: true, verbs: 'PATCH /api/account/users/{uuid}/' },
    setUserActive: { supported: true, verbs: 'PATCH /api/account/users/{uuid}/ is_active' },
    deleteUser: { supported: false, alternative: 'PainChek users cannot be deleted: deactivate the user with setUserActive(active: false).' },
    assignUserType: { supported: true, verbs: 'PATCH /api/account/users/{uuid}/ role (replaces the single role)' },
    removeUserType: { supported: false, alternative: 'A PainChek user always has exactly one role: assign another role with assignUserType.' },
    grantFacilityAccess: { supported: true, verbs: 'PATCH /api/sites/{site}/users/{user}/ (+ PATCH /api/account/users/{uuid}/ institution when primary)' },
    updateFacilityAccess: { supported: true, verbs: 'PATCH /api/account/users/{uuid}/ institution' },
    revokeFacilityAccess: { supported: true, verbs: 'DELETE /api/sites/{site}/users/{user}/ (+ PATCH institution null when it was the primary)' },
  },
};

/**
 * One PainChek source. Created once: the undici pool (VendorHttp), the token cache (in the
 * client) and the concurrency cap. Readers and writers are per request.
 */
class PainChekConnector implements Connector {
  readonly vendor = 'painchek';
  readonly capabilities = CAPABILITIES;
  readonly costs = PAINCHEK_COSTS;
  readonly sourceId: string;
  readonly name: string;
  private readonly http: VendorHttp;
  private readonly client: PainChekClient;
  private readonly limit: Slots;

  constructor(config: SourceConfig, deps: ConnectorDeps) {
    this.sourceId = config.id;
    this.name = config.name;
    this.http = new VendorHttp(config, deps);
    this.client = new PainChekClient(config.id, this.http, config.baseUrl, config.auth as unknown as PainChekAuth, Date.now, deps.coordination);
    this.limit = this.http.concurrency;
  }

  reader(ctx: RequestContext): SourceReader {
    return new PainChekReader(this.sourceId, this.client, this.limit, ctx);
  }

  writer(ctx: RequestContext, reader: SourceReader): SourceWriter {
    return new PainChekWriter(this.sourceId, this.client, ctx, reader);
  }

  /** One authenticated call: the first page of sites, one record long. */
  health(ctx: RequestContext): Promise<SourceHealthRecord> {
    return checkHealth(() => this.client.listSites(ctx, 1, 1));
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

export const vendor: VendorModule = {
  vendor: 'painchek',
  displayName: 'PainChek',
  defaultSimPort: 7103,
  parseSourceConfig: (raw) => parseSourceConfig(raw),
  createConnector: (config, deps) => new PainChekConnector(config, deps),
  startSimulator,
};
