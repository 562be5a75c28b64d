import assert from 'node:assert/strict';
import { test } from 'node:test';
import { credential } from './test-fixtures.ts';
import { credentialLabel, daysBetween, describeDays, parseDate } from './text.ts';

test('describeDays is exact when near and rounds down when far', () => {
  const cases: [number, string][] = [
    [-3, 'less than a day'],
    [0, 'less than a day'],
    [1, '1 day'],
    [5, '5 days'],
    [60, '60 days'],
    [61, '2 months'],
    [364, '11 months'],
    [365, '1 year'],
    [729, '1 year'],
    [730, '2 years'],
    [1096, '3 years'],
  ];
  for (const [days, text] of cases) assert.equal(describeDays(days), text, String(days));
});

test('daysBetween counts whole days and goes negative backwards', () => {
  const at = (text: string) => new Date(text);
  assert.equal(daysBetween(at('2026-11-01T00:00:00Z'), at('2026-11-06T00:00:00Z')), 5);
  assert.equal(daysBetween(at('2026-11-01T00:00:00Z'), at('2026-11-01T23:59:59Z')), 0);
  assert.equal(daysBetween(at('2026-11-06T00:00:00Z'), at('2026-11-01T00:00:00Z')), -5);
});

test('parseDate tells an absent or unreadable date apart from a date', () => {
  assert.equal(parseDate(null), null);
  assert.equal(parseDate(''), null);
  assert.equal(parseDate('not a date'), null);
  assert.equal(parseDate('2026-11-01T00:00:00Z')?.toISOString(), '2026-11-01T00:00:00.000Z');
});

test('credential labels name the type, and the credential when it has a name', () => {
  assert.equal(credentialLabel(credential()), 'client secret');
  assert.equal(
    credentialLabel(credential({ type: 'certificate', displayName: 'CN=sync' })),
    'certificate "CN=sync"',
  );
  assert.equal(
    credentialLabel(credential({ type: 'federated', name: 'github-main' })),
    'federated credential "github-main"',
  );
});
