import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCef, parseCef } from './cef.ts';
import {
  DEFAULT_SD_ID,
  escapeParamValue,
  FACILITIES,
  formatSyslog,
  frameOctetCounted,
  headerToken,
  parseSyslog,
  type SyslogHeader,
} from './syslog.ts';
import { HOSTILE_NAME, hostileEvent, testEvent } from './test-events.ts';

const header: SyslogHeader = {
  facility: FACILITIES.authpriv,
  hostname: 'lanyard-01.example.com',
  appName: 'lanyard',
  procId: '4242',
  sdId: DEFAULT_SD_ID,
};

test('an RFC 5424 message: PRI, version, UTC timestamp, header fields, structured data, then the CEF MSG', () => {
  const event = testEvent();
  const cef = formatCef(event, { version: '1.0.0' });
  const message = formatSyslog(event, cef, header);
  assert.ok(
    message.startsWith(
      `<83>1 2026-11-01T12:34:56.789Z lanyard-01.example.com lanyard 4242 credential.added [lanyard@32473 eventId="${event.id}"`,
    ),
  );
  const parsed = parseSyslog(message);
  assert.equal(parsed.pri, 10 * 8 + 3, 'authpriv, error (high)');
  assert.equal(parsed.version, 1);
  assert.equal(parsed.timestamp, '2026-11-01T12:34:56.789Z');
  assert.equal(parsed.msgId, 'credential.added');
  assert.deepEqual(parsed.structuredData[DEFAULT_SD_ID], {
    eventId: event.id,
    type: 'credential.added',
    severity: 'high',
    integrationId: event.integration!.id,
    tenantId: event.integration!.tenantId,
    objectId: event.subject!.objectId,
    appId: event.subject!.appId,
    displayName: 'Payroll Sync',
    keyId: event.credential!.keyId,
  });
  assert.equal(parsed.msg, cef);
});

test('severity sets the PRI: critical 2 … info 6', () => {
  const pri = (severity: 'info' | 'low' | 'medium' | 'high' | 'critical') =>
    parseSyslog(formatSyslog(testEvent({ severity }), 'x', { ...header, facility: 16 })).pri;
  assert.deepEqual(
    (['critical', 'high', 'medium', 'low', 'info'] as const).map(pri),
    [130, 131, 132, 133, 134],
  );
});

test('a hostile display name stays inside its PARAM-VALUE and the message stays on one line', () => {
  const event = hostileEvent();
  const message = formatSyslog(event, formatCef(event, { version: '1' }), header);
  assert.ok(!/[\r\n\u001b]/.test(message), 'no raw line break or ESC anywhere');
  const parsed = parseSyslog(message);
  assert.deepEqual(Object.keys(parsed.structuredData), [DEFAULT_SD_ID], 'no forged SD element');
  const sd = parsed.structuredData[DEFAULT_SD_ID]!;
  assert.equal(sd.displayName, HOSTILE_NAME.replace(/[\r\n\u001b]/g, '\ufffd'));
  assert.equal(sd.eventId, event.id);
  assert.equal(parseCef(parsed.msg).extensions.externalId, event.id);
  assert.equal(parseCef(parsed.msg).extensions.duser, HOSTILE_NAME.replace('\u001b', '\ufffd'));
});

test('PARAM-VALUE escaping and header tokens', () => {
  assert.equal(escapeParamValue('a"b\\c]d'), 'a\\"b\\\\c\\]d');
  assert.equal(escapeParamValue('x\ny'), 'x\ufffdy');
  assert.equal(headerToken('my host', 255), 'my_host');
  assert.equal(headerToken('hôte', 255), 'h_te');
  assert.equal(headerToken('', 48), '-');
  assert.equal(headerToken('a'.repeat(60), 48), 'a'.repeat(48));
});

test('octet counting counts UTF-8 bytes, not characters', () => {
  assert.equal(frameOctetCounted('abc'), '3 abc');
  assert.equal(frameOctetCounted('é🚀'), '6 é🚀');
});
