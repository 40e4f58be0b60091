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
