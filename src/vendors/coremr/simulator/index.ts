import { ROSTER_ORGANIZATION } from '../../../sim/people';
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { SimulatorOptions, StartedSimulator } from '../../../core/connector';
import { Router } from '../../../sim/router';
import { startSimServer } from '../../../sim/sim-server';
import { jsonObject } from './validate';
import { KeyRegistry } from './auth';
import { errorBody, vendorRoutes } from './routes';
import { seedUsers } from './seed-users';
import { UserStore } from './state';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The key user the simulator registers for the gateway (the doc's own example header uses it). */
export const GATEWAY_KEY_USER = 'gateway';
/** Default number of seeded users. */
export const DEFAULT_USERS = 250;

/**
 * Starts a CorEMR Users (v1) simulator on 127.0.0.1. It generates an RSA 2048 key pair (the doc's
 * recommended minimum) and registers its public half for key user "gateway"; the private half is
 * returned in the gateway's config shape (inline PEM, or a key file with --write-config).
 *
 * Vendor controls (besides the shared /__sim/ ones):
 *  - POST /__sim/keys {keyUser, publicKey: PEM} registers another key user (201);
 *  - DELETE /__sim/keys/{keyUser} removes one (204, 404 when unknown).
 * POST /__sim/reset restores the seeded users and the key registry (only "gateway").
 */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<StartedSimulator> {
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const count = opts.users ?? DEFAULT_USERS;
  const seed = opts.seed ?? 1;
  const store = new UserStore(() => seedUsers(count, seed));
  const keys = new KeyRegistry();
  const resetKeys = () => {
    keys.clear();
    keys.register(GATEWAY_KEY_USER, publicKey);
  };
  resetKeys();

  const server = await startSimServer({
    name: 'coremr',
    router: vendorRoutes(store, keys),
    controls: keyControls(keys),
    reset: () => {
      store.reset();
      resetKeys();
    },
    port: opts.port ?? 0,
    latencyMs: opts.latencyMs ?? 0,
    seed,
    errorResponse: errorBody,
  });

  return {
    vendor: 'coremr',
    origin: server.origin,
    // The seeded employee_number values are the county's HR numbers (src/sim/people.ts).
    organization: ROSTER_ORGANIZATION,
    // Vendor routes start at /ws/users/, so the base URL is the bare origin.
    baseUrl: server.origin,
    auth: { keyUser: GATEWAY_KEY_USER, privateKey, algorithm: 'CWS-SHA256' },
    options: {},
    // CorEMR has no batch endpoint and documents no rate limit: parallel per-user calls, no spacing.
    http: { maxConcurrency: 8 },
    secretFiles: { privateKeyFile: { content: privateKey, replaces: 'privateKey' } },
    close: () => server.close(),
  };
}

function keyControls(keys: KeyRegistry): Router {
  return new Router()
    .add('POST', '/__sim/keys', (req) => {
      const body = jsonObject(req.body);
      if (!body || typeof body.keyUser !== 'string' || body.keyUser === '' || typeof body.publicKey !== 'string') {
        return { status: 400, body: { error: 'body must be {keyUser, publicKey: PEM}' } };
      }
      try {
        keys.register(body.keyUser, body.publicKey);
      } catch {
        return { status: 400, body: { error: 'publicKey is not a PEM public key' } };
      }
      return { status: 201, body: { keyUser: body.keyUser } };
    })
    .add('DELETE', '/__sim/keys/:keyUser', (req) => (keys.remove(req.params.keyUser!) ? { status: 204 } : { status: 404, body: { error: 'unknown key user' } }));
}
