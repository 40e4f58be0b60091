/**
 * The vendor kit (docs/kit.md): what every vendor folder needs and none should write again.
 * Vendors import it, the core never does.
 */
export { checkHealth } from './health';
export { RULE_OPTIONS, checkRules, checkValues } from './validate';
export { IsPathSegment, isPathSegment } from './segment';
export { BAD_CURSOR_MESSAGE, jsonCursor, offsetCursor, type JsonCursor } from './cursor';
export { CredentialCache, renewAfter, type Issued, type Issuer } from './credentials';
export { sendWithRelogin } from './relogin';
export { PerKeyLoader } from './per-key-loader';
export { mapPage, type MappedPage, type SkippedRecord } from './map-page';
export { applyToUserCache, changesUserRecord, type UserCache } from './reader-cache';
export { perRequest } from './request-store';
