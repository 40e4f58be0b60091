import { randomBytes } from 'node:crypto';
import type { SimulatorOptions, StartedSimulator } from '../../../core/connector';
import { startSimServer } from '../../../sim/sim-server';
import { odError } from './errors';
import { BASE_PATH, controlRoutes, vendorRoutes } from './routes';
import { DEFAULT_USERS } from './seed';
import { OdState, type ApiKey } from './state';

export interface OpenDentalSimulatorOptions extends SimulatorOptions {
  /** Office preference: passwords must also contain a symbol. Default false. */
  passwordRequiresSymbol?: boolean;
  /** Throttle per customer key in ms (429 + Retry-After inside the window). Default 0 = off; PUT /__sim/throttle changes it. */
  throttleMs?: number;
}

/**
 * Starts the Open Dental simulator on 127.0.0.1. It generates one developer key and two customer
 * keys: the one returned in `auth` holds ReadAll and Setup; the other only ReadAll (GET /__sim/keys).
 */
export async function startSimulator(opts: OpenDentalSimulatorOptions = {}): Promise<StartedSimulator> {
  const key = () => randomBytes(12).toString('hex');
  const developerKey = key();
  const keys: ApiKey[] = [
    { developerKey, customerKey: key(), permissions: new Set(['ReadAll', 'Setup']) },
    { developerKey, customerKey: key(), permissions: new Set(['ReadAll']) },
  ];
  const throttleMs = opts.throttleMs ?? 0;
  const passwordRequiresSymbol = opts.passwordRequiresSymbol ?? false;
  const state = new OdState({ users: opts.users ?? DEFAULT_USERS, seed: opts.seed ?? 1, keys, passwordRequiresSymbol, throttleMs });
  const server = await startSimServer({
    name: 'opendental',
    router: vendorRoutes(state),
    controls: controlRoutes(state),
    reset: () => state.reset(),
    port: opts.port,
    latencyMs: opts.latencyMs,
    seed: opts.seed,
    errorResponse: odError,
  });
  return {
    vendor: 'opendental',
    origin: server.origin,
    baseUrl: `${server.origin}${BASE_PATH}`,
    auth: { developerKey, customerKey: keys[0]!.customerKey },
    options: passwordRequiresSymbol ? { passwordRequiresSymbol: true } : {},
    // The simulator does not throttle by default, so no client-side spacing (the real API needs 1000 ms).
    http: { minIntervalMs: throttleMs },
    close: () => server.close(),
  };
}
