import type { Router } from '../../../sim/router';
import type { SimRequest, SimResponse } from '../../../sim/types';
import { authenticate, isResponse } from './auth';
import { failure, ok } from './envelope';
import type { SimState } from './state';

/**
 * Reference data (doc + NOTES §4): organizations → facilities → workspaces → rooms, and roles.
 * Every list is the full `data` array (no paging is documented). Only GET /organizations accepts a
 * temporal token (doc: "works with a temporal token"). Unknown parents are 404 in the envelope.
 */
export function addReferenceRoutes(router: Router, base: string, state: SimState): void {
  const guarded = (temporalAllowed: boolean, fn: (req: SimRequest) => SimResponse) => (req: SimRequest) => {
    const caller = authenticate(state, req.query, { temporalAllowed });
    return isResponse(caller) ? caller : fn(req);
  };
  const org = (id: string) => state.data.organizations.find((o) => o.id === id);
  const facility = (o: string, f: string) => state.data.facilities.find((x) => x.organizationId === o && x.id === f);
  const workspace = (o: string, f: string, w: string) =>
    state.data.workspaces.find((x) => x.organizationId === o && x.facilityId === f && x.id === w);

  router.add('GET', `${base}/organizations`, guarded(true, () => ok(state.data.organizations)));
  router.add('GET', `${base}/organizations/:o/facilities`, guarded(false, (req) => {
    const { o } = req.params as { o: string };
    if (!org(o)) return failure(404, 'Organization not found');
    return ok(state.data.facilities.filter((f) => f.organizationId === o));
  }));
  router.add('GET', `${base}/organizations/:o/roles`, guarded(false, (req) => {
    const { o } = req.params as { o: string };
    if (!org(o)) return failure(404, 'Organization not found');
    // The doc's roles list carries no permissions: id, description, name, organizationId.
    return ok(state.data.roles.filter((r) => r.organizationId === o).map(({ id, description, name, organizationId }) => ({ id, description, name, organizationId })));
  }));
  router.add('GET', `${base}/organizations/:o/facilities/:f/workspaces`, guarded(false, (req) => {
    const { o, f } = req.params as { o: string; f: string };
    if (!facility(o, f)) return failure(404, 'Facility not found');
    return ok(state.data.workspaces.filter((w) => w.organizationId === o && w.facilityId === f));
  }));
  router.add('GET', `${base}/organizations/:o/facilities/:f/workspaces/:w`, guarded(false, (req) => {
    const { o, f, w } = req.params as { o: string; f: string; w: string };
    const found = workspace(o, f, w);
    return found ? ok(found) : failure(404, 'Workspace not found');
  }));
  router.add('GET', `${base}/organizations/:o/facilities/:f/workspaces/:w/rooms`, guarded(false, (req) => {
    const { o, f, w } = req.params as { o: string; f: string; w: string };
    if (!workspace(o, f, w)) return failure(404, 'Workspace not found');
    return ok(state.data.rooms.filter((r) => r.workspaceId === w));
  }));
}
