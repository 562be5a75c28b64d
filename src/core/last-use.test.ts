import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daysUnused, lastUseOfCredential, lastUseOfIdentity, NOT_WATCHED } from './last-use.ts';

const watched = {
  monitoredSince: '2026-09-01T00:00:00.000Z',
  readThrough: '2026-12-01T00:00:00.000Z',
  unknownReason: null,
};
const record = {
  identityAt: '2026-11-20T00:00:00.000Z',
  credentials: new Map([['k-1', '2026-11-20T00:00:00.000Z']]),
};

test('a credential seen is used at that time, matched by keyId in any case', () => {
  assert.deepEqual(lastUseOfCredential({ keyId: 'K-1', startDateTime: null }, record, watched), {
    state: 'used',
    at: '2026-11-20T00:00:00.000Z',
  });
});

test('a credential never seen is "not seen" since watching began, or since it was created if later', () => {
  assert.deepEqual(
    lastUseOfCredential({ keyId: 'k-2', startDateTime: '2026-01-01T00:00:00Z' }, record, watched),
    {
      state: 'not-seen',
      monitoredSince: watched.monitoredSince,
    },
  );
  assert.deepEqual(
    lastUseOfCredential({ keyId: 'k-2', startDateTime: '2026-10-01T00:00:00Z' }, record, watched),
    {
      state: 'not-seen',
      monitoredSince: '2026-10-01T00:00:00Z',
    },
  );
});

test('without a watch, or once it failed, an unseen credential is unknown, never "not seen"', () => {
  assert.equal(
    lastUseOfCredential({ keyId: 'k-2', startDateTime: null }, record, NOT_WATCHED).state,
    'unknown',
  );
  const stopped = { ...watched, unknownReason: 'the tenant has no Microsoft Entra ID P1 or P2 licence' };
  assert.deepEqual(lastUseOfCredential({ keyId: 'k-2', startDateTime: null }, record, stopped), {
    state: 'unknown',
    reason: stopped.unknownReason,
  });
  // What was seen stays true.
  assert.equal(lastUseOfCredential({ keyId: 'k-1', startDateTime: null }, record, stopped).state, 'used');
  assert.equal(lastUseOfIdentity({ identityAt: null, credentials: new Map() }, stopped).state, 'unknown');
});

test('days unused count from the last use, or from the start of watching; unknown has none', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  assert.equal(daysUnused({ state: 'used', at: '2026-11-20T00:00:00Z' }, now), 11);
  assert.equal(daysUnused({ state: 'not-seen', monitoredSince: '2026-09-01T00:00:00Z' }, now), 91);
  assert.equal(daysUnused({ state: 'unknown', reason: 'x' }, now), null);
});
