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
  return Buffer.from(JSON.stringify([type, sourceId, nativeId]), 'utf8').toString('base64url');
}

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
