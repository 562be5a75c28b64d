import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as errors from './errors.ts';

// One class per code; refinements that carry more detail (ScanInProgress is a Conflict) share their parent's.
const named = Object.entries(errors).filter(
  ([, value]) =>
    typeof value === 'function' &&
    value.prototype instanceof errors.LanyardError &&
    Object.getPrototypeOf(value.prototype) !== errors.Conflict.prototype,
) as Array<[string, new (message: string) => errors.LanyardError]>;

test('a refinement keeps its parent code and carries its detail', () => {
  const error = new errors.ScanInProgress('scan 7 is running', { scanId: 7 });
  assert.ok(error instanceof errors.Conflict);
  assert.equal(error.code, 'LANYARD_CONFLICT');
  assert.equal(error.scanId, 7);
  assert.equal(error.name, 'ScanInProgress');
});

test('every named error has its own code, its class name and a distinct exit code', () => {
  const codes = new Set<string>();
  for (const [name, ErrorClass] of named) {
    const error = new ErrorClass('boom');
    assert.equal(error.name, name);
    assert.ok(error instanceof errors.LanyardError);
    assert.ok(!codes.has(error.code), `${name} reuses ${error.code}`);
    codes.add(error.code);
  }
  assert.equal(codes.size, Object.keys(errors.EXIT_CODES).length, 'every code has a named error');
  const exitCodes = Object.values(errors.EXIT_CODES);
  assert.equal(new Set(exitCodes).size, exitCodes.length);
  assert.ok(
    exitCodes.every((code) => code > 1),
    '0 is success and 1 a partial scan',
  );
});

test('errors keep their fix and cause', () => {
  const cause = new Error('socket hang up');
  const error = new errors.Unreachable('cannot connect', { fix: 'check the URL', cause });
  assert.equal(error.fix, 'check the URL');
  assert.equal(error.cause, cause);
  assert.equal(error.exitCode, errors.EXIT_CODES.LANYARD_UNREACHABLE);
  assert.equal(
    new errors.PermissionMissing('denied', { permission: 'Application.Read.All' }).permission,
    'Application.Read.All',
  );
});
