import { createHash } from 'node:crypto';
import type { CoremrFacilityAccess, CoremrUser } from '../records';
import { facilityName } from './catalog';

/** One simulated user: the record, its usertypes and facility access, and a password digest. */
export interface SimUser {
  record: CoremrUser;
  /** Assigned usertype names, in assignment order; at least one. */
  types: string[];
  /** Facility access in grant order; exactly one primary whenever there is any. */
  facilities: Array<{ code: string; primary: boolean }>;
  /** sha256 of the password: kept only so the state looks like an install's; never returned. */
  passwordDigest: string;
}

/** In-memory users keyed by username (exact, case-sensitive), in insertion order. */
export class UserStore {
  private users = new Map<string, SimUser>();

  constructor(private readonly seed: () => SimUser[]) {
    this.reset();
  }

  reset(): void {
    this.users = new Map(this.seed().map((u) => [u.record.username, u]));
  }

  all(): SimUser[] {
    return [...this.users.values()];
  }

  get(username: string): SimUser | undefined {
    return this.users.get(username);
  }

  add(user: SimUser): void {
    this.users.set(user.record.username, user);
  }

  delete(username: string): boolean {
    return this.users.delete(username);
  }
}

export function digestPassword(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('hex');
}

export function facilityView(access: { code: string; primary: boolean }): CoremrFacilityAccess {
  // Field order as the doc lists them: name, code, primary.
  return { name: facilityName(access.code), code: access.code, primary: access.primary };
}

/** DateTime as the doc shows it: ISO 8601 to the second, with Z. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
