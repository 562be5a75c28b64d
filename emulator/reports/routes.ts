// Graph routes for sign-in logs (`auditLogs/signIns`) and the beta activity reports. Both need an Entra ID
// P1/P2 tenant (facts §6.2, §6.3) and draw on the reports throttle (facts §1.3, graph/throttle.ts).
import { graphErrors } from '../graph/errors.ts';
import { compileFilter, type FilterTable } from '../graph/filter.ts';
import { listingView, pageList, singleItem } from '../graph/list-page.ts';
import type { ReadContext, ReadResult } from '../graph/read-context.ts';
import { entitySchema } from '../graph/schema.ts';
import { credentialActivities, lastSignIns, servicePrincipalActivities } from './activity.ts';
import { licenceOf, retentionCutoff, type SignInEntry, signInEntries, signInObject } from './sign-ins.ts';

/** Page size of the sign-in log: default and maximum 1,000 (facts §6.3). */
export const SIGN_IN_PAGE_SIZE = 1000;

function assertPremium(x: ReadContext): void {
  if (licenceOf(x.tenant) === 'none') throw graphErrors.nonPremiumTenant();
}

/** beta signIn filters used on workload sign-ins; v1.0 has no signInEventTypes (facts §6.3). */
function signInFilter(version: ReadContext['version']): FilterTable {
  return {
    resource: 'SignIn',
    properties: [
      { name: 'id', kind: 'id', ops: ['eq'] },
      { name: 'createdDateTime', kind: 'datetime', ops: ['eq', 'ge', 'le'] },
      { name: 'appId', kind: 'id', ops: ['eq'] },
      { name: 'servicePrincipalId', kind: 'id', ops: ['eq'] },
    ],
    any:
      version === 'beta'
        ? [{ collection: 'signInEventTypes', property: '', kind: 'string', ops: ['eq', 'ne'] }]
        : [],
  };
}

/** What a filter reads of a sign-in, without building the whole signIn object for every entry. */
function filterView(e: SignInEntry): Record<string, unknown> {
  return {
    id: e.id,
    createdDateTime: new Date(Math.floor(e.time / 1000) * 1000).toISOString(),
    appId: e.appId,
    servicePrincipalId: e.servicePrincipalId,
    signInEventTypes: [e.kind],
  };
}

export function listSignIns(x: ReadContext, id: string | undefined): ReadResult {
  assertPremium(x);
  const cutoff = retentionCutoff(x.tenant, x.now);
  if (id !== undefined) {
    const found = signInEntries(x.tenant, x.signIns, cutoff).find((e) => e.id === id.toLowerCase());
    return singleItem(
      x,
      'auditLogs/signIns',
      'signIn',
      id,
      found && versioned(x, signInObject(x.tenant, found)),
    );
  }
  const filter = x.query.filter;
  const items = listingView(x, () => {
    // Without an event-type filter Graph lists interactive user sign-ins only (facts §6.3): none are emulated.
    if (!filter) return [];
    const { predicate } = compileFilter(filter, signInFilter(x.version), x.query);
    if (!/signInEventTypes\s*\/\s*any/i.test(filter)) return [];
    return signInEntries(x.tenant, x.signIns, cutoff).filter((e) => predicate(filterView(e)));
  });
  return pageList(x, {
    fragment: 'auditLogs/signIns',
    type: 'signIn',
    items,
    idOf: (e) => e.id,
    toObject: (e) => signInObject(x.tenant, e),
    defaultTop: SIGN_IN_PAGE_SIZE,
  });
}

/** v1.0 signIn lacks the beta-only properties: keep what its schema has. */
function versioned(x: ReadContext, object: Record<string, unknown>): Record<string, unknown> {
  if (x.version === 'beta') return object;
  const schema = entitySchema('v1.0', 'signIn');
  return Object.fromEntries(Object.entries(object).filter(([k]) => schema.properties.has(k.toLowerCase())));
}

const SP_ACTIVITY_FILTER: FilterTable = {
  resource: 'ServicePrincipalSignInActivity',
  properties: [
    { name: 'id', kind: 'string', ops: ['eq'] },
    { name: 'appId', kind: 'id', ops: ['eq'] },
  ],
};

const CREDENTIAL_ACTIVITY_FILTER: FilterTable = {
  resource: 'AppCredentialSignInActivity',
  properties: [
    { name: 'id', kind: 'string', ops: ['eq'] },
    { name: 'appId', kind: 'id', ops: ['eq'] },
    { name: 'keyId', kind: 'id', ops: ['eq'] },
  ],
};

export function listSignInActivities(
  x: ReadContext,
  report: 'servicePrincipal' | 'appCredential',
  id: string | undefined,
): ReadResult {
  assertPremium(x);
  const sp = report === 'servicePrincipal';
  const fragment = sp ? 'reports/servicePrincipalSignInActivities' : 'reports/appCredentialSignInActivities';
  const type = sp ? 'servicePrincipalSignInActivity' : 'appCredentialSignInActivity';
  const build = () => {
    const last = lastSignIns(x.tenant, x.signIns);
    return sp ? servicePrincipalActivities(x.tenant, last) : credentialActivities(x.tenant, last);
  };
  if (id !== undefined)
    return singleItem(
      x,
      fragment,
      type,
      id,
      build().find((a) => a.id === id),
    );
  const items = listingView(x, () => {
    const all = build();
    if (!x.query.filter) return all;
    const { predicate } = compileFilter(
      x.query.filter,
      sp ? SP_ACTIVITY_FILTER : CREDENTIAL_ACTIVITY_FILTER,
      x.query,
    );
    return all.filter(predicate);
  });
  // Page size of these reports is UNCONFIRMED (facts §12): the directory default of 100 here.
  return pageList(x, { fragment, type, items, idOf: (a) => String(a.id), toObject: (a) => a });
}
