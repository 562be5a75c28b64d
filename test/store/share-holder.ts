// A child process for the share tests, standing in for `lanyard serve`: opens the store given as JSON (argument 1),
// shares it unless argument 2 is `no-share`, creates an integration, prints one "ready" JSON line, then answers
// commands read from stdin, one JSON line per command:
//   begin [integration id]  begins a scan (of its own integration by default) and stages one identity
//   finish                  finishes that scan as succeeded
//   list                    the integrations' names
//   close                   closes the store and exits
import { createInterface } from 'node:readline';
import { openStore, type ScanWriter } from '../../src/store/index.ts';
import { asFacts, identity, newIntegration } from './fixtures.ts';

const store = await openStore(JSON.parse(process.argv[2]!));
const shared = process.argv[3] === 'no-share' ? undefined : await store.share!();
const integration = await store.integrations.create(newIntegration(`held-${process.pid}`));
const reply = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);
reply({ ready: true, pid: process.pid, endpoint: shared?.endpoint, integrationId: integration.id });

let writer: ScanWriter | undefined;
for await (const line of createInterface({ input: process.stdin })) {
  const [command, argument] = line.trim().split(' ');
  try {
    if (command === 'begin') {
      writer = await store.scans.begin(argument ?? integration.id, new Date());
      await writer.stage(asFacts([identity('staged-by-the-holder')]));
      reply({ scanId: writer.id });
    } else if (command === 'finish') {
      const record = await writer!.finish({ status: 'succeeded', summary: {}, finishedAt: new Date() });
      reply({ scanId: record.id, status: record.status });
    } else if (command === 'list') {
      reply({ names: (await store.integrations.list()).map((i) => i.name) });
    } else if (command === 'close') {
      await store.close();
      reply({ closed: true });
      process.exit(0);
    } else {
      reply({ error: 'Error', message: `unknown command ${command}` });
    }
  } catch (error) {
    reply({ error: (error as Error).name, message: (error as Error).message });
  }
}
await store.close();
