// A child process for the lock tests: opens the store given as JSON, begins a scan, says "ready", holds on.
// A second argument, a number, is the scan's lease in ms.
import { openStore } from '../../src/store/index.ts';
import { asFacts, identity } from './fixtures.ts';

const store = await openStore(JSON.parse(process.argv[2]!));
const integration = await store.integrations.create({
  name: `child-${process.pid}`,
  tenantId: 'contoso.example',
  clientId: '00000000-0000-4000-8000-000000000001',
  auth: { method: 'azure-cli' },
  cloud: {
    name: 'public',
    loginUrl: 'https://l.example',
    graphUrl: 'https://g.example',
    armUrl: 'https://a.example',
  },
});
const leaseMs = process.argv[3] ? Number(process.argv[3]) : undefined;
const writer = await store.scans.begin(integration.id, new Date(), leaseMs ? { leaseMs } : {});
await writer.stage(asFacts([identity('staged-by-the-child')]));
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, scanId: writer.id })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await store.close();
  process.exit(0);
});
