import type { SimControl } from '../../src/sim/control';
import type { LoggedRequest } from '../../src/sim/types';

/** Sign-in routes (PainChek's token, iCure's login and refresh, PresentationServices' session), which a new process makes again. */
const SIGN_IN = /\/auth\/|\/login|\/token|\/refresh/i;

/** The account writes a simulator logged: not reads, and not sign-ins. */
export async function accountWrites(control: SimControl): Promise<LoggedRequest[]> {
  return (await control.requests()).filter((r) => r.method !== 'GET' && !SIGN_IN.test(r.path));
}
