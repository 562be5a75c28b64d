// Writes what each scan changed (`lanyard changes`) as it streams from the service: a table per scan grouped by
// publisher, one JSON document (the shape of ChangesReport), or CSV with one row per change. Names, summaries and
// reasons come from the tenant: every one goes through inert text.
import type { Change } from '../../core/changes.ts';
import { InvalidInput } from '../../core/errors.ts';
import { csvCell, inert, inertJson, inertShort } from '../../core/inert-text.ts';
import type { Publisher } from '../../core/inventory.ts';
import { PUBLISHERS, type ScanHeader, type ScanReport } from '../../services/changes-service.ts';
import type { Output } from '../output.ts';

export const CHANGES_FORMATS = ['table', 'json', 'csv'] as const;
export type ChangesFormat = (typeof CHANGES_FORMATS)[number];

export function parseChangesFormat(value: string): ChangesFormat {
  if (!(CHANGES_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidInput(`unknown format "${value}"`, { fix: `use --format ${CHANGES_FORMATS.join('|')}` });
  }
  return value as ChangesFormat;
}

/** The seed guide's words for who published an identity. */
const PUBLISHER_LABEL: Record<Publisher, string> = {
  own: 'own (published by this tenant)',
  microsoft: 'Microsoft (first-party)',
  'third-party': 'third-party (another organisation)',
  unknown: 'unknown publisher',
};

/** Where the changes of one scan are in publisher order; a change out of it would land in the wrong group. */
function groupIndex(change: Change, current: number): number {
  const index = PUBLISHERS.indexOf(change.identity.publisher);
  const at = index < 0 ? PUBLISHERS.length - 1 : index;
  if (at < current) throw new Error(`changes out of publisher order: ${change.identity.publisher}`);
  return at;
}

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function scanLines(scan: ScanHeader): string[] {
  const compared = scan.previous
    ? `, compared with scan ${scan.previous.scanId} of ${when(scan.previous.finishedAt)}`
    : '';
  const lines = [
    `${inert(scan.integration.name)}  scan ${scan.scanId}  ${when(scan.finishedAt)}  ${scan.status}${compared}`,
  ];
  const why = scan.reason ? ` (${inert(scan.reason)})` : '';
  if (scan.status === 'failed') lines.push(`  failed${why}: it recorded nothing`);
  else if (scan.status === 'partial')
    lines.push(`  partial${why}: removals are not reported because the scan was partial`);
  if (scan.baseline) {
    lines.push(
      `  the integration's first scan: ${scan.counts?.added ?? 0} identities inventoried, nothing to compare with`,
    );
  }
  return lines;
}

const KIND = { application: 'app', servicePrincipal: 'SP' } as const;
const WIDTHS = { severity: 8, type: 19, identity: 36 };
const SUMMARY_MAX = 200;

function changeLine(change: Change): string {
  const identity = inertShort(
    `${KIND[change.identity.kind]} ${change.identity.displayName}`,
    WIDTHS.identity,
  );
  return [
    '    ',
    change.severity.padEnd(WIDTHS.severity),
    '  ',
    change.type.padEnd(WIDTHS.type),
    '  ',
    identity.padEnd(WIDTHS.identity),
    '  ',
    inertShort(change.summary, SUMMARY_MAX),
  ]
    .join('')
    .trimEnd();
}

async function writeTable(reports: AsyncIterable<ScanReport>, since: string, out: Output): Promise<void> {
  let scans = 0;
  for await (const { changes, ...scan } of reports) {
    if (!(await out.write(`${scans++ ? '\n' : ''}${scanLines(scan).join('\n')}\n`))) return;
    let group = -1;
    let count = 0;
    for await (const change of changes) {
      const at = groupIndex(change, group);
      if (at !== group) {
        group = at;
        const header = `  ${PUBLISHER_LABEL[PUBLISHERS[at]!]}\n    ${'SEVERITY'.padEnd(WIDTHS.severity)}  ${'CHANGE'.padEnd(WIDTHS.type)}  ${'IDENTITY'.padEnd(WIDTHS.identity)}  WHAT\n`;
        if (!(await out.write(header))) return;
      }
      if (!(await out.write(`${changeLine(change)}\n`))) return;
      count++;
    }
    if (scan.status !== 'failed' && !scan.baseline) {
      if (!(await out.write(count ? `  ${count} change${count === 1 ? '' : 's'}\n` : '  no changes\n')))
        return;
    }
  }
  if (!scans) await out.write(`No scan finished since ${when(since)}.\n`);
}

const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

/** One document, written as it streams: `{ since, scans: [{ ...header, changes: { own: [...], ... } }] }`. */
async function writeJson(reports: AsyncIterable<ScanReport>, since: string, out: Output): Promise<void> {
  if (!(await out.write(`{\n  "since": ${JSON.stringify(since)},\n  "scans": [`))) return;
  let scans = 0;
  for await (const { changes, ...scan } of reports) {
    // The header's fields, its closing brace left open for the changes.
    const head = indent(inertJson(scan, 2).replace(/\n}$/, ''), '    ');
    if (!(await out.write(`${scans++ ? ',' : ''}\n    ${head},\n      "changes": {`))) return;
    let group = -1;
    let inGroup = 0;
    const openUpTo = async (target: number): Promise<boolean> => {
      while (group < target) {
        const close = group < 0 ? '' : inGroup ? '\n        ],' : '],';
        group++;
        inGroup = 0;
        if (!(await out.write(`${close}\n        ${JSON.stringify(PUBLISHERS[group])}: [`))) return false;
      }
      return true;
    };
    for await (const change of changes) {
      if (!(await openUpTo(groupIndex(change, group)))) return;
      const element = indent(inertJson(change, 2), '          ');
      if (!(await out.write(`${inGroup++ ? ',' : ''}\n          ${element}`))) return;
    }
    if (!(await openUpTo(PUBLISHERS.length - 1))) return;
    if (!(await out.write(`${inGroup ? '\n        ' : ''}]\n      }\n    }`))) return;
  }
  await out.write(scans ? '\n  ]\n}\n' : ']\n}\n');
}

