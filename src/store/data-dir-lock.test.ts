import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeCommand, lockedError } from './data-dir-lock.ts';

test('describes the command without URL passwords, shortened', () => {
  assert.equal(
    describeCommand(['node', '/bin/lanyard', 'scan', '--database', 'postgres://u:pw@db/x']),
    '/bin/lanyard scan --database postgres://u:***@db/x',
  );
  assert.equal(describeCommand(['node', 'x'.repeat(300)]).length, 200);
});

test('the locked error names the holder and points to PostgreSQL', () => {
  const error = lockedError('/data', {
    pid: 42,
    hostname: 'box',
    command: 'lanyard scan',
    since: '2026-05-01T00:00:00Z',
  });
  assert.equal(error.code, 'LANYARD_STORE_LOCKED');
  assert.match(error.message, /process 42 on box \(lanyard scan\) since 2026-05-01T00:00:00Z/);
  assert.match(error.message, /PostgreSQL .*LANYARD_DATABASE_URL/);
  assert.match(lockedError('/data', undefined).message, /in use by another process/);
});
