import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { GraphQLError } from 'graphql';
import type { AuditFilter, AuditOutcome } from '../store/types';
import type { RequestScope } from '../service/request-scope';
import { listAuditEvents } from '../service/audit/audit-query';
import { AuditEventConnection, AuditEventsArgs } from './audit.types';

/** The audit trail's read side (docs/store-and-audit.md). Needs `audit:read`, checked before the store is touched. */
@Resolver()
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: 'Audit events, newest first. Needs the audit:read scope.' })
  async auditEvents(@Args(() => AuditEventsArgs) args: AuditEventsArgs, @Ctx() ctx: RequestScope) {
    if (!ctx.may('audit:read')) {
      throw new GraphQLError('auditEvents needs the audit:read scope.', { extensions: { code: 'FORBIDDEN', scope: 'audit:read' } });
    }
    const f = args.filter;
    const filter: AuditFilter = {
      actor: f?.actor ?? null,
      source: f?.source ?? null,
      target: f?.target ?? null,
      action: f?.action ?? null,
      outcome: (f?.outcome as AuditOutcome | undefined) ?? null,
      from: f?.from ?? null,
      to: f?.to ?? null,
    };
    const page = await listAuditEvents(ctx.store.audit, ctx.caller, { filter, first: args.first, after: args.after ?? null });
    return { edges: page.edges, nodes: page.edges.map((e) => e.node), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  }
}
