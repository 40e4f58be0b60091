import type { VendorModule } from '../../core/connector';
import { parseSourceConfig } from './config';
import { CoremrConnector } from './connector';
import { startSimulator } from './simulator';

/** CorEMR Users (v1) web service ("CWS"): see README.md in this folder. */
export const vendor: VendorModule = {
  vendor: 'coremr',
  displayName: 'CorEMR',
  defaultSimPort: 7101,
  parseSourceConfig,
  createConnector: (config, deps) => new CoremrConnector(config, deps),
  startSimulator,
};
