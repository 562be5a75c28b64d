import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeExtension, escapeHeader, formatCef, parseCef } from './cef.ts';
import { HOSTILE_NAME, hostileEvent, testEvent } from './test-events.ts';

const ESC = '\u001b';

test('a CEF line has the seven header fields and the identity, integration and event id as extensions', () => {
  const event = testEvent();
  const line = formatCef(event, { version: '1.2.3' });
  assert.ok(
    line.startsWith(
      'CEF:0|Lanyard|Lanyard|1.2.3|credential.added|A client secret was added to Payroll Sync|8|',
    ),
  );
  const { header, extensions } = parseCef(line);
  assert.deepEqual(header, [
    'CEF:0',
    'Lanyard',
    'Lanyard',
    '1.2.3',
    'credential.added',
    'A client secret was added to Payroll Sync',
    '8',
  ]);
  assert.equal(extensions.externalId, event.id);
  assert.equal(extensions.rt, String(Date.parse('2026-11-01T12:34:56.789Z')));
  assert.equal(extensions.cat, 'credential.added');
  assert.equal(extensions.duser, 'Payroll Sync');
  assert.equal(extensions.duid, event.subject!.objectId);
  assert.equal(extensions.cs1Label, 'integration');
  assert.equal(extensions.cs1, 'contoso-prod');
  assert.equal(extensions.cs2Label, 'tenantId');
  assert.equal(extensions.cs2, event.integration!.tenantId);
  assert.equal(extensions.cs3, event.subject!.appId);
  assert.equal(extensions.cs4, event.credential!.keyId);
  assert.equal(extensions.flexString1, 'password');
  assert.equal(extensions.flexString2, 'servicePrincipal');
});

test('severities map onto CEF 0-10', () => {
  const sev = (severity: 'info' | 'low' | 'medium' | 'high' | 'critical') =>
    parseCef(formatCef(testEvent({ severity }), { version: '1' })).header[6];
  assert.deepEqual((['info', 'low', 'medium', 'high', 'critical'] as const).map(sev), [
    '1',
    '3',
    '5',
    '8',
    '10',
  ]);
});

test('hostile display names cannot forge header fields, extensions or a second line', () => {
  const event = hostileEvent();
  const line = formatCef(event, { version: '1.0|x' });
  assert.ok(!/[\r\n]/.test(line), 'no raw line break');
  assert.ok(!line.includes(ESC), 'no raw ESC');
  // Exactly seven unescaped pipes up to the extensions (a pipe needs no escaping in an extension value).
  const head = line.slice(0, line.indexOf('|externalId=') + 1);
  const unescapedPipes = head.match(/(?<!\\)(?:\\\\)*\|/g) ?? [];
  assert.equal(unescapedPipes.length, 7);
  const { header, extensions } = parseCef(line);
  assert.equal(header[3], '1.0|x');
  // The header has no line breaks: they became spaces there.
  assert.equal(
    header[5],
    `A client secret was added to ${HOSTILE_NAME}`.replace(/\r\n|[\r\n]/g, ' ').replace(ESC, '\ufffd'),
  );
  // The extension keeps them, escaped, and gives them back.
  assert.equal(extensions.duser, HOSTILE_NAME.replace(ESC, '\ufffd'));
  assert.equal(extensions.cs5, HOSTILE_NAME.replace(ESC, '\ufffd'));
  // The forged `cs1=forged` and `msg=x` stayed inside the values.
  assert.equal(extensions.cs1, 'contoso-prod');
  assert.equal(extensions.msg, `A client secret was added to ${HOSTILE_NAME.replace(ESC, '\ufffd')}`);
  assert.deepEqual(
    Object.keys(extensions).filter((k) => k === 'forged' || k === 'a'),
    [],
  );
  assert.ok(line.includes('ünïcødé 名前 🚀'), 'non-ASCII text passes through unchanged');
});

test('escaping rules, one by one', () => {
  assert.equal(escapeHeader('a|b\\c'), 'a\\|b\\\\c');
  assert.equal(escapeHeader('a\r\nb\nc\td'), 'a b c d');
  assert.equal(escapeExtension('a=b\\c'), 'a\\=b\\\\c');
  assert.equal(escapeExtension('a\r\nb'), 'a\\r\\nb');
  assert.equal(escapeExtension('pipes | stay'), 'pipes | stay');
  assert.equal(escapeExtension(`nul\u0000del\u007f`), 'nul\ufffddel\ufffd');
});

test('a long summary is cut to 512 characters in the header but kept (to 4000) in msg', () => {
  const summary = `${'x'.repeat(600)}🚀`;
  const { header, extensions } = parseCef(formatCef(testEvent({ summary }), { version: '1' }));
  assert.equal(header[5]!.length, 512);
  assert.ok(header[5]!.endsWith('…'));
  assert.equal(extensions.msg, summary);
});

test('an event about no identity or credential leaves those fields out', () => {
  const event = testEvent({
    type: 'scan.finished',
    integration: null,
    subject: undefined,
    credential: undefined,
  });
  const { extensions } = parseCef(formatCef(event, { version: '1' }));
  assert.deepEqual(Object.keys(extensions).sort(), ['cat', 'externalId', 'msg', 'rt']);
});
