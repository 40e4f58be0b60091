import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Logger } from '../core/logger';

export type TraceExporterName = 'otlp' | 'console';

/**
 * Which exporters the standard OTEL_* variables ask for; empty = tracing off (the default).
 *  - OTEL_SDK_DISABLED=true turns everything off, whatever else is set.
 *  - OTEL_TRACES_EXPORTER: a comma-separated list of `otlp`, `console`, `none` (`none` wins);
 *    unknown names are reported in `unknown` and ignored.
 *  - Without OTEL_TRACES_EXPORTER, an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
 *    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) means `otlp`.
 * Unlike the OTel SDK's own default (otlp whenever nothing is set), nothing set means off: a
 * gateway that nobody configured for tracing must not try to reach a collector on localhost.
 */
export function tracesWanted(env: NodeJS.ProcessEnv): { exporters: TraceExporterName[]; unknown: string[] } {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return { exporters: [], unknown: [] };
  const listed = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (listed.length === 0) {
    const endpoint = (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim();
    return { exporters: endpoint ? ['otlp'] : [], unknown: [] };
  }
  if (listed.includes('none')) return { exporters: [], unknown: [] };
  const exporters = [...new Set(listed.filter((s): s is TraceExporterName => s === 'otlp' || s === 'console'))];
  return { exporters, unknown: listed.filter((s) => s !== 'otlp' && s !== 'console') };
}

/**
 * The traces endpoint from `env`, as the exporter would derive it from the process environment:
 * the traces-specific variable as is, the generic one with `/v1/traces` appended. Passed to the
 * exporter explicitly so that the `env` that switched tracing on also says where spans go; the
 * exporter still reads _HEADERS and _TIMEOUT itself, from the process environment.
 */
export function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  const traces = (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? '').trim();
  if (traces) return traces;
  const base = (env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/**
 * Starts OpenTelemetry tracing when the OTEL_* variables ask for it (see tracesWanted): registers
 * a global NodeTracerProvider — with the AsyncLocalStorage context manager, which is what carries
 * the GraphQL operation span to the vendor calls' spans, and the W3C trace-context propagator —
 * so the tracer of src/observability/tracing.ts stops handing out no-op spans.
 *
 * `otlp` exports over OTLP/HTTP (JSON) through a BatchSpanProcessor; the endpoint comes from
 * OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT (default http://localhost:4318/v1/traces), headers and
 * timeout from OTEL_EXPORTER_OTLP_[TRACES_]HEADERS and _TIMEOUT. `console` prints each span as it ends (to stdout). Sampling
 * follows OTEL_TRACES_SAMPLER (default: parent-based, always on). service.name is
 * OTEL_SERVICE_NAME, default "staffgraph".
 *
 * Called once per process at start (serve, demo). Returns the shutdown to await on stop: it
 * flushes the spans still batched. When tracing is off it does nothing and returns a no-op.
 */
export function startTracing(env: NodeJS.ProcessEnv, logger: Logger, serviceVersion?: string): () => Promise<void> {
  const { exporters, unknown } = tracesWanted(env);
  if (unknown.length) logger.warn('tracing_exporter_unknown', { exporters: unknown.join(',').slice(0, 100), known: 'otlp,console,none' });
  if (exporters.length === 0) return async () => {};
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim();
  if (exporters.includes('otlp') && protocol && protocol !== 'http/json') {
    // Only the OTLP/HTTP JSON exporter is installed; a collector's OTLP/HTTP port takes JSON too.
    logger.warn('tracing_protocol_unsupported', { protocol: protocol.slice(0, 20), used: 'http/json' });
  }
  const url = otlpTracesUrl(env);
  const spanProcessors: SpanProcessor[] = exporters.map((name) => (name === 'otlp' ? new BatchSpanProcessor(new OTLPTraceExporter(url ? { url } : {})) : new SimpleSpanProcessor(new ConsoleSpanExporter())));
  const serviceName = (env.OTEL_SERVICE_NAME ?? '').trim() || 'staffgraph';
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, ...(serviceVersion ? { 'service.version': serviceVersion } : {}) }),
    spanProcessors,
  });
  provider.register();
  logger.info('tracing', { exporters: exporters.join(','), serviceName: serviceName.slice(0, 64) });
  let stopped: Promise<void> | undefined;
  return () => (stopped ??= provider.shutdown().catch(() => logger.warn('tracing_shutdown_failed')));
}
