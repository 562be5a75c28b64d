import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pgErrorCode } from './pg-errors.ts';

test('finds the SQLSTATE on the error or its causes', () => {
  assert.equal(pgErrorCode({ code: '23505' }), '23505');
  assert.equal(pgErrorCode(new Error('wrapped', { cause: { code: '23505' } })), '23505');
  assert.equal(pgErrorCode({ code: 'ECONNREFUSED' }), undefined);
  assert.equal(pgErrorCode(undefined), undefined);
});
