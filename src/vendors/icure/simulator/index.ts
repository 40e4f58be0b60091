import type { SimulatorOptions, StartedSimulator } from '../../../core/connector';
import { startSimServer } from '../../../sim/sim-server';
import { DEFAULT_REFRESH_TTL_SECONDS, DEFAULT_TOKEN_TTL_SECONDS, TokenService } from './auth';
import { SimClock } from './clock';
import { buildControls } from './controls';
import { buildRouter } from './routes';
import { DEFAULT_USERS, seedUsers } from './seed';
import { UserStore } from './state';

export interface IcureSimulatorOptions extends SimulatorOptions {
  /** The `auth.mode` of the returned gateway config. Defaults to 'basic'; the simulator accepts both. */
  authMode?: 'basic' | 'jwt';
  /** Access-token lifetime in seconds. Defaults to 3600 (one hour). */
  tokenTtlSeconds?: number;
  /** Refresh-token lifetime in seconds. Defaults to 86400 (one day). */
  refreshTtlSeconds?: number;
}

/**
 * Starts the iCure (Kraken REST v2) simulator on 127.0.0.1. Routes, auth and every choice made
 * where the docs are silent: README.md beside this folder.
 */
export async function startSimulator(opts: IcureSimulatorOptions = {}): Promise<StartedSimulator> {
  const clock = new SimClock();
  const seeded = seedUsers(opts.users ?? DEFAULT_USERS, opts.seed ?? 1);
  const store = new UserStore(() => seeded.users, clock);
  const tokens = new TokenService(clock, {
    tokenTtlSeconds: opts.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    refreshTtlSeconds: opts.refreshTtlSeconds ?? DEFAULT_REFRESH_TTL_SECONDS,
  });
  const server = await startSimServer({
    name: 'icure',
    router: buildRouter(store, tokens),
    controls: buildControls(store, tokens, clock),
    reset: () => {
      store.reset();
      tokens.reset();
      clock.offsetMs = 0;
    },
    port: opts.port,
    latencyMs: opts.latencyMs,
    seed: opts.seed,
    errorResponse: (status, message) => ({ status, body: { message } }),
  });
  return {
    vendor: 'icure',
    origin: server.origin,
    baseUrl: server.origin,
    auth: { username: seeded.api.username, password: seeded.api.password, mode: opts.authMode ?? 'basic' },
    options: {},
    // The simulator does not throttle: no client-side spacing.
    http: { minIntervalMs: 0 },
    close: () => server.close(),
  };
}
