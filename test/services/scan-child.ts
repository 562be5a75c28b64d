// A child process for the kill tests: scans one integration of the store given as JSON, saying "committing"
// on stdout just before the scan's commit begins, so the parent can kill it inside the commit.
import { createGraphCollect } from '../../src/services/graph-collect.ts';
import { createScanService } from '../../src/services/scan-service.ts';
import { openStore, type Store } from '../../src/store/index.ts';

const [options = '{}', integration = ''] = process.argv.slice(2);
const store = await openStore(JSON.parse(options));
const announcing: Store['scans'] = {
  ...store.scans,
  async begin(...args) {
    const writer = await store.scans.begin(...args);
    return {
      id: writer.id,
      stage: (facts) => writer.stage(facts),
      async finish(result) {
        process.stdout.write(`committing ${writer.id}\n`);
        const started = Date.now();
        const record = await writer.finish(result);
        process.stdout.write(`committed in ${Date.now() - started} ms\n`);
        return record;
      },
    };
  },
};
const service = createScanService({
  store: { integrations: store.integrations, scans: announcing, lastUse: store.lastUse },
  collect: createGraphCollect(),
  now: () => new Date(),
});
await service.run(integration);
await store.close();
