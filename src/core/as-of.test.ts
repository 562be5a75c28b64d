import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAsOf } from './as-of.ts';
import { InvalidInput } from './errors.ts';

test('parseAsOf reads scan ids, dates and date-times', () => {
  assert.deepEqual(parseAsOf('42'), { scanId: 42 });
  assert.deepEqual(parseAsOf('2026-11-01'), { date: new Date('2026-11-01T23:59:59.999Z') });
  assert.deepEqual(parseAsOf('2026-11-01T12:00Z'), { date: new Date('2026-11-01T12:00:00Z') });
  assert.deepEqual(parseAsOf('2026-11-01T12:00:00+02:00'), { date: new Date('2026-11-01T10:00:00Z') });
});

test('parseAsOf rejects what is neither', () => {
  for (const bad of ['yesterday', '2026-13-45', '-1', '1e3', '', '2026-11-01; drop table']) {
    assert.throws(() => parseAsOf(bad), InvalidInput);
  }
});
