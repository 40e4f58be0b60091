import type { FaultSpec, LoggedRequest } from './types';

/**
 * The test-side client of a simulator's /__sim/ controls. Tests use it to assert exactly which
 * vendor requests the gateway sent, to reset state between tests, and to inject faults.
 */
export class SimControl {
  constructor(readonly origin: string) {}

  async requests(): Promise<LoggedRequest[]> {
    const res = await fetch(`${this.origin}/__sim/requests`);
    return ((await res.json()) as { requests: LoggedRequest[] }).requests;
  }

  async clearRequests(): Promise<void> {
    await fetch(`${this.origin}/__sim/requests`, { method: 'DELETE' });
  }

  /** Restores seeded data and clears the log and every fault. */
  async reset(): Promise<void> {
    await fetch(`${this.origin}/__sim/reset`, { method: 'POST' });
  }

  async fault(spec: FaultSpec): Promise<number> {
    const res = await fetch(`${this.origin}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
    if (res.status !== 201) throw new Error(`fault rejected: ${await res.text()}`);
    return ((await res.json()) as { id: number }).id;
  }

  async clearFaults(): Promise<void> {
    await fetch(`${this.origin}/__sim/faults`, { method: 'DELETE' });
  }

  /** Most vendor requests in flight at once since the log was last cleared or reset. */
  async maxInFlight(): Promise<number> {
    const res = await fetch(`${this.origin}/__sim/health`);
    return ((await res.json()) as { maxInFlight: number }).maxInFlight;
  }

  async setLatency(latencyMs: number): Promise<void> {
    await fetch(`${this.origin}/__sim/latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs }) });
  }

  /** A vendor-specific control, e.g. call('POST', '/__sim/tokens/expire'). */
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${this.origin}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
}

/** "GET /ws/users/" style summaries of logged requests, handy in assertions. */
export function summarize(requests: LoggedRequest[]): string[] {
  return requests.map((r) => `${r.method} ${r.path}`);
}
