// RFC 5424 syslog messages, `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG`, framed for a stream
// transport by RFC 6587 octet counting (`<byte length> <message>`), which lets a message hold any byte, line
// breaks included, without a receiver mistaking part of it for the next message.
import type { EventSeverity, LanyardEvent } from '../../core/events.ts';

/** RFC 5424 §6.2.1 facilities, by their usual names. */
export const FACILITIES = {
  kern: 0,
  user: 1,
  mail: 2,
  daemon: 3,
  auth: 4,
  syslog: 5,
  lpr: 6,
  news: 7,
  uucp: 8,
  cron: 9,
  authpriv: 10,
  ftp: 11,
  ntp: 12,
  audit: 13,
  alert: 14,
  clock: 15,
  local0: 16,
  local1: 17,
  local2: 18,
  local3: 19,
  local4: 20,
  local5: 21,
  local6: 22,
  local7: 23,
} as const;
export type FacilityName = keyof typeof FACILITIES;

/** Lanyard's severities as syslog severities (2 critical, 3 error, 4 warning, 5 notice, 6 informational). */
export const SYSLOG_SEVERITY: Record<EventSeverity, number> = {
  critical: 2,
  high: 3,
  medium: 4,
  low: 5,
  info: 6,
};

export interface SyslogHeader {
  /** 0-23. */
  facility: number;
  /** HOSTNAME: this machine's name (made printable ASCII, at most 255). */
  hostname: string;
  /** APP-NAME, at most 48 printable ASCII. */
  appName: string;
  /** PROCID, at most 128 printable ASCII; '-' for none. */
  procId: string;
  /**
   * The SD-ID of the structured data element: a name@<private enterprise number>. The default uses 32473, the
   * number RFC 5612 reserves for documentation, until Lanyard has its own.
   */
  sdId: string;
}

export const DEFAULT_SD_ID = 'lanyard@32473';

/** A header field (RFC 5424 §6: PRINTUSASCII, %d33-126): anything else becomes `_`; empty becomes NILVALUE. */
export function headerToken(value: string, max: number): string {
  if (value.length <= max && /^[\x21-\x7e]+$/.test(value)) return value;
  const clean = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

const PARAM_SPECIAL = /["\\\]\x00-\x1f\x7f-\x9f]/;

/**
 * A PARAM-VALUE: `"`, `\` and `]` escaped with a backslash (§6.3.3). Controls, line breaks included, become
 * U+FFFD: the RFC allows them, but receivers that split on lines or print values would be misled by them.
 */
export function escapeParamValue(value: string): string {
  if (!PARAM_SPECIAL.test(value)) return value;
  return value.replace(/["\\\]]/g, '\\$&').replace(/[\x00-\x1f\x7f-\x9f]/g, '\ufffd');
}

/** Undoes escapeParamValue's escaping (not the replaced controls): for tests and receivers. */
export function unescapeParamValue(value: string): string {
  return value.replace(/\\(["\\\]])/g, '$1');
}

/** The structured data element of an event: ids a receiver can index or deduplicate on without the MSG. */
export function structuredData(event: LanyardEvent, sdId: string): string {
  const params: [string, string | undefined][] = [
    ['eventId', event.id],
    ['type', event.type],
    ['severity', event.severity],
    ['integrationId', event.integration?.id],
    ['tenantId', event.integration?.tenantId],
    ['objectId', event.subject?.objectId],
    ['appId', event.subject?.appId],
    ['displayName', event.subject?.displayName],
    ['keyId', event.credential?.keyId],
  ];
  const body = params
    .filter((p): p is [string, string] => p[1] !== undefined)
    .map(([name, value]) => `${name}="${escapeParamValue(value)}"`)
    .join(' ');
  return `[${sdId} ${body}]`;
}

/** An RFC 3339 TIMESTAMP in UTC with milliseconds, as §6.2.3 allows (uppercase T and Z, ≤ 6 fraction digits). */
export function syslogTimestamp(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '-' : new Date(ms).toISOString();
}

/** One RFC 5424 message (unframed) carrying `msg` (here a CEF line) for `event`. */
export function formatSyslog(event: LanyardEvent, msg: string, header: SyslogHeader): string {
  const pri = header.facility * 8 + (SYSLOG_SEVERITY[event.severity] ?? 6);
  return [
    `<${pri}>1`,
    syslogTimestamp(event.time),
    headerToken(header.hostname, 255),
    headerToken(header.appName, 48),
    headerToken(header.procId, 128),
    headerToken(event.type, 32),
    structuredData(event, header.sdId),
    msg,
  ].join(' ');
}

/** RFC 6587 §3.4.1 octet-counting frame: the message's length in bytes (UTF-8), a space, the message. */
export function frameOctetCounted(message: string): string {
  return `${Buffer.byteLength(message, 'utf8')} ${message}`;
}

export interface ParsedSyslog {
  pri: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** SD-ID → params, values unescaped. */
  structuredData: Record<string, Record<string, string>>;
  msg: string;
}

/** Parses an RFC 5424 message (one frame's payload): for tests and the local receivers. Throws on malformed. */
export function parseSyslog(message: string): ParsedSyslog {
  const head = /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+) /.exec(message);
  if (!head) throw new Error('not an RFC 5424 header');
  let i = head[0].length;
  const sd: Record<string, Record<string, string>> = {};
  if (message[i] === '-') {
    i += 1;
  } else {
    while (message[i] === '[') {
      const idEnd = message.indexOf(' ', i);
      const close = message.indexOf(']', i);
      const id = message.slice(i + 1, idEnd !== -1 && idEnd < close ? idEnd : close);
      i += 1 + id.length;
      const params: Record<string, string> = {};
      while (message[i] === ' ') {
        const eq = message.indexOf('="', i);
        if (eq === -1) throw new Error('malformed SD-PARAM');
        const name = message.slice(i + 1, eq);
        let j = eq + 2;
        let raw = '';
        while (j < message.length && message[j] !== '"') {
          if (message[j] === '\\' && j + 1 < message.length) {
            raw += message[j]! + message[j + 1]!;
            j += 2;
          } else {
            raw += message[j];
            j += 1;
          }
        }
        if (message[j] !== '"') throw new Error('unterminated PARAM-VALUE');
        params[name] = unescapeParamValue(raw);
        i = j + 1;
      }
      if (message[i] !== ']') throw new Error('unterminated SD-ELEMENT');
      i += 1;
      sd[id] = params;
    }
  }
  const msg = message[i] === ' ' ? message.slice(i + 1) : message.slice(i);
  return {
    pri: Number(head[1]),
    version: Number(head[2]),
    timestamp: head[3]!,
    hostname: head[4]!,
    appName: head[5]!,
    procId: head[6]!,
    msgId: head[7]!,
    structuredData: sd,
    msg,
  };
}
