import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import YAML from 'yaml';
import type { SimulatorOptions, StartedSimulator, VendorModule } from '../core/connector';

/** Default source ids for simulators, as in docs/architecture.md §6's example (vendor name otherwise). */
export function sourceIdFor(vendor: VendorModule): string {
  return vendor.vendor;
}

/**
 * Starts simulators for the given vendors. `basePort` undefined → each vendor's default port
 * (7101…), falling back to a free port when that one is taken; 0 → free ports.
 */
export async function startSimulators(vendors: readonly VendorModule[], opts: Omit<SimulatorOptions, 'port'> & { basePort?: number }): Promise<StartedSimulator[]> {
  const started: StartedSimulator[] = [];
  try {
    for (const [i, v] of vendors.entries()) {
      const wanted = opts.basePort === undefined ? v.defaultSimPort : opts.basePort === 0 ? 0 : opts.basePort + i;
      started.push(await startOne(v, { ...opts, port: wanted }, opts.basePort === undefined));
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    throw err;
  }
  return started;
}

async function startOne(v: VendorModule, opts: SimulatorOptions, fallback: boolean): Promise<StartedSimulator> {
  try {
    return await v.startSimulator(opts);
  } catch (err) {
    if (fallback && (err as { code?: string }).code === 'EADDRINUSE') return v.startSimulator({ ...opts, port: 0 });
    throw err;
  }
}

/**
 * Writes a gateway config for running simulators, with their generated credentials. Secrets the
 * vendor wants in files (the CorEMR private key) go to `<config dir>/keys/` with mode 0600.
 */
export function writeSimulatorConfig(file: string, sims: ReadonlyArray<{ id: string; sim: StartedSimulator }>, port = 4000): void {
  const dir = dirname(resolve(file));
  const sources = sims.map(({ id, sim }) => {
    const auth: Record<string, unknown> = { ...sim.auth };
    for (const [key, secret] of Object.entries(sim.secretFiles ?? {})) {
      const keyFile = join(dir, 'keys', `${id}-${key}.pem`);
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      writeFileSync(keyFile, secret.content, { mode: 0o600 });
      delete auth[secret.replaces];
      auth[key] = './' + relative(dir, keyFile);
    }
    const entry: Record<string, unknown> = { id, vendor: sim.vendor, baseUrl: sim.baseUrl, auth };
    if (Object.keys(sim.http).length) entry.http = sim.http;
    if (Object.keys(sim.options).length) entry.options = sim.options;
    // People are linked over mirrors (docs/people.md): turn on sources[].mirror to use them.
    if (sim.organization) entry.organization = sim.organization;
    return entry;
  });
  const header =
    '# Written by `staffgraph simulate --write-config`: credentials for local simulators only.\n' +
    '# auth.mode none is accepted only while server.host is loopback; configure auth.jwt or auth.apiKeys\n' +
    '# (`staffgraph apikey create`) before exposing the gateway.\n';
  writeFileSync(file, header + YAML.stringify({ server: { port, host: '127.0.0.1' }, auth: { mode: 'none' }, sources }), { mode: 0o600 });
}
