// Suspicious sign-ins through the whole path (emulated Graph's sign-in log → collector → commit → outbox): the first
// scan learns each application's ranges and says nothing; after the tenant's applications sign in from networks
// they never used and one fails a dozen times, the next scan records one event for each, and a third scan, whose
// reading overlaps the second's, records none again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulator/index.ts';
import {
  playSuspiciousSignIns,
  type SuspiciousSignInsPlayed,
} from '../../emulator/tenant/sign-in-history.ts';
import type { LanyardEvent } from '../../src/core/events.ts';
import { createGraphCollect } from '../../src/services/graph-collect.ts';
import { createScanService } from '../../src/services/scan-service.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { FAST_THROTTLE } from '../collect/helpers.ts';
import { emulatorIntegration } from './emulator-integration.ts';

const graph = { throttle: { ...FAST_THROTTLE, reportsWindowMs: 1000 } };

describe('suspicious sign-ins, tenant seed 11, 160 apps, P2', () => {
  let emu: RunningEmulator;
  let store: Store;
  let integrationId: string;
  before(async () => {
    emu = await startEmulator({ tenants: [{ seed: 11, apps: 160 }], graph });
    store = await openStore({ dataDir: 'memory://' });
    integrationId = (await store.integrations.create(emulatorIntegration(emu, 'prod'))).id;
  });
  after(async () => {
    await store.close();
    await emu.close();
  });

  const scan = async () => {
    const { summary } = await createScanService({
      store,
      collect: createGraphCollect({ resourceUnitsPer10s: 5000, signIns: true }),
      now: () => new Date(),
      signIns: { sinks: ['siem'] },
    }).run('prod');
    assert.equal(summary.status, 'succeeded', summary.warnings.join('\n'));
  };
  const suspicious = async () =>
    (
      await store.executeRaw(
        `select event from outbox_events where type = 'signin.suspicious' and event->'integration'->>'id' = $1
         order by id`,
        [integrationId],
      )
    ).rows.map((r) => r.event as LanyardEvent);

  let played: SuspiciousSignInsPlayed;

  test('the first scan learns the ranges and records no event', async () => {
    await scan();
    assert.deepEqual(await suspicious(), []);
    const { rows } = await store.executeRaw(
      'select count(distinct app_id)::int as apps, count(*)::int as ranges from sign_in_ranges where integration_id = $1',
      [integrationId],
    );
    assert.ok((rows[0]!.apps as number) > 10, `${rows[0]!.apps} applications with a range`);
  });

  test('the next scan sees the new-range sign-ins and the burst: one event each, about the right identity', async () => {
    played = playSuspiciousSignIns(emu.tenants[0]!, emu.control.context.clock.now());
    assert.equal(played.newRange.length, 2);
    assert.equal(played.burst.length, 1);
    await scan();
    const events = await suspicious();
    const newRange = events.filter((e) => e.data.reason === 'new-range');
    assert.deepEqual(
      newRange.map((e) => [e.data.appId, e.data.range, e.subject?.displayName, e.subject?.kind]).sort(),
      played.newRange
        .map((p) => [
          p.appId.toLowerCase(),
          p.ip.includes(':')
            ? `${p.ip.split(':').slice(0, 3).join(':')}::/48`
            : `${p.ip.split('.').slice(0, 3).join('.')}.0/24`,
          p.displayName,
          'servicePrincipal',
        ])
        .sort(),
    );
    for (const e of newRange) {
      assert.equal(e.severity, 'high');
      assert.equal(e.data.knownRanges, 1, 'the usual range of the generated history');
      assert.doesNotMatch(JSON.stringify(e), /198\.51\.100\.\d+[^/\d]|::17/, 'no address, only the range');
    }
    const bursts = events.filter((e) => e.data.reason === 'failure-burst');
    assert.ok(bursts.length >= 1 && bursts.length <= 2, `${bursts.length} burst windows`);
    assert.ok(bursts.every((e) => e.data.appId === played.burst[0]!.appId.toLowerCase()));
    assert.equal(
      bursts.reduce((n, e) => Math.max(n, e.data.failures as number), 0) >= 10,
      true,
      'ten failures within ten minutes',
    );
  });

  test('a third scan, reading the same sign-ins again, records nothing new', async () => {
    const before = (await suspicious()).map((e) => e.id);
    await scan();
    assert.deepEqual(
      (await suspicious()).map((e) => e.id),
      before,
    );
  });
});
