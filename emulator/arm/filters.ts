// The `$filter` forms ARM documents for the lists served here, and nothing else: an unknown form is a 400
// rather than silently ignored, so a client never mistakes an unfiltered list for a filtered one.
//  - roleAssignments: `atScope()`, `principalId eq '{id}'`, or both joined by `and` (facts §9).
//  - roleDefinitions: `atScopeAndBelow()`, `roleName eq '…'`, `type eq 'BuiltInRole' | 'CustomRole'` (facts §9).
//  - resources: `resourceType eq '…'`, `identity/principalId eq '…'` (Resources_List $filter description, SPECS).
import { armErrors } from './errors.ts';

export interface AssignmentFilter {
  atScope: boolean;
  principalId: string | undefined;
}

export interface DefinitionFilter {
  atScopeAndBelow: boolean;
  roleName: string | undefined;
  type: string | undefined;
}

export interface ResourceFilter {
  resourceType: string | undefined;
  principalId: string | undefined;
}

type Clause = { fn: string } | { property: string; value: string };

/** Clauses joined by `and`: `name()` calls or `property eq 'value'` (quotes optional around a GUID). */
function clauses(filter: string): Clause[] {
  return filter
    .trim()
    .split(/\s+and\s+/i)
    .map((part) => {
      const call = /^([A-Za-z]+)\(\)$/.exec(part.trim());
      if (call) return { fn: call[1]!.toLowerCase() };
      const cmp = /^([A-Za-z/]+)\s+eq\s+(?:'((?:[^']|'')*)'|([0-9A-Fa-f-]{36}))$/i.exec(part.trim());
      if (!cmp) throw armErrors.invalidFilter(filter);
      return { property: cmp[1]!.toLowerCase(), value: (cmp[2] ?? cmp[3]!).replace(/''/g, "'") };
    });
}

function parse<T>(filter: string | null, empty: T, apply: (out: T, clause: Clause) => boolean): T {
  const out = { ...empty };
  if (filter === null || filter.trim() === '') return out;
  for (const clause of clauses(filter)) if (!apply(out, clause)) throw armErrors.invalidFilter(filter);
  return out;
}

export function assignmentFilter(filter: string | null): AssignmentFilter {
  return parse<AssignmentFilter>(filter, { atScope: false, principalId: undefined }, (out, c) => {
    if ('fn' in c ? c.fn !== 'atscope' : c.property !== 'principalid') return false;
    if ('fn' in c) out.atScope = true;
    else out.principalId = c.value;
    return true;
  });
}

export function definitionFilter(filter: string | null): DefinitionFilter {
  const empty: DefinitionFilter = { atScopeAndBelow: false, roleName: undefined, type: undefined };
  return parse(filter, empty, (out, c) => {
    if ('fn' in c) {
      out.atScopeAndBelow = c.fn === 'atscopeandbelow';
      return out.atScopeAndBelow;
    }
    if (c.property === 'rolename') out.roleName = c.value;
    else if (c.property === 'type') out.type = c.value;
    else return false;
    return true;
  });
}

export function resourceFilter(filter: string | null): ResourceFilter {
  return parse<ResourceFilter>(filter, { resourceType: undefined, principalId: undefined }, (out, c) => {
    if ('fn' in c) return false;
    if (c.property === 'resourcetype') out.resourceType = c.value;
    else if (c.property === 'identity/principalid') out.principalId = c.value;
    else return false;
    return true;
  });
}
