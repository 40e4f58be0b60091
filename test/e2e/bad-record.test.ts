import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, type Stack } from '../support/stack';

/**
 * Issue 9: one malformed record in a vendor's list page must not drop that source's whole page.
 * Each simulator answers its user list once with a page of two good records and one broken one
 * (fault kind=status, status 200, the page as body). The gateway returns the good records, and
 * exactly one GraphQL error for that source — SOURCE_BAD_RESPONSE, naming the source in
 * extensions.source — whose message carries nothing of the broken record. The other sources answer
 * as usual.
 */

/** Values planted in every broken record: none may appear anywhere in the response. */
const PLANTED = ['planted-private@example.org', 'Planted-Secret-Name', '987654321'];

const od = (n: number) => ({ UserNum: n, UserName: `od${n}`, userGroupNums: [2], EmployeeNum: 0, employeeName: `Good ${n}`, ProviderNum: 0, providerName: '', ClinicNum: 0, emailAddress: '', IsHidden: 'false' });
const pc = (n: number) => ({ uuid: `00000000-0000-4000-8000-00000000000${n}`, email: `pc${n}@example.org`, first_name: 'Good', last_name: `${n}`, role: 'user', is_active: true, has_activated: true });
const ic = (n: number) => ({ id: `ic-${n}`, rev: '1-a', login: `ic${n}`, name: `Good ${n}`, status: 'ACTIVE', roles: ['BASIC_USER'] });
const ps = (n: number) => ({ userId: `ps-${n}`, username: `ps${n}`, firstName: 'Good', lastName: `${n}`, email: `ps${n}@example.org`, organizationId: 'UNC', facilityId: 'UNC', role: { id: '2', name: 'Nurse' }, status: 'ACTIVE' });
const broken = { email: PLANTED[0], first_name: PLANTED[1], ssn: PLANTED[2] };

/** Per vendor: the list route (fault path) and a page of [good, broken, good] in the vendor's envelope. */
const PAGES: Record<string, { path: string; body: unknown; good: string[] }> = {
  coremr: {
    path: '^/ws/users/$',
    body: [{ username: 'cm-1', active: true, fname: 'Good', lname: 'One' }, { username: 7, active: 'yes', ...broken }, { username: 'cm-3', active: true, fname: 'Good', lname: 'Three' }],
    good: ['cm-1', 'cm-3'],
  },
  opendental: { path: '/userods$', body: [od(1), { UserNum: 2, IsHidden: 'maybe', ...broken }, od(3)], good: ['1', '3'] },
  painchek: { path: '^/api/account/users/$', body: { count: 3, next: null, previous: null, results: [pc(1), { uuid: 42, ...broken }, pc(3)] }, good: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000003'] },
  icure: { path: '^/rest/v2/user$', body: { rows: [ic(1), { id: 12, login: PLANTED[0], name: PLANTED[1] }, ic(3)] }, good: ['ic-1', 'ic-3'] },
  presentationservices: { path: '/users$', body: { data: [ps(1), { userId: { x: 1 }, ...broken }, ps(3)], statusFact: { success: true } }, good: ['ps-1', 'ps-3'] },
};

const QUERY = `{ users(first: 100) { nodes { nativeId source { id } } sourceErrors { source code message } } }`;

let stack: Stack;
before(async () => {
  stack = await startStack({ users: 20 });
});
after(() => stack.close());
afterEach(() => stack.resetAll());

describe('one malformed record in a vendor page', () => {
  for (const [source, page] of Object.entries(PAGES)) {
    test(`${source}: the other records are returned, plus one SOURCE_BAD_RESPONSE naming the source`, async () => {
      await stack.sims[source]!.control.fault({ kind: 'status', status: 200, method: 'GET', path: page.path, body: page.body, times: 1 });
      const res = await stack.gql(QUERY);
      assert.equal(res.status, 200);
      const users = res.body.data!.users;
      const fromSource = users.nodes.filter((n: any) => n.source.id === source).map((n: any) => n.nativeId);
      assert.deepEqual(fromSource.sort(), [...page.good].sort(), 'the good records of the page');
      for (const other of Object.keys(PAGES)) {
        if (other !== source) assert.ok(users.nodes.some((n: any) => n.source.id === other), `${other} still answers`);
      }
      const errors = res.body.errors ?? [];
      assert.equal(errors.length, 1, 'exactly one error');
      assert.equal(errors[0]!.extensions!.code, 'SOURCE_BAD_RESPONSE');
      assert.equal(errors[0]!.extensions!.source, source);
      assert.deepEqual(errors[0]!.path, ['users']);
      assert.match(errors[0]!.message, /^1 user record from this source could not be understood and was left out\.$/);
      assert.deepEqual(users.sourceErrors, [{ source, code: 'SOURCE_BAD_RESPONSE', message: errors[0]!.message }]);
      for (const planted of PLANTED) assert.ok(!res.text.includes(planted), `nothing of the broken record (${planted})`);
      for (const planted of PLANTED) assert.ok(!stack.logLines.join('\n').includes(planted), `nor in the logs (${planted})`);
    });
  }

  test('a clean page reports nothing', async () => {
    const res = await stack.gql(QUERY);
    assert.equal(res.body.errors, undefined);
    assert.deepEqual(res.body.data!.users.sourceErrors, []);
  });
});
