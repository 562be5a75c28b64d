import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateTenant } from './generate.ts';
import { type GroundTruth, groundTruth, writeGroundTruth } from './ground-truth.ts';

const tenant = generateTenant({ seed: 77, apps: 400, now: Date.UTC(2026, 2, 1) });

test('ground truth lists every object the tenant holds', () => {
  const truth = groundTruth(tenant);
  assert.equal(truth.tenantId, tenant.id);
  assert.equal(truth.applications.length, tenant.applications.size);
  assert.equal(truth.servicePrincipals.length, tenant.servicePrincipals.size);
  assert.equal(truth.users.length, tenant.users.size);
  assert.deepEqual(truth.counts, {
    applications: tenant.applications.size,
    servicePrincipals: tenant.servicePrincipals.size,
    users: tenant.users.size,
    servicePrincipalsByType: truth.counts.servicePrincipalsByType,
  });
  const byType = Object.values(truth.counts.servicePrincipalsByType).reduce((a, b) => a + b, 0);
  assert.equal(byType, tenant.servicePrincipals.size);
});

test('ground truth carries credentials, owners and the app/SP link', () => {
  const truth = groundTruth(tenant);
  const secretKeys = [...tenant.applications.values()].flatMap((a) =>
    a.object.passwordCredentials!.map((p) => p.keyId),
  );
  assert.deepEqual(
    truth.applications.flatMap((a) => a.passwordCredentials.map((p) => p.keyId)),
    secretKeys,
  );
  const fics = [...tenant.applications.values()].reduce(
    (n, a) => n + a.federatedIdentityCredentials.length,
    0,
  );
  assert.equal(
    truth.applications.reduce((n, a) => n + a.federatedIdentityCredentials.length, 0),
    fics,
  );
  for (const sp of truth.servicePrincipals.filter((s) => s.applicationId)) {
    assert.equal(truth.applications.find((a) => a.id === sp.applicationId)?.appId, sp.appId);
  }
  const mis = truth.servicePrincipals.filter((s) => s.servicePrincipalType === 'ManagedIdentity');
  assert.ok(mis.length > 0 && mis.every((m) => m.managedIdentityType !== null));
  assert.ok(
    truth.servicePrincipals
      .filter((s) => s.servicePrincipalType !== 'ManagedIdentity')
      .every((s) => !s.managedIdentityType),
  );
  const owners = [...tenant.applications.values()].reduce((n, a) => n + a.owners.length, 0);
  assert.equal(
    truth.applications.reduce((n, a) => n + a.owners.length, 0),
    owners,
  );
  assert.equal(
    truth.users.filter((u) => !u.accountEnabled).length,
    [...tenant.users.values()].filter((u) => u.accountEnabled === false).length,
  );
});

test('writeGroundTruth writes the same JSON to disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lanyard-gt-'));
  try {
    const path = join(dir, 'truth.json');
    await writeGroundTruth(tenant, path);
    const read = JSON.parse(await readFile(path, 'utf8')) as GroundTruth;
    assert.deepEqual(read, groundTruth(tenant));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
