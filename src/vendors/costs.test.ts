import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReadCosts } from '../core/connector';
import { MINIMUMS, type CatalogFacts } from '../../bench/minimums';
import { VENDORS } from './registry';
import { COREMR_COSTS } from './coremr/costs';
import { OPENDENTAL_COSTS } from './opendental/costs';
import { PAINCHEK_COSTS } from './painchek/costs';
import { ICURE_COSTS } from './icure/costs';
import { PS_COSTS } from './presentationservices/costs';

/**
 * The ReadCosts contract (src/core/connector.ts) for each vendor's declared costs, which the
 * maxCost limit (docs/callers-and-limits.md) adds up before anything runs: whole, non-negative, monotone call
 * counts; `f(0)` of a relation is the part paid once per request; and, for the canonical query of
 * the bench, never below what the vendor API needs at best (bench/minimums.ts), equal where our
 * reader reaches that minimum.
 */
const DECLARED: Record<string, ReadCosts> = {
  coremr: COREMR_COSTS,
  opendental: OPENDENTAL_COSTS,
  painchek: PAINCHEK_COSTS,
  icure: ICURE_COSTS,
  presentationservices: PS_COSTS,
};
const FUNCTIONS = ['listUsers', 'usersById', 'userTypesOf', 'facilityAccessOf'] as const;
const CONSTANTS = ['catalog', 'health', 'write'] as const;
const NS = Array.from({ length: 1001 }, (_, n) => n);

test('one declared cost object per registered vendor, and one API minimum each', () => {
  assert.deepEqual(Object.keys(DECLARED).sort(), VENDORS.map((v) => v.vendor).sort());
  assert.deepEqual(Object.keys(MINIMUMS).sort(), VENDORS.map((v) => v.vendor).sort());
});

for (const [vendor, costs] of Object.entries(DECLARED)) {
  describe(`${vendor}: the ReadCosts contract`, () => {
    for (const f of FUNCTIONS) {
      test(`${f}(n) is a whole non-negative number, non-decreasing over n = 0..1000`, () => {
        let previous = -Infinity;
        for (const n of NS) {
          const v = costs[f](n);
          assert.ok(Number.isInteger(v) && v >= 0, `${f}(${n}) = ${v}`);
          assert.ok(v >= previous, `${f}(${n}) = ${v} < ${f}(${n - 1}) = ${previous}`);
          previous = v;
        }
      });
    }
    for (const k of CONSTANTS) {
      test(`${k} is a whole non-negative number`, () => {
        assert.ok(Number.isInteger(costs[k]) && costs[k] >= 0, `${k} = ${costs[k]}`);
      });
    }
    test('usersById(0) === 0: no lookup, no call', () => assert.equal(costs.usersById(0), 0));
    test('usersById(n) ≥ 1 for n ≥ 1', () => {
      for (const n of NS.slice(1)) assert.ok(costs.usersById(n) >= 1, `usersById(${n}) = ${costs.usersById(n)}`);
    });
    test('listUsers(first) ≥ 1 for first ≥ 1', () => {
      for (const n of NS.slice(1)) assert.ok(costs.listUsers(n) >= 1, `listUsers(${n}) = ${costs.listUsers(n)}`);
    });
    test('health is at least one call; a write is at least one call', () => {
      assert.ok(costs.health >= 1);
      assert.ok(costs.write >= 1);
    });
  });
}

