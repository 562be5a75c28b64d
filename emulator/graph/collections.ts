// The directory collections Graph serves from a tenant: where each lives in TenantState, its Graph type,
// default properties, and the `$filter` support Graph documents for it (facts §2).
import type { User } from '@microsoft/microsoft-graph-types';
import type {
  EmulatedApplication,
  EmulatedServicePrincipal,
  OwnerLink,
  TenantState,
} from '../tenant/model.ts';
import type { FilterTable } from './filter.ts';
import type { CollectionName } from './routes.ts';
import type { GraphVersion } from './schema.ts';

export interface CollectionDef {
  name: CollectionName;
  /** Graph type name (`microsoft.graph.<type>`). */
  type: 'application' | 'servicePrincipal' | 'user';
  entries(tenant: TenantState): Map<string, unknown>;
  objectOf(entry: unknown): Record<string, unknown>;
  ownersOf(entry: unknown): OwnerLink[];
  filter: FilterTable;
  /** Properties returned when there is no `$select`; undefined: every stored property. */
  defaults(version: GraphVersion): readonly string[] | undefined;
  selectOnly: readonly string[];
}

/** v1.0 List users returns this default set (user resource page); beta returns what is stored. */
export const USER_DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const;

const keyCredentialsEndDate = {
  collection: 'keyCredentials',
  property: 'endDateTime',
  kind: 'datetime',
  ops: [],
  advancedOps: ['eq', 'ge', 'le'],
} as const;

const applications: CollectionDef = {
  name: 'applications',
  type: 'application',
  entries: (t) => t.applications,
  objectOf: (e) => (e as EmulatedApplication).object as Record<string, unknown>,
  ownersOf: (e) => (e as EmulatedApplication).owners,
  filter: {
    resource: 'Application',
    properties: [
      // `in` is a default operator on id (application and servicePrincipal resource pages).
      { name: 'id', kind: 'id', ops: ['eq', 'in'] },
      { name: 'appId', kind: 'id', ops: ['eq'] },
      { name: 'displayName', kind: 'string', ops: ['eq', 'startswith'] },
      { name: 'createdDateTime', kind: 'datetime', ops: ['eq', 'ge', 'le'] },
      { name: 'publisherDomain', kind: 'string', ops: ['eq', 'startswith'] },
      { name: 'signInAudience', kind: 'string', ops: ['eq'] },
    ],
    any: [keyCredentialsEndDate],
  },
  defaults: () => undefined,
  // "Returned only on $select" (v1.0 application resource page).
  selectOnly: ['authenticationBehaviors'],
};

const servicePrincipals: CollectionDef = {
  name: 'servicePrincipals',
  type: 'servicePrincipal',
  entries: (t) => t.servicePrincipals,
  objectOf: (e) => (e as EmulatedServicePrincipal).object as Record<string, unknown>,
  ownersOf: (e) => (e as EmulatedServicePrincipal).owners,
  filter: {
    resource: 'ServicePrincipal',
    properties: [
      // `in` is a default operator on id (application and servicePrincipal resource pages).
      { name: 'id', kind: 'id', ops: ['eq', 'in'] },
      { name: 'appId', kind: 'id', ops: ['eq'] },
      { name: 'displayName', kind: 'string', ops: ['eq', 'startswith'] },
      { name: 'servicePrincipalType', kind: 'string', ops: ['eq'] },
      { name: 'accountEnabled', kind: 'bool', ops: ['eq'] },
      { name: 'appOwnerOrganizationId', kind: 'id', ops: [], advancedOps: ['eq'] },
    ],
    any: [keyCredentialsEndDate],
  },
  defaults: () => undefined,
  selectOnly: [],
};

const users: CollectionDef = {
  name: 'users',
  type: 'user',
  entries: (t) => t.users,
  objectOf: (e) => e as User as Record<string, unknown>,
  ownersOf: () => [],
  filter: {
    resource: 'User',
    properties: [
      { name: 'id', kind: 'id', ops: ['eq'] },
      { name: 'displayName', kind: 'string', ops: ['eq', 'startswith'] },
      { name: 'userPrincipalName', kind: 'string', ops: ['eq', 'startswith'] },
      { name: 'mail', kind: 'string', ops: ['eq', 'startswith'] },
      { name: 'accountEnabled', kind: 'bool', ops: ['eq'] },
      { name: 'userType', kind: 'string', ops: ['eq'] },
      { name: 'createdDateTime', kind: 'datetime', ops: ['eq', 'ge', 'le'] },
    ],
  },
  defaults: (version) => (version === 'v1.0' ? USER_DEFAULT_PROPERTIES : undefined),
  selectOnly: [],
};

export const COLLECTIONS: Record<CollectionName, CollectionDef> = { applications, servicePrincipals, users };
