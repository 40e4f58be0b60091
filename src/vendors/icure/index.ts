import type { VendorModule } from '../../core/connector';
import { parseSourceConfig } from './config';
import { createIcureConnector } from './connector';
import { startSimulator } from './simulator';

/** iCure (Kraken REST v2 users): see README.md beside this file for routes, auth and choices. */
export const vendor: VendorModule = {
  vendor: 'icure',
  displayName: 'iCure',
  defaultSimPort: 7104,
  parseSourceConfig: (raw) => parseSourceConfig(raw),
  createConnector: (config, deps) => createIcureConnector(config, deps),
  startSimulator: (options) => startSimulator(options),
};