export const CSV_COLUMNS = [
  'integration',
  'tenantId',
  'scanId',
  'scanStatus',
  'finishedAt',
  'publisher',
  'severity',
  'type',
  'kind',
  'displayName',
  'objectId',
  'appId',
  'item',
  'summary',
  'before',
  'after',
] as const;

/** What the change is about within its identity: a credential's key, an owner's id, a permission, a field. */
function itemOf(change: Change): string {
  switch (change.type) {
    case 'credential.added':
    case 'credential.removed':
    case 'credential.expiring':
      return change.credential.keyId;
    case 'owner.added':
    case 'owner.removed':
      return change.owner.objectId;
    case 'permission.granted':
    case 'permission.revoked':
      return change.grant.permission;
    case 'identity.changed':
      return change.field;
    default:
      return '';
  }
}

function beforeAfter(change: Change): [string, string] {
  if (change.type === 'identity.changed') return [String(change.before ?? ''), String(change.after ?? '')];
  if (change.type === 'risk.changed') return [change.before.level, change.after.level];
  return ['', ''];
}

async function writeCsv(reports: AsyncIterable<ScanReport>, out: Output): Promise<void> {
  if (!(await out.write(`${CSV_COLUMNS.join(',')}\n`))) return;
  for await (const { changes, ...scan } of reports) {
    for await (const change of changes) {
      const { identity } = change;
      const cells = [
        scan.integration.name,
        scan.integration.tenantId,
        scan.scanId,
        scan.status,
        scan.finishedAt,
        identity.publisher,
        change.severity,
        change.type,
        identity.kind,
        identity.displayName,
        identity.objectId,
        identity.appId,
        itemOf(change),
        change.summary,
        ...beforeAfter(change),
      ];
      if (!(await out.write(`${cells.map(csvCell).join(',')}\n`))) return;
    }
  }
}

/** Writes the scans and their changes as they arrive; stops quietly once the reader has gone. */
export async function writeChanges(
  reports: AsyncIterable<ScanReport>,
  format: ChangesFormat,
  since: string,
  out: Output,
): Promise<void> {
  if (format === 'json') return writeJson(reports, since, out);
  if (format === 'csv') return writeCsv(reports, out);
  return writeTable(reports, since, out);
}
