// ArcSight Common Event Format (CEF 0): `CEF:0|Vendor|Product|Version|EventClassId|Name|Severity|Extension`,
// the payload most SIEMs parse out of a syslog message. Display names and summaries come from the tenant (any
// application owner can set them), so every field is escaped for where it sits: a header field may not contain
// an unescaped `|`, an extension value an unescaped `=`, neither a raw line break.
import type { EventSeverity, LanyardEvent } from '../../core/events.ts';

/** CEF severity, 0-10 (ArcSight: 0-3 low, 4-6 medium, 7-8 high, 9-10 very high). */
export const CEF_SEVERITY: Record<EventSeverity, number> = {
  info: 1,
  low: 3,
  medium: 5,
  high: 8,
  critical: 10,
};

/** CEF's limits on the header's Name and on one extension value, in characters. */
const NAME_MAX = 512;
const VALUE_MAX = 4000;

// C0 and C1 controls and DEL, except the line breaks and tab handled on their own: no CEF parser expects them,
// and one (NUL, ESC) can cut or recolour a message where an analyst reads it.
const OTHER_CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;

// What needs escaping at all: most values (ids, types, names) have none, and are returned as they are.
const HEADER_SPECIAL = /[\\|\x00-\x1f\x7f-\x9f]/;
const EXTENSION_SPECIAL = /[\\=\x00-\x08\x0a-\x1f\x7f-\x9f]/;

function cut(value: string, max: number): string {
  if (value.length <= max) return value;
  // Never between the halves of a surrogate pair.
  const end = /[\ud800-\udbff]/.test(value.charAt(max - 2)) ? max - 2 : max - 1;
  return `${value.slice(0, end)}…`;
}

/** A header field: `\` and `|` escaped; line breaks (not allowed in the header) and controls become spaces. */
export function escapeHeader(value: string): string {
  if (!HEADER_SPECIAL.test(value)) return value;
  return value
    .replace(/[\\|]/g, '\\$&')
    .replace(/\r\n|[\r\n\t]/g, ' ')
    .replace(OTHER_CONTROLS, '\ufffd');
}

/** An extension value: `\` and `=` escaped, line breaks written as `\n` / `\r`, other controls replaced. */
export function escapeExtension(value: string): string {
  if (!EXTENSION_SPECIAL.test(value)) return value;
  return value
    .replace(/[\\=]/g, '\\$&')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(OTHER_CONTROLS, '\ufffd');
}

export interface CefOptions {
  /** Lanyard's version, the header's Device Version. */
  version: string;
}

/** The fields carried as extensions, in this order; absent values are left out. */
function extensions(event: LanyardEvent): [string, string][] {
  const fields: [string, string | undefined][] = [
    ['externalId', event.id],
    ['rt', String(Date.parse(event.time))],
    ['cat', event.type],
    ['msg', event.summary],
    ['duser', event.subject?.displayName],
    ['duid', event.subject?.objectId],
    ['cs1Label', event.integration ? 'integration' : undefined],
    ['cs1', event.integration?.name],
    ['cs2Label', event.integration ? 'tenantId' : undefined],
    ['cs2', event.integration?.tenantId],
    ['cs3Label', event.subject ? 'appId' : undefined],
    ['cs3', event.subject?.appId],
    ['cs4Label', event.credential ? 'credentialKeyId' : undefined],
    ['cs4', event.credential?.keyId],
    ['cs5Label', event.credential?.displayName ? 'credentialName' : undefined],
    ['cs5', event.credential?.displayName ?? undefined],
    ['cs6Label', event.integration ? 'integrationId' : undefined],
    ['cs6', event.integration?.id],
    ['flexString1Label', event.credential ? 'credentialType' : undefined],
    ['flexString1', event.credential?.type],
    ['flexString2Label', event.subject ? 'identityKind' : undefined],
    ['flexString2', event.subject?.kind],
  ];
  return fields.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '');
}

/** One event as a CEF line (no trailing newline). */
export function formatCef(event: LanyardEvent, options: CefOptions): string {
  const header = [
    'CEF:0',
    'Lanyard',
    'Lanyard',
    escapeHeader(options.version),
    escapeHeader(event.type),
    escapeHeader(cut(event.summary, NAME_MAX)),
    String(CEF_SEVERITY[event.severity] ?? 0),
  ].join('|');
  const ext = extensions(event)
    .map(([key, value]) => `${key}=${escapeExtension(cut(value, VALUE_MAX))}`)
    .join(' ');
  return `${header}|${ext}`;
}

/**
 * Parses a CEF line back into its header fields and extensions, undoing the escaping above: for tests and
 * receivers that want to check what they got.
 */
export function parseCef(line: string): { header: string[]; extensions: Record<string, string> } {
  const header: string[] = [];
  let i = 0;
  let field = '';
  // Seven header fields, each ending at an unescaped `|`.
  while (header.length < 7 && i < line.length) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      field += line[i + 1];
      i += 2;
    } else if (c === '|') {
      header.push(field);
      field = '';
      i += 1;
    } else {
      field += c;
      i += 1;
    }
  }
  const rest = line.slice(i);
  const extensions: Record<string, string> = {};
  // A key is a run of word characters right after a space (or the start) and before an unescaped `=`.
  const keyAt = /(?:^| )([A-Za-z0-9_]+)=/g;
  const starts: { key: string; valueStart: number; keyStart: number }[] = [];
  for (let m = keyAt.exec(rest); m; m = keyAt.exec(rest)) {
    // An escaped `=` never matches: the character before it is `\`, not part of [A-Za-z0-9_].
    starts.push({ key: m[1]!, valueStart: m.index + m[0].length, keyStart: m.index });
  }
  for (let k = 0; k < starts.length; k += 1) {
    const s = starts[k]!;
    const end = k + 1 < starts.length ? starts[k + 1]!.keyStart : rest.length;
    extensions[s.key] = unescapeExtension(rest.slice(s.valueStart, end));
  }
  return { header, extensions };
}

function unescapeExtension(value: string): string {
  return value.replace(/\\([\\=nr])/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}
