import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOG_LAG_MS, LOG_RETENTION_DAYS, readSignInActivity, signInWindow } from './sign-in-activity.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;

test('the first reading takes the reports and the whole retention of the log', () => {
  assert.deepEqual(signInWindow(null, NOW), {
    mode: 'full',
    since: new Date(NOW.getTime() - LOG_RETENTION_DAYS * DAY).toISOString().replace('.000Z', 'Z'),
  });
});

test('a later reading resumes where the previous one ended, less the log lag', () => {
  const previous = '2026-11-30T12:00:00Z';
  assert.deepEqual(signInWindow(previous, NOW), {
    mode: 'incremental',
    since: new Date(Date.parse(previous) - LOG_LAG_MS).toISOString().replace('.000Z', 'Z'),
  });
});

test('after a gap the log no longer covers, the reports are read again', () => {
  assert.equal(signInWindow(new Date(NOW.getTime() - 29.5 * DAY).toISOString(), NOW).mode, 'full');
  assert.equal(signInWindow(new Date(NOW.getTime() - 27 * DAY).toISOString(), NOW).mode, 'incremental');
  assert.equal(signInWindow('not a date', NOW).mode, 'full');
});

test('failed sign-ins, unparseable dates and rows without an appId are not observations', async () => {
  const delivered: unknown[] = [];
  const pages: Record<string, unknown[]> = {
    servicePrincipal: [
      {
        appId: 'APP-1',
        createdDateTime: '2026-11-30T10:00:00Z',
        status: { errorCode: 0 },
        federatedCredentialId: 'F-1',
      },
      { appId: 'app-1', createdDateTime: '2026-11-30T11:00:00Z', status: { errorCode: 0 } },
      { appId: 'app-2', createdDateTime: '2026-11-30T11:00:00Z', status: { errorCode: 7000215 } },
      { appId: 'app-3', createdDateTime: 'yesterday', status: { errorCode: 0 } },
      { createdDateTime: '2026-11-30T11:00:00Z', status: { errorCode: 0 } },
    ],
    managedIdentity: [],
  };
  const reading = await readSignInActivity({
    transport: {
      async *pages<T>(url: string) {
        assert.match(url, /auditLogs\/signIns/, 'an incremental reading reads no report');
        yield (
          decodeURIComponent(url).includes("'servicePrincipal'")
            ? pages.servicePrincipal
            : pages.managedIdentity
        ) as T[];
      },
    },
    signal: new AbortController().signal,
    readThrough: '2026-11-30T12:00:00Z',
    now: NOW,
    onObservations: async (o) => void delivered.push(...o),
  });
  assert.equal(reading.mode, 'incremental');
  assert.deepEqual(delivered, [
    { appId: 'app-1', keyId: null, at: '2026-11-30T11:00:00.000Z' },
    { appId: 'app-1', keyId: 'f-1', at: '2026-11-30T10:00:00.000Z' },
  ]);
});
