// `lanyard identity <object id | app id | name>`: one identity, all its credentials, owners, what it holds
// (access, by tier) and history.
import type { Command } from 'commander';
import { tierOfGrant } from '../../core/access.ts';
import { Conflict, NotFound } from '../../core/errors.ts';
import { inert, inertJson } from '../../core/inert-text.ts';
import type { Identity } from '../../core/inventory.ts';
import { identityType, isUnknown } from '../../core/inventory-query.ts';
import type { TierOverrides } from '../../core/tiers/tier-table.ts';
import { createIdentityService } from '../../services/identity-service.ts';
import { createRiskService, type IdentityRisk } from '../../services/risk-service.ts';
import type { GrantRecord } from '../../store/index.ts';
import { renderAccess } from '../format/access-output.ts';
import { credentialRiskCell, describeLastUse, renderIdentityRisk } from '../format/risk-output.ts';
import { renderTable } from '../format/table.ts';
import { loadRiskSettings } from '../risk-settings.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';

type History = Array<{ scanId: number; at: Date; change: string }>;

function renderIdentity(
  identity: Identity,
  history: History,
  risk: IdentityRisk,
  grants: GrantRecord[],
  now: number,
  tiers: TierOverrides,
): string {
  const credentialRisk = new Map(risk.credentials.map((c) => [`${c.location}/${c.keyId}`, c]));
  const partnerCredentials = risk.credentials.length - identity.credentials.length;
  const lines = [
    `${inert(identity.displayName)}`,
    `  type:        ${identityType(identity)}${identity.servicePrincipalType ? ` (${identity.servicePrincipalType})` : ''}${identity.managedIdentityType ? `, ${identity.managedIdentityType}` : ''}`,
    `  object id:   ${identity.objectId}`,
    `  app id:      ${identity.appId}`,
    `  publisher:   ${identity.publisher}${identity.appOwnerOrganizationId ? ` (tenant ${identity.appOwnerOrganizationId})` : ''}`,
    ...(identity.accountEnabled === false ? ['  enabled:     no'] : []),
    ...(identity.createdDateTime ? [`  created:     ${identity.createdDateTime}`] : []),
    '',
    ...renderIdentityRisk(risk, now),
    '',
    `Credentials (${identity.credentials.length})${
      partnerCredentials > 0
        ? `, scored together with its ${identity.kind === 'application' ? "service principal's" : "application's"} ${partnerCredentials}`
        : ''
    }`,
  ];
  if (identity.credentials.length > 0) {
    const rows = identity.credentials.map((c) => {
      const scored = credentialRisk.get(`${c.location}/${c.keyId}`);
      return [
        c.type,
        c.keyId,
        c.displayName ?? c.name ?? '',
        c.hint ? `${c.hint}…` : (c.thumbprint ?? (c.issuer ? `${c.issuer} ${c.subject ?? ''}` : '')),
        c.startDateTime?.slice(0, 10) ?? '-',
        c.endDateTime?.slice(0, 10) ?? '-',
        c.location,
        credentialRiskCell(scored),
        scored ? describeLastUse(scored.lastUse, now) : '-',
      ];
    });
    lines.push(
      renderTable(
        ['TYPE', 'KEY ID', 'NAME', 'HINT / THUMBPRINT / SUBJECT', 'START', 'END', 'ON', 'RISK', 'LAST USE'],
        rows,
        60,
      ),
    );
  }
  if (isUnknown(identity, 'owners')) {
    lines.push('', 'Owners: unknown (no scan has read them completely yet)');
  } else {
    lines.push('', `Owners (${identity.owners.length})`);
  }
  for (const owner of identity.owners) {
    const disabled = owner.accountEnabled === false ? ' [disabled]' : '';
    if (owner.readable === false) {
      lines.push(
        `  ${inert(owner.objectId)} (${owner.kind}, details not readable: grant User.Read.All or Directory.Read.All)`,
      );
      continue;
    }
    lines.push(
      `  ${inert(owner.displayName ?? owner.objectId)} ${inert(owner.userPrincipalName ?? '')} (${owner.kind})${disabled}`,
    );
  }
  if (isUnknown(identity, 'federated')) {
    lines.push('', 'Federated credentials: unknown (no scan has read them completely yet)');
  }
  if (identity.kind === 'servicePrincipal') lines.push('', ...renderAccess(identity, grants, tiers));
  if (history.length > 0) {
    lines.push('', 'History');
    for (const entry of history)
      lines.push(`  scan ${entry.scanId}  ${entry.at.toISOString()}  ${entry.change}`);
  }
  return lines.join('\n');
}

