// byAppIds: an application and its service principal found together by appId, in one integration, now or as of
// a scan (the risk scores pair them a page at a time with it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Store } from '../../src/store/index.ts';
import { forEachDatabase } from '../support/databases.ts';
import { asFacts, identity, newIntegration, scan } from './fixtures.ts';

const APP_ID = '6f1c2a3b-0000-4000-8000-00000000a001';

forEachDatabase('store inventory by app id', (db) => {
  let store: Store;
  let contoso: string;
  let fabrikam: string;
  let firstScan: number;
  const objects = (list: { objectId: string }[]) => list.map((i) => i.objectId);

  before(async () => {
    store = await db.open();
    contoso = (await store.integrations.create(newIntegration('contoso'))).id;
    fabrikam = (await store.integrations.create(newIntegration('fabrikam'))).id;
    const pair = [
      identity('payroll-app', { appId: APP_ID }),
      identity('payroll-sp', {
        appId: APP_ID,
        kind: 'servicePrincipal',
        servicePrincipalType: 'Application',
      }),
      identity('other'),
    ];
    firstScan = (await scan(store, contoso, asFacts(pair))).id;
    // The service principal is deleted in the next scan; the application stays.
    await scan(store, contoso, asFacts([pair[0]!, pair[2]!]), { removal: { allowMass: true } });
    await scan(store, fabrikam, asFacts([identity('fabrikam-app', { appId: APP_ID })]));
  });
  after(() => store.close());

  test('finds every identity of the integration with those app ids, in any case', async () => {
    assert.deepEqual(objects(await store.inventory.byAppIds(contoso, [APP_ID.toUpperCase(), 'app-other'])), [
      'other',
      'payroll-app',
    ]);
    assert.deepEqual(objects(await store.inventory.byAppIds(fabrikam, [APP_ID])), ['fabrikam-app']);
  });

  test('as of a scan: the partner as it was then', async () => {
    const then = await store.inventory.byAppIds(contoso, [APP_ID], { asOf: { scanId: firstScan } });
    assert.deepEqual(objects(then), ['payroll-app', 'payroll-sp']);
  });

  test('nothing asked, an unknown integration, or ids that cannot be app ids: nothing found', async () => {
    assert.deepEqual(await store.inventory.byAppIds(contoso, []), []);
    assert.deepEqual(await store.inventory.byAppIds('00000000-0000-4000-8000-000000000000', [APP_ID]), []);
    assert.deepEqual(await store.inventory.byAppIds(contoso, [`${APP_ID},app-other`]), []);
  });
});
