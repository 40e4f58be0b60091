import { randomUUID } from 'node:crypto';
import type { SeedData, SimRole, SimSession, SimUser } from './model';
import { seedData, type ApiAccount } from './seed';

/** A regular token dies after 30 minutes without a call (sliding); every authenticated call renews it. */
export const TOKEN_IDLE_MS = 30 * 60_000;
/** A temporal token (validateAccount?temporal=true) lives 5 minutes from issue, not renewed (doc). */
export const TEMPORAL_TOKEN_TTL_MS = 5 * 60_000;

/**
 * The simulator's mutable state: seeded reference data and users, live sessions, and a clock
 * that tests can move forward (POST /__sim/clock/advance) to expire tokens without waiting.
 */
export class SimState {
  data!: SeedData;
  users = new Map<string, SimUser>();
  sessions = new Map<string, SimSession>();
  private clockOffsetMs = 0;

  constructor(private readonly seedOpts: { users: number; seed: number; api: ApiAccount }) {
    this.reset();
  }

  /** Restores the seeded data, drops every session and rewinds the clock. */
  reset(): void {
    this.data = seedData(this.seedOpts);
    this.users = new Map(this.data.users.map((u) => [u.userId, u]));
    this.sessions.clear();
    this.clockOffsetMs = 0;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  role(id: number): SimRole | undefined {
    return this.data.roles.find((r) => r.id === id);
  }

  openSession(userId: string | null, deviceId: string | null, temporal: boolean): SimSession {
    const at = this.now();
    const session: SimSession = { token: randomUUID(), userId, deviceId, temporal, issuedAt: at, lastUsedAt: at };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session for a token, renewing its idle timer; expired sessions are removed. */
  liveSession(token: string): SimSession | null {
    const s = this.sessions.get(token);
    if (!s) return null;
    if (!this.isLive(s)) {
      this.sessions.delete(token);
      return null;
    }
    s.lastUsedAt = this.now();
    return s;
  }

  private isLive(s: SimSession): boolean {
    const at = this.now();
    return s.temporal ? at - s.issuedAt < TEMPORAL_TOKEN_TTL_MS : at - s.lastUsedAt < TOKEN_IDLE_MS;
  }

  expireAllSessions(): number {
    const n = this.sessions.size;
    this.sessions.clear();
    return n;
  }

  /** Drops a user's sessions (after SUSPENDED or delete: the account can no longer act). */
  dropSessionsOf(userId: string): void {
    for (const [token, s] of this.sessions) if (s.userId === userId) this.sessions.delete(token);
  }

  /** Device ids of the user's other live, non-temporal sessions (the accountFact's activeDevices). */
  activeDevices(userId: string, exceptToken: string): string[] {
    const devices = new Set<string>();
    for (const s of this.sessions.values()) {
      if (s.userId === userId && s.token !== exceptToken && s.deviceId && this.isLive(s)) devices.add(s.deviceId);
    }
    return [...devices];
  }

  /**
   * Whether the user's role grants `permission` in `organizationId`. A permission without an
   * organization applies to the role's own organization.
   */
  can(user: SimUser, permission: string, organizationId: string): boolean {
    const role = this.role(user.roleId);
    if (!role) return false;
    return role.permissions.some((p) => p.name === permission && (p.organizationId ?? role.organizationId) === organizationId);
  }
}
