import { randomBytes } from 'node:crypto';
import type { SimulatorOptions, StartedSimulator } from '../../../core/connector';
import { Router, startSimServer } from '../../../sim/sim-server';
import type { SimRequest } from '../../../sim/types';
import { validateAccount } from './auth';
import { failure } from './envelope';
import { addReferenceRoutes } from './reference';
import { SimState } from './state';
import { addUserRoutes } from './users';

/** The vendor's context path: every route lives under it (doc samples: /PresentationServices/…). */
export const BASE_PATH = '/PresentationServices';
/** Seeded users when the caller does not say (the docs' examples included). */
export const DEFAULT_USERS = 150;
/** The gateway's API account (an admin of UNC); its password is generated per start. */
export const API_ACCOUNT = { userId: 'staffgraph', username: 'staffgraph' } as const;

export async function startSimulator(opts: SimulatorOptions = {}): Promise<StartedSimulator> {
  // 16 URL-safe characters: inside the vendor's 6–19 password rule.
  const password = randomBytes(12).toString('base64url');
  const state = new SimState({ users: opts.users ?? DEFAULT_USERS, seed: opts.seed ?? 1, api: { ...API_ACCOUNT, password } });

  const router = new Router();
  router.add('GET', `${BASE_PATH}/validateAccount`, (req) => validateAccount(state, req));
  addUserRoutes(router, BASE_PATH, state);
  addReferenceRoutes(router, BASE_PATH, state);

  const controls = new Router();
  // Expires every token now (regular and temporal): the next call with any of them is 401.
  controls.add('POST', '/__sim/tokens/expire', () => ({ status: 200, body: { expired: state.expireAllSessions() } }));
  // Moves the simulator clock forward by {ms}, to reach the idle and temporal expiries without waiting.
  controls.add('POST', '/__sim/clock/advance', (req: SimRequest) => {
    const ms = Number((JSON.parse(req.body.toString('utf8') || '{}') as { ms?: unknown }).ms);
    if (!Number.isFinite(ms) || ms < 0) return { status: 400, body: { error: 'ms must be a number >= 0' } };
    state.advanceClock(ms);
    return { status: 204 };
  });

  const server = await startSimServer({
    name: 'presentationservices',
    router,
    controls,
    reset: () => state.reset(),
    port: opts.port,
    latencyMs: opts.latencyMs,
    seed: opts.seed,
    errorResponse: (status, message) => failure(status, message),
  });
  return {
    vendor: 'presentationservices',
    origin: server.origin,
    baseUrl: `${server.origin}${BASE_PATH}`,
    auth: { username: API_ACCOUNT.username, password, deviceId: 'staffgraph' },
    options: {},
    http: {},
    close: () => server.close(),
  };
}
