// Wires an integration to Graph: its credential, a paced transport and the inventory collector.
import { readFile } from 'node:fs/promises';
import { graphScopeFor } from '../collect/clouds.ts';
import { collectInventory } from '../collect/graph/collector.ts';
import { createCredential } from '../collect/graph/credential.ts';
import { createGraphTransport } from '../collect/graph/transport.ts';
import { CredentialUnreadable } from '../core/errors.ts';
import type { Integration } from '../store/index.ts';
import type { Collect } from './scan-service.ts';

export interface GraphCollectSettings {
  /** Graph's RU quota per app+tenant for the tenant's size (S 3,500 / M 5,000 / L 8,000 per 10 s). */
  resourceUnitsPer10s: number;
  maxInFlight?: number;
}

/** Medium tenants (50–500 users) get 5,000 RU per 10 s; a smaller tenant's 429s slow us down safely. */
export const DEFAULT_GRAPH_SETTINGS: GraphCollectSettings = { resourceUnitsPer10s: 5000 };

export function createGraphCollect(settings: GraphCollectSettings = DEFAULT_GRAPH_SETTINGS): Collect {
  return async (integration: Integration, { onFacts, onProgress, signal }) => {
    const credential = createCredential(
      { ...integration.auth, tenantId: integration.tenantId, clientId: integration.clientId },
      integration.cloud,
    );
    let caPem: string | undefined;
    if (integration.cloud.caFile) {
      const caFile = integration.cloud.caFile;
      caPem = await readFile(caFile, 'utf8').catch((cause: unknown) => {
        throw new CredentialUnreadable(`cannot read the CA file ${caFile}`, {
          cause,
          fix: 'check the path given with --ca-file and that Lanyard may read it',
        });
      });
    }
    const transport = createGraphTransport({
      graphUrl: integration.cloud.graphUrl,
      credential,
      scope: graphScopeFor(integration.cloud),
      ...(caPem ? { caPem, caFile: integration.cloud.caFile } : {}),
      budget: { resourceUnitsPerWindow: settings.resourceUnitsPer10s, windowMs: 10_000 },
      ...(settings.maxInFlight ? { maxInFlight: settings.maxInFlight } : {}),
    });
    try {
      const result = await collectInventory({ transport, onFacts, onProgress, signal });
      return { ...result, counts: { ...result.counts } };
    } finally {
      await transport.close();
    }
  };
}
