import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkIdentifiers, linkPeople, type LinkAccount, type ManualDecisions } from './link';

const NONE: ManualDecisions = { groups: new Map(), alone: new Set() };
const acct = (key: string, o: { email?: string | null; username?: string | null; npi?: string | null; employeeNumber?: string | null; externalId?: string | null; org?: string }): LinkAccount =>
  linkIdentifiers(key, { email: o.email ?? null, username: o.username ?? null, identifiers: { npi: o.npi ?? null, employeeNumber: o.employeeNumber ?? null, externalId: o.externalId ?? null } }, o.org ?? key.split(':')[0]!);
const groupsOf = (accounts: LinkAccount[], manual = NONE) => linkPeople(accounts, manual).people.map((p) => p.accounts);

test('e-mail links case-folded and trimmed, the username counts when it is an address, names never matter', () => {
  const people = linkPeople(
    [
      acct('a:1', { email: ' Maria.Garcia@County.Example.org' }),
      acct('b:1', { email: 'maria.garcia@county.example.org' }),
      acct('c:1', { username: 'MARIA.GARCIA@county.example.org' }),
      acct('d:1', { username: 'mgarcia' }),
    ],
    NONE,
  ).people;
  assert.deepEqual(people.map((p) => [p.accounts, p.matchedOn]), [
    [['a:1', 'b:1', 'c:1'], ['EMAIL']],
    [['d:1'], []],
  ]);
});

test('NPI links exactly; employee numbers only within one organization; externalId stands in for an employee number', () => {
  assert.deepEqual(
    groupsOf([
      acct('a:1', { npi: '1990000011' }),
      acct('a:2', { npi: '1990000011', email: 'old@x.org' }),
      acct('a:3', { employeeNumber: 'E900101', org: 'county' }),
      acct('b:1', { externalId: 'E900101', org: 'county' }),
      acct('c:1', { employeeNumber: 'E900101', org: 'dental' }),
    ]),
    [['a:1', 'a:2'], ['a:3', 'b:1'], ['c:1']],
  );
});

test('an account matching two people with different NPIs is a conflict: it joins neither, and both are named', () => {
  const r = linkPeople(
    [
      acct('a:1', { npi: '1990000011', email: 'pat@x.org' }),
      acct('a:2', { npi: '1990000022', employeeNumber: 'E1', org: 'o' }),
      acct('b:1', { email: 'PAT@x.org', employeeNumber: 'E1', org: 'o' }),
    ],
    NONE,
  );
  // b:1 links to a:1 by e-mail first; the shared employee number then points at a:2, who holds
  // another NPI: refused, and both sides reported with the person each matched.
  assert.deepEqual(r.conflicts, [
    { account: 'a:2', rule: 'EMPLOYEE_NUMBER', candidates: ['a:1'] },
    { account: 'b:1', rule: 'EMPLOYEE_NUMBER', candidates: ['a:2'] },
  ]);
  assert.deepEqual(r.people.map((p) => p.accounts), [['a:1', 'b:1'], ['a:2']]);
  // Both at once in one round: joins neither.
  const both = linkPeople([acct('a:1', { npi: '1', email: 'pat@x.org' }), acct('a:2', { npi: '2', email: 'pat@x.org' }), acct('b:1', { email: 'pat@x.org' })], NONE);
  assert.deepEqual(both.people.map((p) => p.accounts), [['a:1'], ['a:2'], ['b:1']]);
  assert.deepEqual(both.conflicts.map((c) => c.account), ['a:1', 'a:2', 'b:1']);
  assert.deepEqual(both.conflicts.find((c) => c.account === 'b:1')!.candidates, ['a:1', 'a:2']);
});

test('manual decisions beat the rules: a manual group links what no rule would; an account left alone links to nobody', () => {
  const accounts = [acct('a:1', { email: 'x@x.org' }), acct('b:1', { email: 'x@x.org' }), acct('c:1', { email: 'other@x.org' })];
  const manual: ManualDecisions = { groups: new Map([['a:1', 'g1'], ['c:1', 'g1']]), alone: new Set(['b:1']) };
  const r = linkPeople(accounts, manual);
  assert.deepEqual(r.people.map((p) => [p.accounts, p.matchedOn]), [
    [['a:1', 'c:1'], ['MANUAL']],
    [['b:1'], []],
  ]);
  // Two manual groups are never merged by a rule.
  const two = linkPeople([acct('a:1', { email: 'x@x.org' }), acct('b:1', { email: 'x@x.org' })], { groups: new Map([['a:1', 'g1'], ['b:1', 'g2']]), alone: new Set() });
  assert.deepEqual(two.people.map((p) => p.accounts), [['a:1'], ['b:1']]);
  assert.deepEqual(two.conflicts.map((c) => [c.account, c.rule]), [['a:1', 'EMAIL'], ['b:1', 'EMAIL']]);
});

test('the result does not depend on the order the accounts come in', () => {
  const accounts = [
    acct('e:1', { email: 'a@x.org' }),
    acct('a:1', { npi: '1', email: 'a@x.org' }),
    acct('c:1', { employeeNumber: 'E1', org: 'o', email: 'b@x.org' }),
    acct('b:1', { externalId: 'E1', org: 'o', username: 'A@x.org' }),
  ];
  const one = linkPeople(accounts, NONE);
  const two = linkPeople([...accounts].reverse(), NONE);
  assert.deepEqual(one, two);
  assert.deepEqual(one.people.map((p) => p.accounts), [['a:1', 'b:1', 'c:1', 'e:1']]);
  assert.deepEqual(one.people[0]!.matchedOn, ['EMAIL', 'EMPLOYEE_NUMBER']);
});
