// Splits a scan's share of the emulator's request log by what each request was for: the inventory, the blast
// radius (Graph's access reads, ARM's RBAC reads), the managed identities ARM holds, and last use (Graph's
// reports limit). Each part counts requests on the wire and as Graph counts them, RU and 429s.
import type { RequestRecord } from '../scan/emulator-control.ts';

export type Part = 'inventory' | 'accessGraph' | 'accessArm' | 'armIdentities' | 'lastUse';
export const PARTS: readonly Part[] = ['inventory', 'accessGraph', 'accessArm', 'armIdentities', 'lastUse'];

export interface PartStats {
  /** HTTP requests received: a `$batch` counts once, its items not at all. */
  httpRequests: number;
  /** As Graph's limits count them: every `$batch` item once, the envelope not at all (ARM: as HTTP). */
  graphRequests: number;
  /**
   * RU drawn from Graph's budget (5,000 / 10 s). The reports and the sign-in log draw on their own limit of 5
   * requests / 10 s instead (the emulator logs an RU figure for them that no budget takes), ARM has none.
   */
  resourceUnits: number;
  throttled: number;
  objects: number;
  /** Emulator clock (epoch ms) of the part's first and last request. */
  firstAt: number | null;
  lastAt: number | null;
}

const GRAPH = /^\/(v1\.0|beta)\//i;
const BATCH = /^\/(v1\.0|beta)\/\$batch/i;
const LAST_USE = /^\/(v1\.0|beta)\/(reports|auditLogs)\//i;
const ACCESS_PATH =
  /^\/(v1\.0|beta)\/(servicePrincipals[^?]*\/appRole(AssignedTo|Assignments)|oauth2PermissionGrants|roleManagement\/)/i;
/** The access reader's own list of service principals: the one that selects their app roles. */
const RESOURCES_LIST = /^\/(v1\.0|beta)\/servicePrincipals\?.*appRoles/i;
const ARM_IDENTITIES = /\/Microsoft\.ManagedIdentity\//i;
/**
 * What the collector sends inside `$batch`: per-object reads, far-end reads (`$filter=id in`), and directory
 * role assignments per role definition (access.ts, where Graph refuses the unfiltered list).
 */
const BATCHABLE =
  /^\/(v1\.0|beta)\/(applications|servicePrincipals)\/[^/?]+\/|[?&]\$filter=(id(%20| )in|roleDefinitionId)/i;

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function partOf(path: string): Part {
  if (!GRAPH.test(path)) return ARM_IDENTITIES.test(path) ? 'armIdentities' : 'accessArm';
  if (LAST_USE.test(path)) return 'lastUse';
  if (ACCESS_PATH.test(path) || RESOURCES_LIST.test(decoded(path))) return 'accessGraph';
  return 'inventory';
}

const empty = (): PartStats => ({
  httpRequests: 0,
  graphRequests: 0,
  resourceUnits: 0,
  throttled: 0,
  objects: 0,
  firstAt: null,
  lastAt: null,
});

/**
 * The emulator logs a `$batch`'s items right before the `$batch` itself, in one synchronous step and with its
 * time: they are the batchable reads just before each `$batch` record with that same time. The envelope goes
 * to the part most of its items belong to.
 */
function batchItems(records: readonly RequestRecord[]): {
  items: Set<number>;
  envelopePart: Map<number, Part>;
} {
  const items = new Set<number>();
  const envelopePart = new Map<number, Part>();
  records.forEach((r, i) => {
    if (r.method !== 'POST' || !BATCH.test(r.path)) return;
    const votes = new Map<Part, number>();
    for (let j = i - 1; j >= 0; j--) {
      const item = records[j]!;
      if (item.time !== r.time || BATCH.test(item.path) || !BATCHABLE.test(item.path)) break;
      items.add(j);
      const part = partOf(item.path);
      votes.set(part, (votes.get(part) ?? 0) + 1);
    }
    const [winner] = [...votes].sort((a, b) => b[1] - a[1])[0] ?? ['inventory'];
    envelopePart.set(i, winner);
  });
  return { items, envelopePart };
}

/** A path without its query and ids, to say which reads a part's requests were (`families` in the results). */
export function familyOf(path: string): string {
  return (path.split('?', 1)[0] ?? path)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '{id}')
    .replace(/\/(resourceGroups|userAssignedIdentities)\/[^/]+/gi, '/$1/{name}');
}

/** Requests (HTTP, as received) per part and path family. */
export function familiesOf(records: readonly RequestRecord[]): Record<Part, Record<string, number>> {
  const out = Object.fromEntries(PARTS.map((p) => [p, {}])) as Record<Part, Record<string, number>>;
  for (const r of records) {
    const family = `${r.method} ${familyOf(r.path)}`;
    const counts = out[partOf(r.path)];
    counts[family] = (counts[family] ?? 0) + 1;
  }
  return out;
}

export function splitLog(records: readonly RequestRecord[]): Record<Part, PartStats> & { total: PartStats } {
  const { items, envelopePart } = batchItems(records);
  const out = Object.fromEntries([...PARTS, 'total'].map((p) => [p, empty()])) as Record<
    Part | 'total',
    PartStats
  >;
  records.forEach((r, i) => {
    const envelope = envelopePart.get(i);
    const part = envelope ?? partOf(r.path);
    for (const stats of [out[part], out.total]) {
      if (!items.has(i)) stats.httpRequests += 1;
      if (envelope === undefined) stats.graphRequests += 1;
      if (part !== 'lastUse') stats.resourceUnits += r.resourceUnits;
      if (r.throttled) stats.throttled += 1;
      stats.objects += r.objects;
      stats.firstAt = Math.min(stats.firstAt ?? r.time, r.time);
      stats.lastAt = Math.max(stats.lastAt ?? r.time, r.time);
    }
  });
  return out;
}