/** Each grant with the tier it is classified at and why, as the text output groups them. */
function withTiers(identity: Identity, tiers: TierOverrides): Identity {
  if (!identity.access) return identity;
  return {
    ...identity,
    access: identity.access.map((grant) => {
      const { tier, reason } = tierOfGrant(grant, tiers);
      return { ...grant, tier, tierReason: reason };
    }),
  };
}

export function registerIdentity(program: Command): void {
  program
    .command('identity')
    .argument('<lookup>', 'object id, app id, display name, or part of a name')
    .description('show one identity with its credentials, owners, access by tier and history')
    .option('--json', 'print JSON')
    .action(async (lookup: string, options) => {
      const now = Date.now();
      const globals = program.opts<GlobalOptions>();
      const { config, tiers } = await loadRiskSettings(globals);
      const result = await withStore(globals, async (store) => {
        const found = await createIdentityService({ store }).lookup(lookup);
        if (found.kind !== 'found') return found;
        // Scored with its partner (application ↔ service principal) and last use, while the store is open.
        const risk = createRiskService({ store, lastUse: store.lastUse, now: () => now, config, tiers });
        const matches = [];
        for (const match of found.matches) {
          const grantHistory =
            match.identity.kind === 'servicePrincipal'
              ? await store.grants.history(match.integration.id, match.identity.objectId)
              : [];
          matches.push({ ...match, risk: await risk.scoreOf(match), grantHistory });
        }
        return { kind: 'found' as const, matches };
      });
      if (result.kind === 'none') {
        throw new NotFound(`no identity matches "${lookup}"`, {
          fix: 'give an object id, an app id or (part of) a display name; `lanyard inventory` lists them',
        });
      }
      if (result.kind === 'candidates') {
        const candidates = result.candidates.map(({ integration, identity }) => ({
          integration: { name: integration.name, tenantId: integration.tenantId },
          type: identityType(identity),
          displayName: identity.displayName,
          objectId: identity.objectId,
          appId: identity.appId,
        }));
        process.stdout.write(
          options.json
            ? `${inertJson({ candidates, more: result.more }, 2)}\n`
            : `${renderTable(
                ['INTEGRATION', 'TYPE', 'NAME', 'OBJECT ID', 'APP ID'],
                candidates.map((c) => [c.integration.name, c.type, c.displayName, c.objectId, c.appId]),
              )}\n`,
        );
        const shown = result.more ? `the first ${candidates.length} shown` : `${candidates.length}`;
        throw new Conflict(`several identities have "${lookup}" in their name (${shown})`, {
          field: 'lookup',
          fix: 'run `lanyard identity <object id>` with one of the ids above, or a longer part of the name',
        });
      }
      const found = result.matches.map(({ integration, identity, history, risk, grantHistory }) => ({
        integration: { name: integration.name, tenantId: integration.tenantId },
        identity: withTiers(identity, tiers),
        risk,
        history,
        grantHistory,
      }));
      if (options.json) {
        process.stdout.write(`${inertJson(found, 2)}\n`);
        return;
      }
      const text = found
        .map(
          (f) =>
            `[${inert(f.integration.name)}] ${renderIdentity(f.identity, f.history, f.risk, f.grantHistory, now, tiers)}`,
        )
        .join('\n\n');
      process.stdout.write(`${text}\n`);
    });
}
