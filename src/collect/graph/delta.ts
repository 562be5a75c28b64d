// Graph's delta functions on the two identity lists (reference/microsoft-cloud-facts.md §3; delta overview):
// a full scan takes a delta link of each before its lists start, and an incremental scan follows the stored
// links to learn which objects were created, changed or removed since.
//
// What a round is trusted for: which ids changed and which were removed, never the objects themselves (an
// update may carry "at least the properties that have been updated" and nothing else), so every changed
// object is read again by id. `$select` names what Lanyard reads of the objects, since for users and groups
// it narrows which changes are tracked; keyCredentials is left out, because lists selecting it count against
// Graph's 150-a-minute limit (whether delta does is undocumented) and an initial round of a large tenant is
// hundreds of pages: certificate changes still reach an incremental scan through the audit log
// ("Update application – Certificates and secrets management", "Add service principal credentials").
import { UpstreamFailed } from '../../core/errors.ts';
import { QueryRefused } from './graph-errors.ts';
import { applications, servicePrincipals } from './resources/index.ts';
import { DELTA_LISTS, type DeltaList } from './sync-state.ts';
import type { GraphTransport } from './transport.ts';

type Reader = Pick<GraphTransport, 'get' | 'pages'>;

const PERMISSION = 'Application.Read.All';

function selectOf(list: DeltaList): string {
  const declared = (list === 'applications' ? applications : servicePrincipals).query.$select ?? 'id';
  return declared
    .split(',')
    .filter((p) => p.toLowerCase() !== 'keycredentials')
    .join(',');
}

/** The first request of an initial round: every object that exists, with the properties Lanyard reads. */
export const initialDeltaUrl = (list: DeltaList) => `/${list}/delta?$select=${selectOf(list)}`;

export interface DeltaRound {
  /** Created or changed in the round (a restored object too): read again by id. */
  changed: Set<string>;
  /** Removed: `changed` soft-deleted (restorable), `deleted` gone for good; both leave the inventory. */
  removed: Map<string, 'changed' | 'deleted'>;
  /** Where the next round starts. */
  deltaLink: string;
  pages: number;
}

interface WireDeltaItem {
  id?: string;
  '@removed'?: { reason?: string };
}

/**
 * Follows a round from `url` (a stored deltaLink, or an initial round's first request) to its new deltaLink.
 * An object may come more than once (replays): the last mention decides. A round that ends without a deltaLink
 * is an upstream failure; a link Graph no longer knows throws SyncStateLost (graph-errors.ts).
 */
export async function readDeltaRound(
  transport: Reader,
  url: string,
  options: { signal: AbortSignal; onPage?: (objects: number) => void },
): Promise<DeltaRound> {
  const round: DeltaRound = { changed: new Set(), removed: new Map(), deltaLink: '', pages: 0 };
  for await (const page of transport.pages<WireDeltaItem>(url, {
    signal: options.signal,
    permission: PERMISSION,
    onDeltaLink: (link) => {
      round.deltaLink = link;
    },
  })) {
    round.pages += 1;
    for (const item of page) {
      const id = typeof item.id === 'string' ? item.id.toLowerCase() : null;
      if (!id) throw new UpstreamFailed(`Graph answered ${url.split('?')[0]} with an object without an id`);
      if (item['@removed']) {
        round.changed.delete(id);
        round.removed.set(id, item['@removed'].reason === 'deleted' ? 'deleted' : 'changed');
      } else {
        round.removed.delete(id);
        round.changed.add(id);
      }
    }
    options.onPage?.(page.length);
  }
  if (!round.deltaLink) {
    throw new UpstreamFailed(`Graph ended the delta round of ${url.split('?')[0]} without a deltaLink`);
  }
  return round;
}

export interface OpeningDeltaLinks {
  /** Settles once every list's position in the tenant's history is fixed: the lists may start reading. */
  pinned: Promise<void>;
  /** Each list's deltaLink, once its initial round (if Graph needs one) is read. */
  links: Promise<Record<DeltaList, string>>;
}

/**
 * Takes a delta link of each identity list for a full scan: "sync from now" (`$deltatoken=latest`) where Graph
 * allows it, one request each; where it refuses (documented for users and groups only), an initial round read
 * to its end beside the scan's lists. Changes made after a link's position are the next round's, so a full scan
 * starts its lists only once `pinned` settles: what changes while it reads is read again next time.
 */
export function openDeltaLinks(transport: Reader, signal: AbortSignal): OpeningDeltaLinks {
  const opened = DELTA_LISTS.map((list) => openOne(transport, list, signal));
  const pinned = Promise.allSettled(opened.map((o) => o.pinned)).then(() => undefined);
  const links = Promise.all(opened.map((o) => o.link)).then(
    (found) =>
      Object.fromEntries(DELTA_LISTS.map((list, i) => [list, found[i]!])) as Record<DeltaList, string>,
  );
  links.catch(() => {});
  return { pinned, links };
}

function openOne(
  transport: Reader,
  list: DeltaList,
  signal: AbortSignal,
): { pinned: Promise<void>; link: Promise<string> } {
  let pin!: () => void;
  const pinned = new Promise<void>((resolve) => {
    pin = resolve;
  });
  const link = (async () => {
    try {
      const latest = await transport.get<{ '@odata.deltaLink'?: unknown }>(
        `${initialDeltaUrl(list)}&$deltatoken=latest`,
        { signal, permission: PERMISSION },
      );
      if (typeof latest['@odata.deltaLink'] === 'string') return latest['@odata.deltaLink'];
      throw new UpstreamFailed(`Graph answered /${list}/delta?$deltatoken=latest without a deltaLink`);
    } catch (error) {
      if (!(error instanceof QueryRefused)) throw error;
    }
    // Refused: an initial round, pinned once its first page is in.
    let deltaLink = '';
    const pages = transport.pages(initialDeltaUrl(list), {
      signal,
      permission: PERMISSION,
      onDeltaLink: (found) => {
        deltaLink = found;
      },
    });
    for await (const page of pages) if (page) pin();
    if (!deltaLink)
      throw new UpstreamFailed(`Graph ended the initial delta round of /${list} without a deltaLink`);
    return deltaLink;
  })().finally(() => pin());
  link.catch(() => {});
  return { pinned, link };
}
