import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectionLost, pgErrorCode } from './pg-errors.ts';

test('finds the SQLSTATE on the error or its causes', () => {
  assert.equal(pgErrorCode({ code: '23505' }), '23505');
  assert.equal(pgErrorCode(new Error('wrapped', { cause: { code: '23505' } })), '23505');
  assert.equal(pgErrorCode({ code: 'ECONNREFUSED' }), undefined);
  assert.equal(pgErrorCode(undefined), undefined);
});

test('tells a lost connection from a failed query', () => {
  assert.equal(connectionLost(new Error('Failed query', { cause: { code: '57P01' } })), true);
  assert.equal(connectionLost({ code: '57P03' }), true);
  assert.equal(connectionLost(new Error('wrapped', { cause: { code: 'ECONNREFUSED' } })), true);
  assert.equal(connectionLost(new Error('Connection terminated unexpectedly')), true);
  assert.equal(connectionLost({ code: '23505' }), false);
  assert.equal(connectionLost(new Error('Connection terminated')), false);
  assert.equal(connectionLost(undefined), false);
});
