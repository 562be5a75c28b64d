// `lanyard identity <object id | app id | name>`: one identity, all its credentials, owners and history.
import type { Command } from 'commander';
import { NotFound } from '../../core/errors.ts';
import { inert, inertJson } from '../../core/inert-text.ts';
import type { Identity } from '../../core/inventory.ts';
import { identityType, isUnknown } from '../../core/inventory-query.ts';
import { renderTable } from '../format/table.ts';
import { type GlobalOptions, withStore } from '../runtime.ts';

type History = Array<{ scanId: number; at: Date; change: string }>;

function renderIdentity(identity: Identity, history: History): string {
  const lines = [
    `${inert(identity.displayName)}`,
    `  type:        ${identityType(identity)}${identity.servicePrincipalType ? ` (${identity.servicePrincipalType})` : ''}${identity.managedIdentityType ? `, ${identity.managedIdentityType}` : ''}`,
    `  object id:   ${identity.objectId}`,
    `  app id:      ${identity.appId}`,
    `  publisher:   ${identity.publisher}${identity.appOwnerOrganizationId ? ` (tenant ${identity.appOwnerOrganizationId})` : ''}`,
    ...(identity.accountEnabled === false ? ['  enabled:     no'] : []),
    ...(identity.createdDateTime ? [`  created:     ${identity.createdDateTime}`] : []),
    '',
    `Credentials (${identity.credentials.length})`,
  ];
  if (identity.credentials.length > 0) {
    const rows = identity.credentials.map((c) => [
      c.type,
      c.keyId,
      c.displayName ?? c.name ?? '',
      c.hint ? `${c.hint}…` : (c.thumbprint ?? (c.issuer ? `${c.issuer} ${c.subject ?? ''}` : '')),
      c.startDateTime?.slice(0, 10) ?? '-',
      c.endDateTime?.slice(0, 10) ?? '-',
      c.location,
    ]);
    lines.push(
      renderTable(['TYPE', 'KEY ID', 'NAME', 'HINT / THUMBPRINT / SUBJECT', 'START', 'END', 'ON'], rows, 60),
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
  if (history.length > 0) {
    lines.push('', 'History');
    for (const entry of history)
      lines.push(`  scan ${entry.scanId}  ${entry.at.toISOString()}  ${entry.change}`);
  }
  return lines.join('\n');
}

export function registerIdentity(program: Command): void {
  program
    .command('identity')
    .argument('<lookup>', 'object id, app id or display name')
    .description('show one identity with its credentials, owners and history')
    .option('--json', 'print JSON')
    .action(async (lookup: string, options) => {
      const found = await withStore(program.opts<GlobalOptions>(), async (store) => {
        const matches = await store.inventory.find(lookup);
        const integrations = await store.integrations.list();
        return Promise.all(
          matches.map(async ({ integrationId, identity }) => ({
            integration: integrations.find((i) => i.id === integrationId)?.name ?? integrationId,
            identity,
            history: await store.inventory.history(integrationId, identity.objectId),
          })),
        );
      });
      if (found.length === 0) {
        throw new NotFound(`no identity matches "${lookup}"`, {
          fix: 'give an object id, an app id or an exact display name; `lanyard inventory` lists them',
        });
      }
      if (options.json) {
        process.stdout.write(`${inertJson(found, 2)}\n`);
        return;
      }
      const text = found
        .map((f) => `[${f.integration}] ${renderIdentity(f.identity, f.history)}`)
        .join('\n\n');
      process.stdout.write(`${text}\n`);
    });
}
