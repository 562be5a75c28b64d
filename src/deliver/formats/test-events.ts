// Events for the deliver tests, among them one whose tenant-controlled names try every escape the formats
// must hold against: line breaks (a forged second message), `|` and `=` (forged CEF fields), `]` and `"`
// (forged structured data), a backslash, ESC, and non-ASCII text that must arrive intact.
import { randomUUID } from 'node:crypto';
import type { LanyardEvent } from '../../core/events.ts';

export const HOSTILE_NAME =
  'Evil|App\\ cs1=forged msg=x\n<13>1 - fake - - - - forged\r\n]" [x@1 a="b"] \u001b[31mred ünïcødé 名前 🚀';

export function testEvent(overrides: Partial<LanyardEvent> = {}): LanyardEvent {
  return {
    id: randomUUID(),
    type: 'credential.added',
    time: '2026-11-01T12:34:56.789Z',
    severity: 'high',
    integration: {
      id: '0b9b7c1e-0000-4000-8000-000000000001',
      name: 'contoso-prod',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    },
    subject: {
      objectId: '11111111-2222-4333-8444-555555555555',
      appId: '66666666-7777-4888-9999-000000000000',
      displayName: 'Payroll Sync',
      kind: 'servicePrincipal',
    },
    credential: { keyId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', type: 'password', displayName: 'ci secret' },
    summary: 'A client secret was added to Payroll Sync',
    data: { checkId: 'credential-added', endDateTime: '2027-11-01T00:00:00Z' },
    ...overrides,
  };
}

export function hostileEvent(overrides: Partial<LanyardEvent> = {}): LanyardEvent {
  const base = testEvent();
  return testEvent({
    subject: { ...base.subject!, displayName: HOSTILE_NAME },
    credential: { ...base.credential!, displayName: HOSTILE_NAME },
    summary: `A client secret was added to ${HOSTILE_NAME}`,
    ...overrides,
  });
}

export function manyEvents(count: number, overrides: Partial<LanyardEvent> = {}): LanyardEvent[] {
  return Array.from({ length: count }, () => testEvent(overrides));
}
