import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hecBody, toHecEnvelope } from './splunk-hec.ts';
import { HOSTILE_NAME, hostileEvent, testEvent } from './test-events.ts';

test('an HEC envelope: epoch seconds with ms, host, fixed source and sourcetype, the event itself', () => {
  const event = testEvent();
  assert.deepEqual(toHecEnvelope(event, { host: 'lanyard-01' }), {
    time: 1793536496.789,
    host: 'lanyard-01',
    source: 'lanyard',
    sourcetype: 'lanyard:event',
    event,
  });
  assert.equal(toHecEnvelope(event, { host: 'h', index: 'security' }).index, 'security');
});

test('a batch body is one JSON object per line, and hostile names stay inside their JSON string', () => {
  const events = [testEvent(), hostileEvent(), testEvent()];
  const body = hecBody(events, { host: 'h' });
  const lines = body.split('\n');
  assert.equal(lines.length, 3);
  const parsed = lines.map((l) => JSON.parse(l));
  assert.deepEqual(
    parsed.map((p) => p.event.id),
    events.map((e) => e.id),
  );
  assert.equal(parsed[1].event.subject.displayName, HOSTILE_NAME);
});
