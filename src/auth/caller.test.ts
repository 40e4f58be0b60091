import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { anonymousCaller, hasScope, isScope, SCOPES, seesSource, type Caller, type Scope } from './caller';
import { ApiKeyRing, generateApiKey, hashApiKey } from './api-keys';

/**
 * The access decisions of docs/callers-and-limits.md: which scopes a caller holds and which sources it may
 * know exist. Callers are built the ways the authenticator builds them (a JWT caller's fields as
 * jwt.ts fills them, an API key through the real ApiKeyRing, the anonymous caller of mode none).
 */
const SOURCES = ['coremr', 'opendental', 'painchek', 'icure', 'presentationservices'];

const jwtReader: Caller = { kind: 'JWT', id: 'sub-1', name: 'Reader', scopes: new Set<Scope>(['users:read']), sources: null };
const jwtAuditor: Caller = { kind: 'JWT', id: 'sub-2', name: 'Auditor', scopes: new Set<Scope>(['users:read', 'users:pii', 'audit:read']), sources: new Set(['icure']) };
const jwtNoScopes: Caller = { kind: 'JWT', id: 'sub-3', name: 'Nobody', scopes: new Set<Scope>(), sources: new Set() };

function apiKeyCaller(scopes: Scope[], sources: string[] | null): Caller {
  const key = generateApiKey();
  const ring = new ApiKeyRing([{ name: 'hr-offboarding', hash: hashApiKey(key), scopes, sources }]);
  const caller = ring.verify(key);
  assert.ok(caller);
  return caller;
}

const offboarding = apiKeyCaller(['users:read', 'users:write'], ['opendental', 'coremr']);
const allSourcesKey = apiKeyCaller(['users:write'], null);
const anonymous = anonymousCaller();

describe('hasScope', () => {
  const table: Array<{ caller: string; c: Caller; holds: Scope[] }> = [
    { caller: 'JWT users:read', c: jwtReader, holds: ['users:read'] },
    { caller: 'JWT users:read users:pii audit:read', c: jwtAuditor, holds: ['users:read', 'users:pii', 'audit:read'] },
    { caller: 'JWT without scopes', c: jwtNoScopes, holds: [] },
    { caller: 'API key users:read users:write', c: offboarding, holds: ['users:read', 'users:write'] },
    { caller: 'API key users:write only (write does not imply read)', c: allSourcesKey, holds: ['users:write'] },
    { caller: 'anonymous (auth.mode none)', c: anonymous, holds: [...SCOPES] },
  ];
  for (const row of table) {
    for (const scope of SCOPES) {
      const expected = row.holds.includes(scope);
      test(`${row.caller} ${expected ? 'holds' : 'lacks'} ${scope}`, () => {
        assert.equal(hasScope(row.c, scope), expected);
      });
    }
  }
});

describe('seesSource', () => {
  const table: Array<{ caller: string; c: Caller; sees: string[] }> = [
    { caller: 'JWT without a sources claim', c: jwtReader, sees: SOURCES },
    { caller: 'JWT with staffgraph_sources [icure]', c: jwtAuditor, sees: ['icure'] },
    { caller: 'JWT with an empty sources claim', c: jwtNoScopes, sees: [] },
    { caller: 'API key with sources [opendental, coremr]', c: offboarding, sees: ['coremr', 'opendental'] },
    { caller: 'API key without sources', c: allSourcesKey, sees: SOURCES },
    { caller: 'anonymous', c: anonymous, sees: SOURCES },
  ];
  for (const row of table) {
    test(`${row.caller} sees exactly ${row.sees.length ? row.sees.join(', ') : 'nothing'}`, () => {
      assert.deepEqual(SOURCES.filter((s) => seesSource(row.c, s)), SOURCES.filter((s) => row.sees.includes(s)));
    });
  }

  test('a null grant answers true for any id (which sources exist is the config\'s business); a list grant only for its own', () => {
    assert.equal(seesSource(anonymous, 'not-configured'), true);
    assert.equal(seesSource(jwtReader, 'not-configured'), true);
    assert.equal(seesSource(offboarding, 'not-configured'), false);
  });

  test('source ids are compared exactly (case and whitespace matter)', () => {
    assert.equal(seesSource(jwtAuditor, 'iCure'), false);
    assert.equal(seesSource(jwtAuditor, 'icure '), false);
    assert.equal(seesSource(jwtAuditor, ''), false);
  });
});

describe('anonymousCaller', () => {
  test('kind NONE, id and name "anonymous", every scope, every source', () => {
    const c = anonymousCaller();
    assert.equal(c.kind, 'NONE');
    assert.equal(c.id, 'anonymous');
    assert.equal(c.name, 'anonymous');
    assert.deepEqual([...c.scopes].sort(), [...SCOPES].sort());
    assert.equal(c.sources, null);
  });

  test('each call is a fresh caller: no shared mutable scope set', () => {
    const a = anonymousCaller();
    const b = anonymousCaller();
    assert.notEqual(a, b);
    assert.notEqual(a.scopes, b.scopes);
    (a.scopes as Set<Scope>).delete('users:write');
    assert.equal(hasScope(b, 'users:write'), true);
    assert.equal(hasScope(anonymousCaller(), 'users:write'), true);
  });
});

describe('isScope', () => {
  test('SCOPES are exactly the four of docs/callers-and-limits.md', () => {
    assert.deepEqual([...SCOPES], ['users:read', 'users:pii', 'users:write', 'audit:read']);
  });
  for (const s of SCOPES) {
    test(`"${s}" is a scope`, () => assert.equal(isScope(s), true));
  }
  for (const s of ['', 'users', 'users:', 'users:*', '*', 'USERS:READ', 'Users:Read', ' users:read', 'users:read ', 'users:read users:pii', 'users:admin', 'audit:write', 'audit', 'openid', 'profile', 'toString', 'constructor', '__proto__']) {
    test(`${JSON.stringify(s)} is not a scope`, () => assert.equal(isScope(s), false));
  }
});
