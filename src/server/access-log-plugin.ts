import type http from 'node:http';
import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import { getOperationAST } from 'graphql';
import type { Logger } from '../core/logger';
import type { RequestContext } from '../core/context';
import type { RequestScope } from '../service/request-scope';
import { operationLabel } from './metrics';

/**
 * Error codes that mean the request was refused before running: the three metrics-plugin.ts
 * counts as refusals, and the two only the HTTP layer or Apollo's request parsing answer
 * (draining, a body that is not a GraphQL request).
 */
const REFUSED_CODES = new Set(['QUERY_TOO_COMPLEX', 'UNAUTHENTICATED', 'FORBIDDEN', 'SHUTTING_DOWN', 'BAD_REQUEST']);

/** How a request ended, by the metrics' rule: refused (a refusal code), error (any other error, or a source failed), else ok. */
export function requestOutcome(codes: readonly string[], sourceFailed: boolean): 'ok' | 'error' | 'refused' {
  if (codes.some((c) => REFUSED_CODES.has(c))) return 'refused';
  return codes.length || sourceFailed ? 'error' : 'ok';
}

/** At most this many distinct error codes are listed on one line (a request cannot flood the log). */
const MAX_CODES = 16;

/** What the Apollo side learns about one request (absent when Apollo never ran a request pipeline). */
interface OperationFacts {
  operation: string | null;
  operationType: string | null;
  codes: string[];
  sourceFailed: boolean;
}

/**
 * One /graphql request's access line, from the moment the HTTP server has its request id until
 * the response is closed. The line is written on the response's `close` event, so every way a
 * request ends gets exactly one — answered by Apollo, refused by the HTTP layer (401, 413, 400,
 * 503), failed with a 500, or abandoned by the client — with the status actually sent and the
 * duration including the body.
 */
export class AccessEntry {
  private readonly started = process.hrtime.bigint();
  private scope: RequestScope | undefined;
  private refusedCode: string | undefined;
  private apolloCodes: string[] = [];
  private written = false;
  private skipped = false;

  constructor(
    private readonly log: AccessLog,
    private readonly requestId: string,
    res: http.ServerResponse,
  ) {
    res.once('close', () => this.write(res.statusCode));
  }

  /** The request was answered by the HTTP layer itself, with this error code. */
  refused(code: string): void {
    this.refusedCode = code;
  }

  /** Not a GraphQL request after all (the IDE page on GET /graphql): no line. */
  skip(): void {
    this.skipped = true;
  }

  /** The request got a scope and went to Apollo; the plugin fills in what it learns through it. */
  attach(scope: RequestScope): void {
    this.scope = scope;
  }

  /**
   * The codes of an answer Apollo wrote before any plugin hook ran (no query, a GET without
   * one, a wrong method): read back from the body, which is then small and Apollo's own.
   */
  apolloAnswered(status: number, body: string | undefined): void {
    if (status < 400 || body === undefined || (this.scope && this.log.facts(this.scope))) return;
    try {
      const parsed = JSON.parse(body) as { errors?: Array<{ extensions?: { code?: unknown } }> };
      this.apolloCodes = (parsed.errors ?? []).map((e) => String(e.extensions?.code ?? 'BAD_REQUEST'));
    } catch {
      this.apolloCodes = ['BAD_REQUEST'];
    }
  }

  private write(status: number): void {
    if (this.written || this.skipped) return;
    this.written = true;
    const ms = Math.round(Number(process.hrtime.bigint() - this.started) / 1e5) / 10;
    const facts = this.scope ? this.log.facts(this.scope) : undefined;
    const codes = distinct(this.refusedCode ? [this.refusedCode] : facts ? facts.codes : status >= 500 && !this.apolloCodes.length ? ['INTERNAL_SERVER_ERROR'] : this.apolloCodes);
    const calls = [...(this.scope?.request.vendorCalls ?? new Map<string, number>())].filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let outcome = requestOutcome(codes, facts?.sourceFailed ?? false);
    if (outcome === 'ok' && status >= 400) outcome = 'error';
    this.log.logger.info('request', {
      requestId: this.requestId,
      operation: facts?.operation ?? null,
      operationType: facts?.operationType ?? null,
      status,
      ms,
      errors: codes.join(','),
      outcome,
      vendorCalls: calls.map(([id, n]) => `${id}=${n}`).join(','),
      vendorCallsTotal: calls.reduce((sum, [, n]) => sum + n, 0),
    });
  }
}

/**
 * The access log (event `request`, info): one line per /graphql request with its request id,
 * operation name and type, HTTP status, duration, the distinct error codes, the outcome (ok,
 * error, refused — as the metrics count it) and the vendor calls it made per source.
 *
 * What it never holds, by construction: the query text, the variables, or anything from the
 * results (user ids, names, e-mail addresses). The operation name is the one label taken from the
 * request, and it is cut like the metrics label (operationLabel: [A-Za-z0-9_], 64 characters).
 * The caller is not named either: who changed what is the audit trail's job, not the log's.
 *
 * Created once per server; `begin()` per request in http-server.ts, `plugin()` among Apollo's plugins.
 */
export class AccessLog {
  /**
   * Keyed by the scope's RequestContext, not the scope: Apollo hands the plugins a shallow copy of
   * the context value, whose fields (this object among them) are the scope's own.
   */
  private readonly byRequest = new WeakMap<RequestContext, OperationFacts>();

  constructor(readonly logger: Logger) {}

  begin(requestId: string, res: http.ServerResponse): AccessEntry {
    return new AccessEntry(this, requestId, res);
  }

  facts(scope: RequestScope): OperationFacts | undefined {
    return this.byRequest.get(scope.request);
  }

  /**
   * Records the operation and the error codes in willSendResponse: after formatError (a parse
   * error over maxTokens already carries QUERY_TOO_COMPLEX) and after the gateway plugin added one
   * error per failed source. Put it after gatewayPlugin in the plugin list.
   */
  plugin(): ApolloServerPlugin<RequestScope> {
    return {
      requestDidStart: async () => ({
        willSendResponse: async (rc) => {
          const { contextValue } = rc;
          this.byRequest.set(contextValue.request, { ...operationOf(rc), codes: errorCodes(rc), sourceFailed: contextValue.failures.length > 0 });
        },
      }),
    };
  }
}

/**
 * The operation's name (cut as the metrics label is) and type: Apollo's once it resolved the
 * operation, else what the parsed document says (a document that failed validation still names
 * its operation), else the name the client sent (a document that did not parse).
 */
export function operationOf(rc: GraphQLRequestContextWillSendResponse<RequestScope>): { operation: string | null; operationType: string | null } {
  const op = rc.operation ?? (rc.document ? getOperationAST(rc.document, rc.request.operationName) : null);
  const name = rc.operationName ?? op?.name?.value ?? rc.request.operationName;
  return { operation: name ? operationLabel(name) : null, operationType: op?.operation ?? null };
}

/** Every error's code (masked ones are INTERNAL_SERVER_ERROR), then each failed source's, distinct. */
export function errorCodes(rc: GraphQLRequestContextWillSendResponse<RequestScope>): string[] {
  const errors = rc.response.body.kind === 'single' ? (rc.response.body.singleResult.errors ?? []) : [];
  return distinct([...errors.map((e) => String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR')), ...rc.contextValue.failures.map((f) => f.code)]);
}

function distinct(codes: string[]): string[] {
  return [...new Set(codes)].slice(0, MAX_CODES);
}
