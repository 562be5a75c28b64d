// A `lanyard worker` for the kill test: takes scan jobs from the store given as JSON, with short timings and a
// short scan lease, and says "staging <scan id>" on stdout once its scan has staged facts, so the parent can kill
// it mid-scan.

import { createCliScanService } from '../../src/cli/scan-wiring.ts';
import { openJobs } from '../../src/jobs/boss.ts';
import { createScanWorker } from '../../src/jobs/scan-worker.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { FAST } from './helpers.ts';

const [options = '{}', leaseMs = '3000'] = process.argv.slice(2);
const store = await openStore(JSON.parse(options));
const announcing: Store = {
  ...store,
  scans: {
    ...store.scans,
    async begin(integrationId, startedAt, begin) {
      // A short lease, so the next worker need not wait a minute to tell this process is gone.
      const writer = await store.scans.begin(integrationId, startedAt, {
        ...begin,
        leaseMs: Number(leaseMs),
      });
      let announced = false;
      return {
        id: writer.id,
        async stage(facts) {
          await writer.stage(facts);
          if (!announced) process.stdout.write(`staging ${writer.id}\n`);
          announced = true;
        },
        finish: (result) => writer.finish(result),
      };
    },
  },
};
const jobs = await openJobs(store, { role: 'worker', timings: FAST });
const worker = createScanWorker({
  jobs,
  store,
  scans: createCliScanService(announcing, { access: false, signIns: false }),
});
await worker.start();
process.stdout.write('ready\n');
