import { SourceError } from './errors';

/**
 * Global ids: opaque to clients, unique across sources, and round-trip through user(id:) and
 * node(id:). They encode the node type, the source id and the vendor's native id as base64url JSON.
 */
export type NodeType = 'User' | 'UserType' | 'Facility' | 'Person';
const NODE_TYPES: readonly NodeType[] = ['User', 'UserType', 'Facility', 'Person'];

export interface DecodedId {
  type: NodeType;
  sourceId: string;
  nativeId: string;
}

export function encodeId(type: NodeType, sourceId: string, nativeId: string): string {
  const key = `${type}:${sourceId}`;
  let ids = encoded.get(key);
  if (!ids) encoded.set(key, (ids = new Map()));
  let id = ids.get(nativeId);
  if (id === undefined) {
    id = Buffer.from(JSON.stringify([type, sourceId, nativeId]), 'utf8').toString('base64url');
    if (ids.size >= ENCODED_MAX) ids.clear();
    ids.set(nativeId, id);
  }
  return id;
}

/**
 * Ids encoded lately, by node type and source, then native id. The same few thousand users are
 * answered again and again, and encoding (JSON, a Buffer, base64url) cost more than the lookup:
 * ~2 % of the CPU of a 100-user answer. Bounded per source: emptied when full (an id is derived,
 * so a miss only costs the encoding again).
 */
const encoded = new Map<string, Map<string, string>>();
const ENCODED_MAX = 20_000;

/** Decodes a global id; throws BAD_USER_INPUT naming `field` when the id is not one of ours. */
export function decodeId(id: string, field = 'id', expected?: NodeType): DecodedId {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(id, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    !NODE_TYPES.includes(parsed[0] as NodeType) ||
    typeof parsed[1] !== 'string' ||
    typeof parsed[2] !== 'string'
  ) {
    throw new SourceError('BAD_USER_INPUT', '', `${field} is not a valid staffgraph id.`, { field });
  }
  const decoded = { type: parsed[0] as NodeType, sourceId: parsed[1], nativeId: parsed[2] };
  if (expected && decoded.type !== expected) {
    throw new SourceError('BAD_USER_INPUT', '', `${field} must be the id of a ${expected}.`, { field });
  }
  return decoded;
}
