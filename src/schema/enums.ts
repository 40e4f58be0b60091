import { registerEnumType } from 'type-graphql';
import { USER_STATUSES } from '../core/model';
import { WRITE_OPERATIONS } from '../core/connector';

export const UserStatus = Object.fromEntries(USER_STATUSES.map((s) => [s, s])) as Record<(typeof USER_STATUSES)[number], string>;
registerEnumType(UserStatus, {
  name: 'UserStatus',
  description: 'Unified account state.',
  valuesConfig: {
    ACTIVE: { description: 'Can sign in.' },
    INACTIVE: { description: 'Deactivated (CorEMR active=false, Open Dental hidden, PainChek is_active=false, iCure DISABLED, PresentationServices SUSPENDED).' },
    LOCKED: { description: 'Enabled but locked out.' },
    PENDING_ACTIVATION: { description: 'Created but not yet activated by the user.' },
  },
});

/** CREATE_USER, UPDATE_USER, … from the connector contract's operation names. */
export const WriteOperation = Object.fromEntries(WRITE_OPERATIONS.map((op) => [toConstant(op), op])) as Record<string, string>;
registerEnumType(WriteOperation, { name: 'WriteOperation', description: 'A mutation that a source may or may not support.' });

/**
 * Vendor names come from the registry at start-up (the core names no vendor); the object is filled
 * by registerVendors() before the schema is built.
 */
export const Vendor: Record<string, string> = {};
registerEnumType(Vendor, { name: 'Vendor', description: 'The vendor API behind a source.' });

export function registerVendors(vendors: readonly string[]): void {
  for (const v of vendors) Vendor[v.toUpperCase()] = v;
}

export function toConstant(camel: string): string {
  return camel.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

export const Consistency = { LIVE: 'LIVE', CACHED: 'CACHED' } as const;
registerEnumType(Consistency, {
  name: 'Consistency',
  description: 'Where `users` reads from.',
  valuesConfig: {
    LIVE: { description: 'Ask the vendors now (the default).' },
    CACHED: { description: 'Answer from the mirror when every selected source has a copy fresh enough (maxAgeSeconds); otherwise the page is read live and totalCount is null.' },
  },
});

export const UserOrderField = { NATIVE_ID: 'NATIVE_ID', DISPLAY_NAME: 'DISPLAY_NAME', LAST_NAME: 'LAST_NAME', EMAIL: 'EMAIL', CREATED_AT: 'CREATED_AT' } as const;
registerEnumType(UserOrderField, { name: 'UserOrderField', description: 'What `users(orderBy:)` sorts by (case-insensitive for text; ties by source order, then native id).' });

export const OrderDirection = { ASC: 'ASC', DESC: 'DESC' } as const;
registerEnumType(OrderDirection, { name: 'OrderDirection' });

export const MirrorState = { DISABLED: 'DISABLED', COLD: 'COLD', READY: 'READY', FAILING: 'FAILING' } as const;
registerEnumType(MirrorState, {
  name: 'MirrorState',
  valuesConfig: {
    DISABLED: { description: 'No mirror is configured for this source.' },
    COLD: { description: 'Configured; the first refresh has not completed yet (CACHED reads go live).' },
    READY: { description: 'A copy is there; CACHED reads use it while it is fresh enough.' },
    FAILING: { description: 'No copy yet and the last refresh failed (see lastError).' },
  },
});
