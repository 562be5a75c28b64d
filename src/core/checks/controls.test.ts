import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTROLS, controlsOfCheck } from './controls.ts';

test('every control names at least one check, each once, by a snake_case id', () => {
  for (const control of CONTROLS) {
    const where = `${control.framework} ${control.id}`;
    assert.ok(control.checks.length > 0, `${where} maps to no check`);
    assert.equal(new Set(control.checks).size, control.checks.length, `${where} names a check twice`);
    for (const id of control.checks) assert.match(id, /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/, `${where}: ${id}`);
    for (const field of ['framework', 'id', 'title', 'source'] as const)
      assert.ok(control[field].trim(), `${where} has no ${field}`);
  }
});

test('no control is listed twice', () => {
  const keys = CONTROLS.map((control) => `${control.framework}\u0000${control.id}`);
  const twice = keys.filter((key, index) => keys.indexOf(key) !== index);
  assert.deepEqual(twice, []);
});

test("the guide's table is covered: inventory, credential expiry, owner audit, inactive service principals", () => {
  const guide = CONTROLS.filter((control) => control.framework.startsWith('Workload identity guide'));
  assert.deepEqual(
    guide.map((control) => control.id),
    ['1.1', '2.1', '2.2', 'inactive-service-principals'],
  );
  assert.deepEqual(
    controlsOfCheck('service_principal_inactive').map((control) => control.id),
    ['inactive-service-principals'],
  );
  assert.deepEqual(
    controlsOfCheck('identity_without_owners').map((control) => control.id),
    ['2.2'],
  );
});

test('the owner, inactivity, publisher and managed identity checks each back a control', () => {
  for (const id of [
    'identity_without_owners',
    'owners_all_inactive',
    'service_principal_inactive',
    'third_party_multitenant_tier0',
    'managed_identity_subscription_owner',
    'imitates_microsoft_name',
    'credential_expiring',
    'credential_expired',
    'secret_lifetime_over_policy',
    'credential_unused',
    'privileged_identity_with_secret',
    'credential_on_service_principal',
    'too_many_active_secrets',
  ])
    assert.ok(controlsOfCheck(id).length > 0, `${id} backs no control`);
});
