import type { VendorModule } from '../core/connector';
import { vendor as coremr } from './coremr';
import { vendor as opendental } from './opendental';
import { vendor as painchek } from './painchek';
import { vendor as icure } from './icure';
import { vendor as presentationservices } from './presentationservices';

/**
 * Every vendor staffgraph speaks, in the order `simulate all` and `demo` start them. Adding a
 * vendor is adding a folder beside this file and one line here; nothing else names a vendor.
 */
export const VENDORS: readonly VendorModule[] = [coremr, opendental, painchek, icure, presentationservices];

export function findVendor(name: string): VendorModule | undefined {
  return VENDORS.find((v) => v.vendor === name);
}
