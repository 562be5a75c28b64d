// `lanyard changes` as people and programs read it: the JSON document is the service's ChangesReport, CSV is one
// row per change, the table says why a partial scan lists no removal, and tenant-chosen names stay inert.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Change } from '../../core/changes.ts';
import type { ChangesReport, ScanHeader, ScanReport } from '../../services/changes-service.ts';
import { CSV_COLUMNS, writeChanges } from './changes-output.ts';

const HOSTILE = 'pay\u202erolls\u001b[31m';
const RAW_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Cs}]/u;
const SINCE = '2026-10-25T00:00:00.000Z';

const subject = (publisher: Change['identity']['publisher']): Change['identity'] => ({
  objectId: `o-${publisher}`,
  appId: 'a',
  displayName: HOSTILE,
  kind: 'servicePrincipal',
  publisher,
});
const own: Change = {
  type: 'credential.added',
  identity: subject('own'),
  credential: { keyId: 'k1', type: 'secret', location: 'application', name: HOSTILE, endDateTime: null },
  severity: 'medium',
  summary: `secret "${HOSTILE}" (k1) added`,
};
const vendor: Change = {
  type: 'identity.changed',
  identity: subject('third-party'),
  field: 'displayName',
  before: 'Vendor',
  after: '=HYPERLINK("x")',
  severity: 'info',
  summary: 'display name: "Vendor" → "=HYPERLINK(\\"x\\")"',
};

function header(overrides: Partial<ScanHeader> = {}): ScanHeader {
  return {
    integration: { name: 'prod', tenantId: 't' },
    scanId: 7,
    status: 'succeeded',
    reason: null,
    finishedAt: '2026-11-01T10:00:00.000Z',
    previous: { scanId: 6, finishedAt: '2026-10-31T10:00:00.000Z' },
    baseline: false,
    removalsReported: true,
    counts: { added: 0, changed: 2, removed: 0 },
    ...overrides,
  };
}

async function* stream(...scans: Array<[ScanHeader, Change[]]>): AsyncGenerator<ScanReport> {
  for (const [scan, changes] of scans) {
    yield {
      ...scan,
      changes: (async function* () {
        yield* changes;
      })(),
    };
  }
}

async function written(format: 'table' | 'json' | 'csv', ...scans: Array<[ScanHeader, Change[]]>) {
  let text = '';
  await writeChanges(stream(...scans), format, SINCE, {
    write: async (chunk) => {
      text += chunk;
      return true;
    },
  });
  return text;
}

const partial = header({ scanId: 8, status: 'partial', reason: 'interrupted', removalsReported: false });

test('JSON is one document of the ChangesReport shape, every publisher present, names inert', async () => {
  const text = await written('json', [header(), [own, vendor]], [partial, []]);
  assert.doesNotMatch(text.replace(/\n/g, ''), RAW_UNSAFE);
  const expected: ChangesReport = {
    since: SINCE,
    scans: [
      { ...header(), changes: { own: [own], microsoft: [], 'third-party': [vendor], unknown: [] } },
      { ...partial, changes: { own: [], microsoft: [], 'third-party': [], unknown: [] } },
    ],
  };
  assert.deepEqual(JSON.parse(text), expected);
  assert.deepEqual(JSON.parse(await written('json')), { since: SINCE, scans: [] });
});

test('CSV: one row per change, formulas defused, the scan on every row', async () => {
  const lines = (await written('csv', [header(), [own, vendor]], [partial, []])).trimEnd().split('\n');
  assert.equal(lines[0], CSV_COLUMNS.join(','));
  assert.equal(lines.length, 3);
  assert.match(lines[1]!, /^prod,t,7,succeeded,2026-11-01T10:00:00.000Z,own,medium,credential\.added,/);
  assert.match(lines[2]!, /,displayName,.*,Vendor,"'=HYPERLINK\(""x""\)"$/);
  assert.doesNotMatch(lines.join(''), RAW_UNSAFE);
});

test('the table: a header per scan, changes grouped by publisher, a partial scan says removals are not reported', async () => {
  const failed = header({
    scanId: 9,
    status: 'failed',
    reason: 'Graph was down',
    previous: null,
    counts: null,
  });
  const first = header({
    scanId: 1,
    previous: null,
    baseline: true,
    counts: { added: 160, changed: 0, removed: 0 },
  });
  const text = await written('table', [first, []], [header(), [own, vendor]], [partial, []], [failed, []]);
  assert.doesNotMatch(text.replace(/\n/g, ''), RAW_UNSAFE);
  assert.match(
    text,
    /^prod {2}scan 1 {2}2026-11-01 10:00 UTC {2}succeeded\n {2}the integration's first scan: 160 identities/,
  );
  assert.match(
    text,
    /scan 7 .*succeeded, compared with scan 6 of 2026-10-31 10:00 UTC\n {2}own \(published by this tenant\)\n/,
  );
  assert.match(
    text,
    /\n {4}medium {4}credential\.added {5}SP pay\\u202erolls\\u001b\[31m {2,}secret "pay\\u202e/,
  );
  assert.match(text, /\n {2}third-party \(another organisation\)\n.*\n {4}info {6}identity\.changed {5}SP/);
  assert.match(text, / {2}2 changes\n/);
  assert.match(
    text,
    /scan 8 .*partial.*\n {2}partial \(interrupted\): removals are not reported because the scan was partial\n {2}no changes\n/,
  );
  assert.match(text, /scan 9 .*failed\n {2}failed \(Graph was down\): it recorded nothing\n$/);
  assert.equal(await written('table'), 'No scan finished since 2026-10-25 00:00 UTC.\n');
});

test('changes out of publisher order are a bug, not a silently wrong group', async () => {
  await assert.rejects(written('json', [header(), [vendor, own]]), /out of publisher order/);
});
