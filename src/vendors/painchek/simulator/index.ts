import { ROSTER_ORGANIZATION } from '../../../sim/people';
import { randomBytes } from 'node:crypto';
import type { SimulatorOptions, StartedSimulator } from '../../../core/connector';
import { startSimServer } from '../../../sim/sim-server';
import { DEFAULT_EXPIRES_IN_SECONDS, TokenStore } from './auth';
import { errorResponse } from './envelope';
import { buildControls, buildRouter, type SimContext } from './routes';
import { buildSeed } from './seed';
import { MicroClock, cloneData } from './state';

export interface PainChekSimulatorOptions extends SimulatorOptions {
  /** `expires_in` of issued tokens, in seconds. Defaults to 36000 (ten hours, the docs' example). */
  tokenExpiresInSeconds?: number;
}

/** Seeded users when `users` is not given: 200 (the docs' two examples included). */
const DEFAULT_USERS = 200;

/**
 * Starts the PainChek simulator on 127.0.0.1. Credentials are random per start and returned in
 * the gateway's `auth` shape; seed data is deterministic per `seed`.
 */
export async function startSimulator(opts: PainChekSimulatorOptions = {}): Promise<StartedSimulator> {
  const seeded = buildSeed(opts.users ?? DEFAULT_USERS, opts.seed ?? 1);
  const clientId = randomBytes(15).toString('base64url');
  const clientSecret = randomBytes(30).toString('base64url');
  const sim: SimContext = {
    state: { data: cloneData(seeded) },
    tokens: new TokenStore(clientId, clientSecret, opts.tokenExpiresInSeconds ?? DEFAULT_EXPIRES_IN_SECONDS),
    clock: new MicroClock(),
  };
  const server = await startSimServer({
    name: 'painchek',
    router: buildRouter(sim),
    controls: buildControls(sim),
    reset: () => {
      sim.state.data = cloneData(seeded);
    },
    port: opts.port,
    latencyMs: opts.latencyMs,
    seed: opts.seed,
    errorResponse,
  });
  return {
    vendor: 'painchek',
    origin: server.origin,
    // The seeded external_id values of roster people are the county's HR numbers (src/sim/people.ts).
    organization: ROSTER_ORGANIZATION,
    baseUrl: server.origin,
    auth: { clientId, clientSecret },
    options: {},
    // The simulator does not throttle: no client-side spacing needed.
    http: {},
    close: () => server.close(),
  };
}
