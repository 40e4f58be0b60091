import type { Capabilities, Connector, ConnectorDeps, SourceConfig, SourceReader } from '../../core/connector';
import type { Slots } from '../../http/semaphore';
import type { RequestContext } from '../../core/context';
import type { SourceHealthRecord } from '../../core/model';
import type { SourceWriter } from '../../core/writes';
import { VendorHttp } from '../../http/vendor-http';
import { checkHealth, perRequest } from '../../kit';
import { PsClient } from './client';
import { typedConfig, type PsOptions } from './config';
import { PsReader } from './loaders';
import { PsScope } from './scope';
import { PsWriter } from './writer';
import { PS_COSTS } from './costs';

export const CAPABILITIES: Capabilities = {
  userTypeCatalog: true,
  facilityCatalog: true,
  multipleUserTypes: false,
  multipleFacilities: false,
  // The vendor documents no user filters: everything is applied in the gateway.
  pushdownFilters: [],
  personFields: ['firstName', 'lastName', 'email'],
  writes: {
    createUser: { supported: true, verbs: 'POST /users (form)' },
    updateUser: { supported: true, verbs: 'GET /users/{userId} + POST /users/{userId} (form)' },
    setUserActive: { supported: true, verbs: 'GET /users/{userId} + POST /users/{userId} status=ACTIVE|SUSPENDED' },
    deleteUser: { supported: true, verbs: 'DELETE /users/{userId}' },
    assignUserType: { supported: true, verbs: 'GET /users/{userId} + POST /users/{userId} role (replaces the one role)' },
    removeUserType: {
      supported: false,
      alternative: 'A PresentationServices user always has exactly one role: assign another role with assignUserType.',
    },
    grantFacilityAccess: { supported: true, verbs: 'GET /users/{userId} + POST /users/{userId} organization, facility (replaces the one facility)' },
    updateFacilityAccess: {
      supported: false,
      alternative: 'A PresentationServices user has exactly one facility, always primary: move the user with grantFacilityAccess.',
    },
    revokeFacilityAccess: {
      supported: false,
      alternative: 'A PresentationServices user must have one facility: move the user with grantFacilityAccess, or deactivate with setUserActive(active: false).',
    },
  },
};

/**
 * One PresentationServices source. Created once at start: the HTTP pool, the token cache (in the
 * client) and the per-user concurrency cap. Readers and writers are per request.
 */
export class PsConnector implements Connector {
  readonly vendor = 'presentationservices';
  readonly capabilities = CAPABILITIES;
  readonly costs = PS_COSTS;
  readonly sourceId: string;
  readonly name: string;
  private readonly http: VendorHttp;
  private readonly client: PsClient;
  private readonly options: PsOptions;
  private readonly semaphore: Slots;
  /** The request's organizations, shared by its reader and writer (kit perRequest). */
  private readonly scopeOf: (ctx: RequestContext) => PsScope;

  constructor(config: SourceConfig, deps: ConnectorDeps) {
    const { auth, options } = typedConfig(config);
    this.sourceId = config.id;
    this.name = config.name;
    this.options = options;
    this.http = new VendorHttp(config, deps);
    this.client = new PsClient(this.http, auth, config.id, deps.coordination);
    this.semaphore = this.http.concurrency;
    this.scopeOf = perRequest((ctx) => new PsScope(this.client, this.options, ctx));
  }

  reader(ctx: RequestContext): PsReader {
    return new PsReader({ sourceId: this.sourceId, client: this.client, semaphore: this.semaphore }, this.scopeOf(ctx), ctx);
  }

  writer(ctx: RequestContext, reader: SourceReader): SourceWriter {
    return new PsWriter(this.sourceId, this.client, reader, this.scopeOf(ctx), ctx);
  }

  /** The gateway's own account is the login's accountFact userId (known once logged in; cached). */
  async isServiceAccount(nativeId: string, ctx: RequestContext): Promise<boolean> {
    return (await this.client.session(ctx)).userId === nativeId;
  }

  /** GET /organizations: cheap, authenticated, and a login when the token is gone. Never throws. */
  health(ctx: RequestContext): Promise<SourceHealthRecord> {
    return checkHealth(() => this.client.call({ method: 'GET', path: '/organizations', route: '/organizations', ctx }));
  }

  /** Upstream requests sent so far (benchmark and tests). */
  get requestCount(): number {
    return this.http.requestCount;
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
