import type { VendorModule } from '../../core/connector';
import { parseSourceConfig } from './config';
import { createConnector } from './connector';
import { startSimulator } from './simulator';

/** Open Dental (API "Userods"): baseUrl includes /api/v1, e.g. http://127.0.0.1:7102/api/v1. */
export const vendor: VendorModule = {
  vendor: 'opendental',
  displayName: 'Open Dental',
  defaultSimPort: 7102,
  parseSourceConfig: (raw) => parseSourceConfig(raw),
  createConnector,
  startSimulator: (opts) => startSimulator(opts),
};
