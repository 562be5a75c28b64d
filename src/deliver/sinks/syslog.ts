// Syslog over TCP or TLS: each event an RFC 5424 message whose MSG is a CEF line, framed by RFC 6587 octet
// counting (RFC 5425 for TLS). One connection is kept and reused; after an error or a close by the receiver,
// the next batch connects again. A batch is written whole, then deliver() waits until the socket has handed
// it to the operating system ("drained"). Plain syslog has no acknowledgement: a receiver that dies after
// that moment can lose the batch silently; choose HEC or Azure Monitor where that matters.
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import type { LanyardEvent } from '../../core/events.ts';
import { formatCef } from '../formats/cef.ts';
import {
  DEFAULT_SD_ID,
  FACILITIES,
  type FacilityName,
  formatSyslog,
  frameOctetCounted,
  type SyslogHeader,
} from '../formats/syslog.ts';
import { DeliveryFailed, type EventSink } from '../sink.ts';
import { networkFailure, type SinkDeps, serialized, type TlsConfig, tlsOptions } from './transport.ts';

export interface SyslogSinkConfig {
  type: 'syslog';
  name: string;
  host: string;
  /** Default 6514 with tls, else 514. */
  port?: number;
  /** Present: TLS (RFC 5425), verifying the receiver unless rejectUnauthorized is false. */
  tls?: TlsConfig;
  /** A facility name or number 0-23; default authpriv (10). */
  facility?: FacilityName | number;
  /** HOSTNAME of the messages; default this machine's name. */
  hostname?: string;
  /** APP-NAME; default lanyard. */
  appName?: string;
  /** The structured data element's SD-ID; default lanyard@32473. */
  sdId?: string;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** How long a batch may take to drain into the socket; default 30 s. */
  writeTimeoutMs?: number;
}

export function facilityNumber(facility: FacilityName | number | undefined): number {
  if (facility === undefined) return FACILITIES.authpriv;
  return typeof facility === 'number' ? facility : FACILITIES[facility];
}

/** The bytes a batch becomes on the wire: each event's octet-counted RFC 5424 message, one after another. */
export function syslogBatch(events: readonly LanyardEvent[], header: SyslogHeader, version: string): Buffer {
  const frames = events.map((event) =>
    frameOctetCounted(formatSyslog(event, formatCef(event, { version }), header)),
  );
  return Buffer.from(frames.join(''), 'utf8');
}

export function createSyslogSink(config: SyslogSinkConfig, deps: SinkDeps = {}): EventSink {
  const secure = config.tls !== undefined;
  const port = config.port ?? (secure ? 6514 : 514);
  const what = `syslog receiver ${secure ? 'tls' : 'tcp'}://${config.host}:${port}`;
  const tlsOpts = tlsOptions(config.tls, readFileSync, `sink "${config.name}"`);
  const header: SyslogHeader = {
    facility: facilityNumber(config.facility),
    hostname: config.hostname ?? deps.hostname ?? os.hostname(),
    appName: config.appName ?? 'lanyard',
    procId: String(process.pid),
    sdId: config.sdId ?? DEFAULT_SD_ID,
  };
  const version = deps.version ?? 'dev';
  const connectTimeoutMs = config.connectTimeoutMs ?? 10_000;
  const writeTimeoutMs = config.writeTimeoutMs ?? 30_000;
  const one = serialized();
  let socket: net.Socket | undefined;
  let closed = false;

  function connect(): Promise<net.Socket> {
    if (socket && !socket.destroyed && socket.writable) return Promise.resolve(socket);
    socket?.destroy();
    socket = undefined;
    return new Promise((resolve, reject) => {
      const s = secure
        ? tls.connect({
            host: config.host,
            port,
            ...tlsOpts,
            // SNI and the name checked: the configured servername, else the host unless it is an address.
            ...(tlsOpts?.servername || !net.isIP(config.host)
              ? { servername: tlsOpts?.servername ?? config.host }
              : {}),
          })
        : net.connect({ host: config.host, port });
      const timer = setTimeout(
        () => s.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })),
        connectTimeoutMs,
      );
      const onError = (error: Error) => {
        clearTimeout(timer);
        s.destroy();
        reject(networkFailure(error, what));
      };
      s.once('error', onError);
      s.once(secure ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.off('error', onError);
        s.setNoDelay(true);
        s.setKeepAlive(true, 30_000);
        // Later errors (a reset while idle) only retire the connection; the next batch opens another.
        s.on('error', (error) =>
          deps.logger?.debug(
            { sink: config.name, code: (error as { code?: string }).code },
            'syslog connection error',
          ),
        );
        s.on('close', () => {
          if (socket === s) socket = undefined;
        });
        // Receivers send nothing; whatever comes is read and dropped so it cannot fill a buffer.
        s.on('data', () => undefined);
        socket = s;
        resolve(s);
      });
    });
  }

  function write(s: net.Socket, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => s.destroy(Object.assign(new Error('write timed out'), { code: 'ETIMEDOUT' })),
        writeTimeoutMs,
      );
      // The callback runs once the whole buffer left the stream for the kernel, or with the error that
      // destroyed the socket first.
      s.write(data, (error) => {
        clearTimeout(timer);
        if (error) {
          s.destroy();
          reject(networkFailure(error, what));
        } else resolve();
      });
    });
  }

  return {
    name: config.name,
    deliver(events: readonly LanyardEvent[]) {
      return one(async () => {
        if (closed) throw new DeliveryFailed(`sink "${config.name}" is closed`, { retryable: true });
        if (events.length === 0) return;
        const data = syslogBatch(events, header, version);
        const s = await connect();
        await write(s, data);
      });
    },
    close() {
      return one(async () => {
        closed = true;
        const s = socket;
        socket = undefined;
        if (!s || s.destroyed) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            s.destroy();
            resolve();
          }, 2_000);
          s.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          s.end();
        });
      });
    },
  };
}
