import type { RequestContext } from '../../core/context';
import { SourceError } from '../../core/errors';
import type { PsClient } from './client';
import type { PsOptions } from './config';
import { readOrganizations } from './mapper';
import type { PsUser } from './wire';

/** The organizations this source shows, and whether users must be filtered to one of them. */
export interface Scope {
  organizations: string[];
  /** Keep only users of this organization; null keeps every user the account can read. */
  only: string | null;
}

/**
 * Which organizations one request's reader and writer show (shared between them through the
 * kit's perRequest store in connector.ts, so a write's scope check costs no call the reader
 * already made): options.organization, else the login's organizationId (no extra call: the login
 * is needed anyway). Only when the account has no organization is GET /organizations read, once
 * per request, and then every organization it lists is shown.
 */
export class PsScope {
  private scope: Promise<Scope> | null = null;

  constructor(
    private readonly client: PsClient,
    private readonly options: PsOptions,
    private readonly ctx: RequestContext,
  ) {}

  get(): Promise<Scope> {
    this.scope ??= (async () => {
      const configured = this.options.organization;
      if (configured) return { organizations: [configured], only: configured };
      const session = await this.client.session(this.ctx);
      if (session.organizationId) return { organizations: [session.organizationId], only: session.organizationId };
      const orgs = readOrganizations(await this.client.call({ method: 'GET', path: '/organizations', route: '/organizations', ctx: this.ctx }));
      if (!orgs) throw new SourceError('SOURCE_BAD_RESPONSE', this.client.sourceId);
      return { organizations: orgs.map((o) => o.id), only: null };
    })();
    return this.scope;
  }

  /** Whether a vendor user belongs to this source's scope. */
  async shows(raw: PsUser): Promise<boolean> {
    return inScope(await this.get(), raw);
  }
}

export function inScope(scope: Scope, u: PsUser): boolean {
  return scope.only == null || u.organizationId === scope.only;
}
