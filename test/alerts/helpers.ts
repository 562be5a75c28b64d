// Test support for the alert channels: a real SMTP server in-process (smtp-server), local HTTP receivers
// standing in for Slack and Teams webhooks, a small MIME reader, and alerts built through dueAlerts.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { type Alert, type AlertInput, dueAlerts } from '../../src/core/alerts.ts';
import type { Identity } from '../../src/core/inventory.ts';
import { credential, identity, owner } from '../../src/core/risk/test-fixtures.ts';

export const NOW = new Date('2026-11-01T00:00:00Z');
export const DAY_MS = 86_400_000;
export const inDays = (days: number, from = NOW) => new Date(from.getTime() + days * DAY_MS).toISOString();
export const INTEGRATION = { id: 'int1', name: 'contoso', fallbackEmail: 'secops@contoso.com' };
/** A display name an attacker who owns an app could set: markup of every medium, a newline, a bidi override. */
export const HOSTILE_NAME =
  '<script>alert(1)</script> & <!channel> **[click](https://evil.example)** {{DATE(2017-02-14T06:00:00Z)}}\nBcc: x@y.com \u202Egpj.exe';

export function app(overrides: Partial<Identity> & { days?: number | null; keyId?: string } = {}): Identity {
  const { days = 20, keyId = 'k1', ...rest } = overrides;
  return identity({
    objectId: 'app-obj',
    kind: 'application',
    appId: 'app-id',
    displayName: 'Payroll',
    credentials: [
      credential({ keyId, displayName: 'deploy', endDateTime: days === null ? null : inDays(days) }),
    ],
    ...rest,
  });
}

export const ana = owner();
export const bo = owner({ objectId: 'o2', displayName: 'Bo', userPrincipalName: 'bo@contoso.com' });

export function alertsFor(identities: Identity[], overrides: Partial<AlertInput> = {}): Alert[] {
  return dueAlerts({ integration: INTEGRATION, identities, now: NOW, alreadySent: new Set(), ...overrides });
}

// ---------------------------------------------------------------- SMTP

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  mails: ReceivedMail[];
  logins: string[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on an ephemeral port: plain connection (the client sets ignoreTLS), AUTH PLAIN/LOGIN
 * required when `password` is given, recipients refused when `refuse` says so.
 */
export async function startSmtpServer(
  options: { user?: string; password?: string; refuse?: (address: string) => boolean } = {},
): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    authOptional: options.password === undefined,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) {
        logins.push(auth.username ?? '');
        callback(null, { user: auth.username });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address)) {
        const error = new Error(`mailbox ${address.address} unavailable`) as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    mails,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------- MIME (just enough for nodemailer's output)

function decodeEncodedWords(value: string): string {
  return value.replace(
    /=\?([^?]+)\?([bqBQ])\?([^?]*)\?=\s*(?==\?)?/g,
    (_m, _charset, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_x, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              ),
            'latin1',
          ).toString('utf8'),
  );
}

function headersOf(block: string): Map<string, string> {
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function decodeBody(body: string, encoding: string | undefined): string {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return Buffer.from(
        body
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-F]{2})/gi, (_x, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
        'latin1',
      ).toString('utf8');
    default:
      return body;
  }
}

export interface ParsedMail {
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
}

/** Headers, decoded subject, and the decoded text/plain and text/html parts of a multipart/alternative mail. */
export function parseMail(raw: string): ParsedMail {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = headersOf(raw.slice(0, split));
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const subject = decodeEncodedWords(headers.get('subject') ?? '');
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1];
  let text = '';
  let html = '';
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [body];
  for (const part of parts) {
    const at = part.search(/\r?\n\r?\n/);
    const partHeaders = boundary ? headersOf(part.slice(0, at)) : headers;
    const content = decodeBody(
      boundary ? part.slice(at).replace(/^\r?\n\r?\n/, '') : part,
      partHeaders.get('content-transfer-encoding'),
    );
    const type = partHeaders.get('content-type') ?? '';
    if (type.startsWith('text/plain')) text = content;
    if (type.startsWith('text/html')) html = content;
  }
  return { headers, subject, text, html };
}

// ---------------------------------------------------------------- webhook receivers

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

export interface Receiver {
  /** The webhook URL, with a secret path like the real ones. */
  url: string;
  secret: string;
  requests: ReceivedRequest[];
  /** What to answer to the next requests, in order; the last one repeats. */
  answers: Array<{ status: number; body?: string; headers?: Record<string, string> }>;
  close(): Promise<void>;
}

export async function startReceiver(
  answers: Receiver['answers'] = [{ status: 200, body: 'ok' }],
  secret = 'T0000/B0000/XXXXsecretTOKEN',
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: Receiver = { url: '', secret, requests, answers, close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
        json,
      });
      const answer = receiver.answers.length > 1 ? receiver.answers.shift()! : receiver.answers[0]!;
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/services/${secret}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** Every string anywhere in a JSON value, with its path. */
export function stringsIn(value: unknown, path = '$'): Array<{ path: string; text: string }> {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringsIn(item, `${path}[${index}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => stringsIn(item, `${path}.${key}`));
  }
  return [];
}
