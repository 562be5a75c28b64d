// Azure Resource Manager read as a user's integration would: every subscription the reader sees, its RBAC
// role assignments (tiered from their role definitions) and its user-assigned identities with their federated
// credentials, compared with what the emulator's generator created. A subscription the reader may not read
// is unknown, with the role that would fill it; the rest read on.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import { readAzureAccess } from '../../src/collect/arm/azure-access.ts';
import { scannerTransport } from './helpers.ts';

describe('Azure access from ARM', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({
      tenants: [{ seed: 4, apps: 200 }],
      // Pages of 5, so every list follows ARM's nextLink.
      arm: { subscriptions: 4, deniedSubscriptions: 1, throttle: { enabled: false }, pageSize: 5 },
    });
  });
  after(() => emu.close());

  const armTransport = () =>
    scannerTransport(emu, {
      transport: { graphUrl: emu.armUrl, api: 'arm', scope: `${new URL(emu.armUrl).origin}/.default` },
    });

  test('equals what the generator created in every subscription the reader sees; a hidden one is not read', async () => {
    const transport = armTransport();
    const access = await readAzureAccess(transport, { signal: new AbortController().signal });
    await transport.close();
    const truth = emu.arm.groundTruth(emu.scanner.tenantId);
    const denied = new Set(
      truth.subscriptions
        .map((s) => s.subscriptionId.toLowerCase())
        .filter((id) => !access.subscriptions.some((s) => s.subscriptionId === id)),
    );
    assert.equal(denied.size, 1, 'one subscription is denied to the reader');
    assert.deepEqual(
      access.unknown.map((u) => u.subscriptionId),
      [],
      'a subscription the reader cannot see is not listed at all, so nothing of it is read or claimed',
    );
    const readable = (subscriptionId: string | null) =>
      subscriptionId === null || !denied.has(subscriptionId.toLowerCase());
    const expected = new Map<string, string[]>();
    for (const [principal, assignments] of Object.entries(truth.assignmentsByPrincipal)) {
      const seen = assignments
        .filter((a) => readable(a.subscriptionId))
        .map((a) => `${a.assignmentId}|${a.roleDefinitionId}|${a.roleName}|${a.scope}`.toLowerCase())
        .sort();
      if (seen.length > 0) expected.set(principal.toLowerCase(), seen);
    }
    const collected = new Map(
      [...access.assignments].map(([principal, list]) => [
        principal,
        list
          .map((a) => `${a.assignmentId}|${a.roleDefinitionId}|${a.roleName}|${a.scope}`.toLowerCase())
          .sort(),
      ]),
    );
    assert.deepEqual(collected, expected);
    // Owner and User Access Administrator are tier 0 wherever they are assigned.
    const owners = [...access.assignments.values()].flat().filter((a) => a.roleName === 'Owner');
    assert.ok(owners.length > 0 && owners.every((a) => a.tier === 0), 'Owner assignments are tier 0');

    for (const [principal, identity] of Object.entries(truth.userAssignedIdentities)) {
      const got = access.userAssignedIdentities.get(principal.toLowerCase());
      if (denied.has(identity.subscriptionId.toLowerCase())) {
        assert.equal(got, undefined);
        continue;
      }
      assert.ok(got, `user-assigned identity ${identity.name}`);
      assert.equal(got.clientId, identity.clientId);
      assert.deepEqual(
        got.federatedCredentials.map((c) => [c.issuer, c.subject, c.audiences]).sort(),
        identity.federatedIdentityCredentials.map((f) => [f.issuer, f.subject, f.audiences]).sort(),
      );
    }
  });

  test('a pinned subscription the reader cannot see is reported unknown, naming the role to assign', async () => {
    const truth = emu.arm.groundTruth(emu.scanner.tenantId);
    const transport = armTransport();
    const visible = await readAzureAccess(transport, { signal: new AbortController().signal });
    const hidden = truth.subscriptions
      .map((s) => s.subscriptionId.toLowerCase())
      .find((id) => !visible.subscriptions.some((s) => s.subscriptionId === id))!;
    const pinned = [visible.subscriptions[0]!.subscriptionId, hidden];
    const access = await readAzureAccess(transport, { signal: new AbortController().signal, pinned });
    await transport.close();
    assert.deepEqual(
      access.subscriptions.map((s) => s.subscriptionId),
      [pinned[0]],
    );
    assert.deepEqual(
      access.unknown.map((u) => [u.subscriptionId, u.permission]),
      [[hidden, `the Reader role on subscription ${hidden}`]],
    );
    assert.ok([...access.assignments.values()].flat().every((a) => a.subscriptionId !== hidden));
  });

  test('a subscription that refuses its reads (403) is unknown with the role to assign; the others read on', async () => {
    const transport = armTransport();
    const listed = await readAzureAccess(transport, { signal: new AbortController().signal });
    const refusing = listed.subscriptions[0]!.subscriptionId;
    // Listed, then refused: the reader lost its role between the two reads.
    const reader = {
      async *pages<T>(path: string, options: Parameters<typeof transport.pages>[1]) {
        yield* transport.pages<T>(path, options);
        if (path.startsWith('/subscriptions?')) emu.arm.access.deny([refusing]);
      },
    };
    try {
      const access = await readAzureAccess(reader, { signal: new AbortController().signal });
      assert.deepEqual(
        access.unknown.map((u) => u.subscriptionId),
        [refusing],
      );
      assert.match(access.unknown[0]!.reason, /Reader role on subscription .*AuthorizationFailed/);
      assert.ok([...access.assignments.values()].flat().every((a) => a.subscriptionId !== refusing));
      assert.ok(access.assignments.size > 0, 'the other subscriptions were read');
    } finally {
      emu.arm.access.allow([refusing]);
      await transport.close();
    }
  });

  test("a token for Microsoft's public Graph is never sent to this ARM host", () => {
    assert.throws(
      () =>
        scannerTransport(emu, {
          transport: { graphUrl: emu.armUrl, api: 'arm', scope: 'https://graph.microsoft.com/.default' },
        }),
      /graph\.microsoft\.com/,
    );
  });
});
