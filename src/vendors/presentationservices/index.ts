import type { VendorModule } from '../../core/connector';
import { parseSourceConfig } from './config';
import { PsConnector } from './connector';
import { startSimulator } from './simulator';

/**
 * PresentationServices (vendor 004 in the project's vendor notes; see this folder's README): a 2014 Java web service with form-encoded
 * writes, token + userId parameters and {data, statusFact} envelopes. See README.md beside this file.
 */
export const vendor: VendorModule = {
  vendor: 'presentationservices',
  displayName: 'PresentationServices',
  defaultSimPort: 7105,
  parseSourceConfig: (raw) => parseSourceConfig(raw),
  createConnector: (config, deps) => new PsConnector(config, deps),
  startSimulator,
};
