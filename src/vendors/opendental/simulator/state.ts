import type { OdBool, Userod, UserodCreated } from '../types';
import { seedData, type SimData, type SimUser } from './seed';

/** A permission an API key pair can hold (apipermissions): GETs need ReadAll, POST/PUT need Setup. */
export type ApiPermission = 'ReadAll' | 'Setup';

export interface ApiKey {
  developerKey: string;
  customerKey: string;
  permissions: ReadonlySet<ApiPermission>;
}

export interface StateOptions {
  users: number;
  seed: number;
  keys: ApiKey[];
  /** Office preference "require special characters in passwords". Default off. */
  passwordRequiresSymbol: boolean;
  /** Minimum spacing between accepted requests per customer key, in ms; 0 (default) = no throttling. */
  throttleMs: number;
}

const odBool = (b: boolean): OdBool => (b ? 'true' : 'false');

/** The simulator's in-memory office: seeded data that writes change, plus settings tests can toggle. */
export class OdState {
  data!: SimData;
  passwordRequiresSymbol!: boolean;
  throttleMs!: number;
  /** Epoch ms of the last accepted request per customer key (the throttle window's start). */
  private lastAcceptedAt = new Map<string, number>();

  constructor(readonly options: StateOptions) {
    this.reset();
  }

  /** Restores seeded data and the start-up preferences and throttle. */
  reset(): void {
    this.data = seedData(this.options.users, this.options.seed);
    this.passwordRequiresSymbol = this.options.passwordRequiresSymbol;
    this.throttleMs = this.options.throttleMs;
    this.lastAcceptedAt.clear();
  }

  findKey(developerKey: string, customerKey: string): ApiKey | undefined {
    return this.options.keys.find((k) => k.developerKey === developerKey && k.customerKey === customerKey);
  }

  /** Ms the caller still has to wait (0 = accepted, and the window restarts now). */
  throttle(customerKey: string, now: number): number {
    if (this.throttleMs <= 0) return 0;
    const last = this.lastAcceptedAt.get(customerKey);
    if (last !== undefined && now - last < this.throttleMs) return this.throttleMs - (now - last);
    this.lastAcceptedAt.set(customerKey, now);
    return 0;
  }

  user(userNum: number): SimUser | undefined {
    return this.data.users.find((u) => u.UserNum === userNum);
  }

  groupNumsOf(userNum: number): number[] {
    return this.data.attaches.filter((a) => a.UserNum === userNum).map((a) => a.UserGroupNum).sort((a, b) => a - b);
  }

  /** Replaces the user's memberships, keeping the attach rows of groups that stay. */
  setGroups(userNum: number, groupNums: number[]): void {
    const wanted = new Set(groupNums);
    this.data.attaches = this.data.attaches.filter((a) => a.UserNum !== userNum || wanted.has(a.UserGroupNum));
    const kept = new Set(this.groupNumsOf(userNum));
    let next = Math.max(0, ...this.data.attaches.map((a) => a.UserGroupAttachNum)) + 1;
    for (const g of wanted) if (!kept.has(g)) this.data.attaches.push({ UserGroupAttachNum: next++, UserNum: userNum, UserGroupNum: g });
  }

  nextUserNum(): number {
    return Math.max(0, ...this.data.users.map((u) => u.UserNum)) + 1;
  }

  /** GET /userods and PUT response shape. */
  render(u: SimUser): Userod {
    return {
      UserNum: u.UserNum,
      UserName: u.UserName,
      userGroupNums: this.groupNumsOf(u.UserNum),
      EmployeeNum: u.EmployeeNum,
      employeeName: this.data.employees.get(u.EmployeeNum) ?? '',
      ClinicNum: u.ClinicNum,
      ProviderNum: u.ProviderNum,
      providerName: this.data.providers.get(u.ProviderNum) ?? '',
      emailAddress: u.emailAddress,
      IsHidden: odBool(u.IsHidden),
      UserNumCEMT: u.UserNumCEMT,
      IsPasswordResetRequired: odBool(u.IsPasswordResetRequired),
    };
  }

  /** POST response shape: the posted UserGroupNum and the password echoed, as the doc shows. */
  renderCreated(u: SimUser, userGroupNum: number, password: string): UserodCreated & { Password: string } {
    return {
      UserNum: u.UserNum,
      UserName: u.UserName,
      EmployeeNum: u.EmployeeNum,
      employeeName: this.data.employees.get(u.EmployeeNum) ?? '',
      ProviderNum: u.ProviderNum,
      providerName: this.data.providers.get(u.ProviderNum) ?? '',
      ClinicNum: u.ClinicNum,
      emailAddress: u.emailAddress,
      IsHidden: odBool(u.IsHidden),
      UserGroupNum: userGroupNum,
      Password: password,
      IsPasswordResetRequired: odBool(u.IsPasswordResetRequired),
    };
  }
}
