// Wires an integration to Graph: its credential, a paced transport and the inventory collector.
import { readCaFile } from '../collect/ca-bundle.ts';
import { graphScopeFor } from '../collect/clouds.ts';
import { collectInventory } from '../collect/graph/collector.ts';
import { createCredential } from '../collect/graph/credential.ts';
import { INVENTORY_RESOURCES } from '../collect/graph/resources/index.ts';
import { createGraphTransport } from '../collect/graph/transport.ts';
import type { GraphTransport } from '../collect/graph/transport-types.ts';
import type { Integration } from '../store/index.ts';
import type { Collect } from './scan-service.ts';

export interface GraphCollectSettings {
  /** Graph's RU quota per app+tenant for the tenant's size (S 3,500 / M 5,000 / L 8,000 per 10 s). */
  resourceUnitsPer10s: number;
  maxInFlight?: number;
  /**
   * The blast-radius part: the access each service principal holds (default false: at 100,000 applications it
   * adds 13–16 s and takes the scan past 512 MB, bench/README.md).
   */
  access?: boolean;
}

/** Medium tenants (50–500 users) get 5,000 RU per 10 s; a smaller tenant's 429s slow us down safely. */
export const DEFAULT_GRAPH_SETTINGS: GraphCollectSettings = { resourceUnitsPer10s: 5000 };

/**
 * How many objects the scan's lists will walk, for the progress bar's ETA: one `$count` per collection
 * (1 RU each). Best effort: a tenant or proxy that refuses `$count` just gets no ETA.
 */
async function expectedObjects(transport: GraphTransport, signal: AbortSignal): Promise<number | undefined> {
  try {
    const paths = [...new Set(INVENTORY_RESOURCES.map((resource) => resource.path))];
    const counts = await Promise.all(
      paths.map(async (path) => {
        const count = await transport.get<number>(`${path}/$count`, {
          signal,
          headers: { ConsistencyLevel: 'eventual' },
        });
        const lists = INVENTORY_RESOURCES.filter((resource) => resource.path === path).length;
        return Number(count) * lists;
      }),
    );
    const total = counts.reduce((sum, count) => sum + count, 0);
    return Number.isFinite(total) ? total : undefined;
  } catch {
    return undefined;
  }
}

export function createGraphCollect(settings: GraphCollectSettings = DEFAULT_GRAPH_SETTINGS): Collect {
  return async (integration: Integration, { onFacts, onProgress, signal, parts }) => {
    const credential = createCredential(
      { ...integration.auth, tenantId: integration.tenantId, clientId: integration.clientId },
      integration.cloud,
    );
    const { caFile } = integration.cloud;
    const transport = createGraphTransport({
      graphUrl: integration.cloud.graphUrl,
      credential,
      scope: graphScopeFor(integration.cloud),
      ...(caFile ? { caPem: readCaFile(caFile), caFile } : {}),
      // Graph counts the budget per app in a tenant: scans of one process for the same pair share it.
      budget: {
        resourceUnitsPerWindow: settings.resourceUnitsPer10s,
        windowMs: 10_000,
        key: `${integration.tenantId}/${integration.clientId}`,
      },
      ...(settings.maxInFlight ? { maxInFlight: settings.maxInFlight } : {}),
    });
    try {
      let expected: number | undefined;
      void expectedObjects(transport, signal).then((total) => {
        expected = total;
      });
      const result = await collectInventory({
        transport,
        onFacts,
        onProgress: (progress) =>
          onProgress({ ...progress, ...(expected ? { expectedObjects: expected } : {}) }),
        signal,
        parts,
        access: settings.access ?? false,
        ...(integration.queryPlan ? { plan: integration.queryPlan } : {}),
      });
      return { ...result, counts: { ...result.counts } };
    } finally {
      await transport.close();
    }
  };
}
