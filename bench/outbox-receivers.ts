// The benchmark's receivers in a process of their own (bench/outbox.ts forks it), so parsing what arrives does
// not take the relay's CPU: it answers on IPC with where it listens and, when asked, how many events arrived.
import { startHecReceiver, startSyslogReceiver } from '../test/deliver/receivers.ts';

const token = process.argv[2] ?? '';
const hec = await startHecReceiver({ token, keepEvents: false });
const syslog = await startSyslogReceiver({ keepMessages: false });
process.send?.({ hecUrl: hec.url, syslogHost: syslog.host, syslogPort: syslog.port });
process.on('message', async (message: { ask: 'counts' | 'refuse-once' | 'close'; seq: number }) => {
  if (message.ask === 'refuse-once')
    hec.respondWith({ status: 503, body: '{"text":"Server is busy","code":9}' });
  if (message.ask === 'close') {
    await Promise.all([hec.close(), syslog.close()]);
    process.send?.({ seq: message.seq, closed: true }, () => process.exit(0));
    return;
  }
  process.send?.({ seq: message.seq, hec: hec.count, syslog: syslog.count });
});
