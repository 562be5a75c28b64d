import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Grant } from '../../core/access.ts';
import type { Identity } from '../../core/inventory.ts';
import type { GrantRecord } from '../../store/index.ts';
import { renderAccess } from './access-output.ts';

const admin: Grant = {
  kind: 'directory-role',
  permission: 'Global Administrator',
  permissionId: '62e90394-69f5-4237-9190-012177145e10',
  scope: '/',
};
const reader: Grant = {
  kind: 'azure-role',
  permission: 'Reader',
  permissionId: 'acdd72a7',
  scope: '/subscriptions/s1',
};
const sp = (access?: Grant[], unknown?: Identity['unknown']) =>
  ({ kind: 'servicePrincipal', access, ...(unknown ? { unknown } : {}) }) as Identity;
const record = (grant: Grant, granted: number, revoked: number | null): GrantRecord => ({
  grant,
  grantedScanId: granted,
  grantedAt: new Date(`2026-11-0${granted}T10:00:00Z`),
  revokedScanId: revoked,
  revokedAt: revoked ? new Date(`2026-11-0${revoked}T10:00:00Z`) : null,
});

test('each grant held shows the scan that first saw it; grants no longer held are listed apart', () => {
  const lines = renderAccess(sp([reader]), [record(admin, 1, 3), record(reader, 2, null)]).join('\n');
  assert.match(lines, /Azure role\s+Reader\s+-\s+\/subscriptions\/s1\s+scan 2 \(2026-11-02\)/);
  assert.match(lines, /no longer held \(1\)/);
  assert.match(
    lines,
    /directory role\s+Global Administrator\s+-\s+\/\s+scan 1 \(2026-11-01\) to scan 3 \(2026-11-03\)/,
  );
  assert.ok(lines.indexOf('Reader') < lines.indexOf('no longer held'));
});

test('an eligible (PIM) role is labelled so, and matched to its own history', () => {
  const eligible: Grant = { ...admin, eligible: true };
  const lines = renderAccess(sp([admin, eligible]), [record(admin, 1, null), record(eligible, 2, null)]).join(
    '\n',
  );
  assert.match(lines, /directory role\s+Global Administrator\s+-\s+\/\s+scan 1 /);
  assert.match(lines, /directory role \(eligible\)\s+Global Administrator\s+-\s+\/\s+scan 2 /);
});

test('access never read, or unknown, is said so: never an empty table', () => {
  assert.deepEqual(renderAccess(sp(undefined)), ['Access: not read yet (scan again to read it)']);
  assert.match(renderAccess(sp([], ['access']))[0]!, /^Access: unknown/);
});

test("the user's tier overrides regroup the grants", () => {
  const asShipped = renderAccess(sp([reader])).join('\n');
  assert.doesNotMatch(asShipped, /tier 0/);
  const overridden = renderAccess(sp([reader]), [], {
    azureRoles: [{ roleName: 'Reader', tier: 0, source: 'Contoso', reason: 'reads our secrets' }],
  }).join('\n');
  assert.match(overridden, /tier 0 \(1\)\n.*\n.*Azure role\s+Reader/);
});
