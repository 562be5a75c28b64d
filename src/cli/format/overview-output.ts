// Renders the first-look overview `lanyard demo` (and later `lanyard summary`) prints.
import { inertShort } from '../../core/inert-text.ts';
import type { CredentialRef, Overview } from '../../core/overview.ts';

const SHOWN = 5;

function refs(title: string, list: CredentialRef[], now: number): string[] {
  const lines = [`${title}: ${list.length}`];
  const soonest = [...list].sort(
    (a, b) => Date.parse(a.credential.endDateTime ?? '') - Date.parse(b.credential.endDateTime ?? ''),
  );
  for (const { identity, credential } of soonest.slice(0, SHOWN)) {
    const end = credential.endDateTime ? Date.parse(credential.endDateTime) : Number.NaN;
    const days = Math.round((end - now) / 86_400_000);
    const when = Number.isNaN(end)
      ? 'no end date'
      : days < 0
        ? `expired ${-days} d ago`
        : `ends in ${days} d`;
    lines.push(
      `  - ${inertShort(identity.displayName, 40)}  ${credential.type} ${credential.keyId}  ${when}`,
    );
  }
  if (list.length > SHOWN) lines.push(`  … and ${list.length - SHOWN} more`);
  return lines;
}

export function renderOverview(overview: Overview, now: number): string {
  const t = overview.totals;
  const lines = [
    'Inventory',
    `  applications ${t.applications}, service principals ${t.servicePrincipals}, managed identities ${t.managedIdentities}`,
    `  client secrets ${t.secrets}, certificates ${t.certificates}, federated credentials ${t.federated}`,
    '',
    ...refs('Expired credentials', overview.expired, now),
    '',
    `Expiring: ${overview.expiring.days7.length} within 7 days, ${overview.expiring.days14.length} within 14, ${overview.expiring.days30.length} within 30`,
    ...refs('Expiring within 30 days', overview.expiring.days30, now).slice(1),
    '',
    `Applications without an owner: ${overview.ownerlessApplications.length}`,
    ...overview.ownerlessApplications
      .slice(0, SHOWN)
      .map((i) => `  - ${inertShort(i.displayName, 40)}  ${i.appId}`),
    ...(overview.ownerlessApplications.length > SHOWN
      ? [`  … and ${overview.ownerlessApplications.length - SHOWN} more`]
      : []),
    '',
    ...refs('Secrets that practically never expire (more than 2 years left)', overview.longLivedSecrets, now),
  ];
  return lines.join('\n');
}
