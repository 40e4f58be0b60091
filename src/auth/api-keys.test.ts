import assert from 'node:assert/strict';
import { timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import { ApiKeyRing, generateApiKey, hashApiKey } from './api-keys';
import type { Caller } from './caller';
import type { ApiKeyConfig } from './config';

function entry(name: string, key: string, scopes: ApiKeyConfig['scopes'], sources: string[] | null = null): ApiKeyConfig {
  return { name, hash: hashApiKey(key), scopes, sources };
}

function show(c: Caller): string {
  return inspect(c, { depth: 5 }) + JSON.stringify({ ...c, scopes: [...c.scopes], sources: c.sources && [...c.sources] });
}

describe('api keys', () => {
  test('generated keys: sg_ + 32 random bytes in base64url, never repeated', () => {
    const keys = new Set(Array.from({ length: 50 }, generateApiKey));
    assert.equal(keys.size, 50);
    for (const k of keys) {
      assert.match(k, /^sg_[A-Za-z0-9_-]{43}$/);
      assert.equal(Buffer.from(k.slice(3), 'base64url').length, 32);
    }
  });

  test('hash format: sha256: + 64 lower-case hex of the UTF-8 key', () => {
    assert.equal(hashApiKey(''), 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(hashApiKey('abc'), 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.match(hashApiKey(generateApiKey()), /^sha256:[0-9a-f]{64}$/);
  });

  test('verify: good key → its caller; bad, empty and near-miss keys → null', () => {
    const key = generateApiKey();
    const ring = new ApiKeyRing([entry('hr-offboarding', key, ['users:read', 'users:write'], ['dental', 'jail-emr'])]);
    const caller = ring.verify(key);
    assert.ok(caller);
    assert.equal(caller.kind, 'API_KEY');
    assert.equal(caller.id, 'hr-offboarding');
    assert.equal(caller.name, 'hr-offboarding');
    assert.deepEqual([...caller.scopes], ['users:read', 'users:write']);
    assert.deepEqual([...(caller.sources ?? [])], ['dental', 'jail-emr']);

    const last = key.at(-1) === 'A' ? 'B' : 'A';
    for (const wrong of ['', generateApiKey(), key.slice(0, -1), key + 'x', key.slice(0, -1) + last, key.toUpperCase(), ` ${key}`, hashApiKey(key), 'x'.repeat(10_000)]) {
      assert.equal(ring.verify(wrong), null, `accepted ${JSON.stringify(wrong.slice(0, 20))}…`);
    }
  });

  test('two keys with different scopes and grants', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    const ring = new ApiKeyRing([entry('reader', a, ['users:read']), entry('auditor', b, ['audit:read'], ['icure'])]);
    const ca = ring.verify(a);
    const cb = ring.verify(b);
    assert.equal(ca?.id, 'reader');
    assert.deepEqual([...(ca?.scopes ?? [])], ['users:read']);
    assert.equal(ca?.sources, null);
    assert.equal(cb?.id, 'auditor');
    assert.deepEqual([...(cb?.scopes ?? [])], ['audit:read']);
    assert.deepEqual([...(cb?.sources ?? [])], ['icure']);
  });

  test('every entry is compared, whether the first, the last or none matches', () => {
    const keys = [generateApiKey(), generateApiKey(), generateApiKey(), generateApiKey()];
    let compares = 0;
    const ring = new ApiKeyRing(
      keys.map((k, i) => entry(`k${i}`, k, ['users:read'])),
      { timingSafeEqual: (x, y) => (compares++, timingSafeEqual(x, y)) },
    );
    for (const presented of [keys[0], keys[3], generateApiKey()]) {
      compares = 0;
      ring.verify(presented);
      assert.equal(compares, keys.length);
    }
    assert.equal(ring.verify(keys[2])?.id, 'k2');
  });

  test('an empty ring accepts nothing', () => {
    assert.equal(new ApiKeyRing([]).verify(generateApiKey()), null);
  });

  test('no key material in the caller', () => {
    const key = generateApiKey();
    const hash = hashApiKey(key);
    const caller = new ApiKeyRing([entry('svc', key, ['users:read'])]).verify(key);
    assert.ok(caller);
    const text = show(caller);
    assert.ok(!text.includes(key));
    assert.ok(!text.includes(hash.slice(7)));
    assert.deepEqual(Object.keys(caller).sort(), ['id', 'kind', 'name', 'scopes', 'sources']);
  });

  test('callers do not share mutable sets', () => {
    const key = generateApiKey();
    const ring = new ApiKeyRing([entry('svc', key, ['users:read'], ['dental'])]);
    const first = ring.verify(key);
    (first?.scopes as Set<string>).add('users:write');
    (first?.sources as Set<string>).add('icure');
    const second = ring.verify(key);
    assert.deepEqual([...(second?.scopes ?? [])], ['users:read']);
    assert.deepEqual([...(second?.sources ?? [])], ['dental']);
  });
});
