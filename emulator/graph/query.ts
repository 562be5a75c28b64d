// Parses Graph's OData system query options ($select, $top, $expand, $filter, $count, $skiptoken) and the
// ConsistencyLevel header into one value the route handlers read; malformed options become Graph's 400s.
import { GraphError, graphErrors } from './errors.ts';

export interface ExpandOption {
  /** As written by the client; resolved case-insensitively against the type's navigation properties. */
  name: string;
  select?: string[];
  /** Every nested option as written (`$select=…`, `$filter=…`); whether any is allowed is a Graph reading. */
  nested: string[];
}

export interface ParsedQuery {
  select?: string[];
  top?: number;
  skiptoken?: string;
  /** Delta functions only (graph/delta.ts); empty means an initial round, as a forced resync's Location has it. */
  deltatoken?: string;
  expand: ExpandOption[];
  filter?: string;
  /** `$count=true` was asked for. */
  count: boolean;
  /** `ConsistencyLevel: eventual` header present: advanced queries allowed. */
  eventual: boolean;
}

/** Graph's page bounds for directory collections (facts §2: default 100, 1–999). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 999;

export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseSelect(raw: string): string[] {
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (names.length === 0) throw graphErrors.invalidSelect();
  return names;
}

function parseExpand(raw: string): ExpandOption[] {
  return splitTopLevel(raw, ',').map((item) => {
    const open = item.indexOf('(');
    if (open < 0) return { name: item, nested: [] };
    if (!item.endsWith(')')) throw graphErrors.badRequest(`Invalid $expand clause '${item}'.`);
    const name = item.slice(0, open).trim();
    const option: ExpandOption = { name, nested: splitTopLevel(item.slice(open + 1, -1), ';') };
    for (const nested of option.nested) {
      const eq = nested.indexOf('=');
      // Other nested options are refused by the expander, after the reading that may reject them all.
      if (eq > 0 && nested.slice(0, eq).trim().toLowerCase() === '$select') {
        option.select = parseSelect(nested.slice(eq + 1));
      }
    }
    return option;
  });
}

function parseTop(raw: string, max: number): number {
  const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < 1 || value > max) throw graphErrors.invalidPageSize(raw, max);
  return value;
}

/** `maxTop`: the route's largest page (directory collections 999; sign-in logs 1,000, facts §6.3). */
export function parseQuery(
  params: URLSearchParams,
  headers: Record<string, string | undefined>,
  maxTop: number = MAX_PAGE_SIZE,
): ParsedQuery {
  const query: ParsedQuery = {
    expand: [],
    count: false,
    eventual: (headers.consistencylevel ?? '').trim().toLowerCase() === 'eventual',
  };
  for (const [name, value] of params) {
    switch (name.toLowerCase()) {
      case '$select':
        query.select = parseSelect(value);
        break;
      case '$top':
        query.top = parseTop(value, maxTop);
        break;
      case '$skiptoken':
        query.skiptoken = value;
        break;
      case '$deltatoken':
        query.deltatoken = value;
        break;
      case '$expand':
        query.expand.push(...parseExpand(value));
        break;
      case '$filter':
        if (value.trim() === '') throw graphErrors.invalidFilter('the $filter expression is empty.');
        query.filter = value;
        break;
      case '$count':
        if (value !== 'true' && value !== 'false') {
          throw graphErrors.badRequest(`Invalid value '${value}' for $count: expected true or false.`);
        }
        query.count = value === 'true';
        break;
      case '$skip':
        throw graphErrors.skipNotSupported();
      case '$search':
      case '$orderby':
        throw graphErrors.emulatorUnsupported(`The query option '${name}'`);
      case '$format':
        break;
      default:
        if (name.startsWith('$'))
          throw new GraphError(400, 'BadRequest', `Query option '${name}' is not supported.`);
    }
  }
  return query;
}