describe('declared values, spot by spot', () => {
  // [vendor, f, n, expected]: f(0) is the per-request part (a catalog), f(n) - f(0) the per-user part.
  const spots: Array<[string, (typeof FUNCTIONS)[number], number, number]> = [
    // CorEMR: one GET per list, per user lookup, per user's types, per user's facilities.
    ['coremr', 'listUsers', 1, 1], ['coremr', 'listUsers', 1000, 1],
    ['coremr', 'usersById', 1, 1], ['coremr', 'usersById', 500, 500],
    ['coremr', 'userTypesOf', 0, 0], ['coremr', 'userTypesOf', 100, 100],
    ['coremr', 'facilityAccessOf', 0, 0], ['coremr', 'facilityAccessOf', 100, 100],
    // Open Dental: pages of 100 (+1 for a cursor mid-page), one scan of 10 pages for any ids, one catalog per relation.
    ['opendental', 'listUsers', 1, 2], ['opendental', 'listUsers', 100, 2], ['opendental', 'listUsers', 101, 3], ['opendental', 'listUsers', 1000, 11],
    ['opendental', 'usersById', 1, 10], ['opendental', 'usersById', 1000, 10],
    ['opendental', 'userTypesOf', 0, 1], ['opendental', 'userTypesOf', 1000, 1],
    ['opendental', 'facilityAccessOf', 0, 1], ['opendental', 'facilityAccessOf', 1000, 1],
    // PainChek: pages of 20; the role is on the user; facility access = sites page + 5 site lists + ceil(n/20).
    ['painchek', 'listUsers', 1, 1], ['painchek', 'listUsers', 20, 1], ['painchek', 'listUsers', 21, 2], ['painchek', 'listUsers', 100, 5],
    ['painchek', 'usersById', 3, 3],
    ['painchek', 'userTypesOf', 0, 0], ['painchek', 'userTypesOf', 1000, 0],
    ['painchek', 'facilityAccessOf', 0, 6], ['painchek', 'facilityAccessOf', 1, 7], ['painchek', 'facilityAccessOf', 20, 7], ['painchek', 'facilityAccessOf', 21, 8], ['painchek', 'facilityAccessOf', 100, 11],
    // iCure: keyset pages of up to 1,000 rows, assumed 900 users per page; relations are on the user.
    ['icure', 'listUsers', 1, 1], ['icure', 'listUsers', 900, 1], ['icure', 'listUsers', 901, 2],
    ['icure', 'usersById', 7, 7],
    ['icure', 'userTypesOf', 0, 0], ['icure', 'userTypesOf', 1000, 0], ['icure', 'facilityAccessOf', 1000, 0],
    // PresentationServices: GET /users once; roles and facilities one catalog call each.
    ['presentationservices', 'listUsers', 1, 1], ['presentationservices', 'listUsers', 1000, 1],
    ['presentationservices', 'usersById', 4, 4],
    ['presentationservices', 'userTypesOf', 0, 1], ['presentationservices', 'userTypesOf', 1000, 1],
    ['presentationservices', 'facilityAccessOf', 0, 1], ['presentationservices', 'facilityAccessOf', 1000, 1],
  ];
  for (const [vendor, f, n, expected] of spots) {
    test(`${vendor} ${f}(${n}) = ${expected}`, () => assert.equal(DECLARED[vendor]![f](n), expected));
  }

  const constants: Array<[string, number, number, number]> = [
    // [vendor, catalog, health, write]
    ['coremr', 0, 1, 6],
    ['opendental', 1, 1, 4],
    ['painchek', 1, 1, 4],
    ['icure', 1, 1, 2],
    ['presentationservices', 1, 1, 3],
  ];
  for (const [vendor, catalog, health, write] of constants) {
    test(`${vendor} catalog ${catalog}, health ${health}, write ${write}`, () => {
      const c = DECLARED[vendor]!;
      assert.deepEqual({ catalog: c.catalog, health: c.health, write: c.write }, { catalog, health, write });
    });
  }
});

describe('the canonical query against the API minimums of bench/minimums.ts', () => {
  // users(sources:[X], first:N) { userTypes { name } facilityAccess { primary facility { code name } } }
  const canonical = (c: ReadCosts, n: number) => c.listUsers(n) + c.userTypesOf(n) + c.facilityAccessOf(n);
  // The catalog PainChek's estimate assumes: 5 sites on one page, one page of access records each.
  const painchekFacts: CatalogFacts = { sites: 5, sitePages: 1, siteAccessPages: 5, maxSiteAccessPages: 1 };
  const minimum = (vendor: string, n: number) => MINIMUMS[vendor]!(n, painchekFacts).requests;
  const SPOTS = [1, 20, 21, 50, 99, 100, 101, 500, 900, 901, 1000];

  test('coremr: exactly 1 + 2n, the minimum (no batch endpoint)', () => {
    for (const n of NS.slice(1)) {
      assert.equal(canonical(COREMR_COSTS, n), 1 + 2 * n, `n=${n}`);
      assert.equal(canonical(COREMR_COSTS, n), minimum('coremr', n), `n=${n}`);
    }
  });

  test('presentationservices: exactly 3, the minimum', () => {
    for (const n of SPOTS) assert.equal(canonical(PS_COSTS, n), minimum('presentationservices', n), `n=${n}`);
    assert.equal(canonical(PS_COSTS, 100), 3);
  });

  test('icure: exactly the minimum of 1 while one assumed page (900) holds the users; 2 beyond', () => {
    for (const n of [1, 100, 500, 900]) assert.equal(canonical(ICURE_COSTS, n), minimum('icure', n), `n=${n}`);
    assert.equal(canonical(ICURE_COSTS, 901), 2);
  });

  test('opendental: the minimum ceil(n/100) + 2, plus the one page a mid-page cursor may add', () => {
    for (const n of SPOTS) assert.equal(canonical(OPENDENTAL_COSTS, n), minimum('opendental', n) + 1, `n=${n}`);
    assert.equal(canonical(OPENDENTAL_COSTS, 100), 4);
  });

  test('painchek: never below the minimum for the catalog it assumes', () => {
    for (const n of SPOTS) assert.ok(canonical(PAINCHEK_COSTS, n) >= minimum('painchek', n), `n=${n}: ${canonical(PAINCHEK_COSTS, n)} < ${minimum('painchek', n)}`);
    // n = 100: 5 user pages + 1 sites page + 5 site lists + 5 = 16 declared; the minimum is 5 + 1 + 5 = 11.
    assert.equal(canonical(PAINCHEK_COSTS, 100), 16);
    assert.equal(minimum('painchek', 100), 11);
  });

  test('every vendor: declared ≥ the API minimum for n = 1..1000 (a cost below it could not be an upper bound)', () => {
    for (const [vendor, costs] of Object.entries(DECLARED)) {
      for (const n of NS.slice(1)) {
        assert.ok(canonical(costs, n) >= minimum(vendor, n), `${vendor} n=${n}: declared ${canonical(costs, n)} < minimum ${minimum(vendor, n)}`);
      }
    }
  });
});
