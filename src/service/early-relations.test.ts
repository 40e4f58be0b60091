import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReadCosts, SourceReader } from '../core/connector';
import type { UserRecord } from '../core/model';
import { EarlyRelations } from './early-relations';

const user = (nativeId: string) => ({ sourceId: 's', nativeId }) as UserRecord;
const costs = (perUser: boolean): ReadCosts => ({ listUsers: () => 1, usersById: () => 1, userTypesOf: perUser ? (n) => n : () => 1, facilityAccessOf: () => 1, catalog: 1, health: 1, write: 1 });

function reader(calls: string[], fail = false): SourceReader {
  return {
    userTypesOf: (u: UserRecord) => (calls.push(`types ${u.nativeId}`), fail ? Promise.reject(new Error('vendor down')) : Promise.resolve([])),
    facilityAccessOf: (u: UserRecord) => (calls.push(`access ${u.nativeId}`), Promise.resolve([])),
  } as unknown as SourceReader;
}

test('starts only relations that cost a call per user, and only those asked; each answer is taken once', async () => {
  const calls: string[] = [];
  const early = new EarlyRelations();
  early.start(reader(calls), costs(true), [user('a'), user('b')], { userTypes: true, facilityAccess: true });
  assert.deepEqual(calls, ['types a', 'types b'], 'facilityAccess costs one call for any number of users here: left to the batch');
  const first = early.take('userTypes', user('a'));
  assert.ok(first instanceof Promise);
  assert.equal(early.take('userTypes', user('a')), undefined, 'taken once: a later ask goes to the reader as before');
  assert.equal(early.take('facilityAccess', user('b')), undefined);
  early.start(reader(calls), costs(false), [user('c')], { userTypes: true, facilityAccess: false });
  assert.deepEqual(calls, ['types a', 'types b'], 'nothing per user to start');
  early.start(reader(calls), costs(true), [user('d')], { userTypes: false, facilityAccess: false });
  assert.equal(calls.length, 2, 'not asked');
});

test('a failure before graphql takes it is no unhandled rejection, and graphql still sees it', async () => {
  const early = new EarlyRelations();
  let unhandled = 0;
  const onUnhandled = () => unhandled++;
  process.on('unhandledRejection', onUnhandled);
  try {
    early.start(reader([], true), costs(true), [user('a')], { userTypes: true, facilityAccess: false });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(unhandled, 0);
    await assert.rejects(Promise.resolve(early.take('userTypes', user('a'))), /vendor down/);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
