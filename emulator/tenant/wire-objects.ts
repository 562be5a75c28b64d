// Builders of the full wire objects Graph returns for applications, service principals and users, so
// generated and hand-registered objects carry the same properties (nulls and empty lists included).
// Default-valued nested objects and empty lists (other than credentials) are shared frozen values: a
// 100,000-app tenant would otherwise hold millions of identical small objects. Replace them, never mutate.
import type {
  Application,
  KeyCredential,
  PasswordCredential,
  RequiredResourceAccess,
  ServicePrincipal,
  User,
} from '@microsoft/microsoft-graph-types';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** One frozen empty list; `never[]` so it fits every list-typed property. */
const NONE = Object.freeze([]) as unknown as never[];
const NO_INFO = deepFreeze({
  logoUrl: null,
  marketingUrl: null,
  privacyStatementUrl: null,
  supportUrl: null,
  termsOfServiceUrl: null,
});
const NO_PUBLISHER = deepFreeze({ displayName: null, verifiedPublisherId: null, addedDateTime: null });
const DEFAULT_API = deepFreeze({
  acceptMappedClaims: null,
  knownClientApplications: NONE,
  requestedAccessTokenVersion: null,
  oauth2PermissionScopes: NONE,
  preAuthorizedApplications: NONE,
});
const DEFAULT_PARENTAL = deepFreeze({ countriesBlockedForMinors: NONE, legalAgeGroupRule: 'Allow' });
const DEFAULT_REDIRECTS = deepFreeze({ redirectUris: NONE });
const DEFAULT_WEB = deepFreeze({
  homePageUrl: null,
  logoutUrl: null,
  redirectUris: NONE,
  implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
  redirectUriSettings: NONE,
});

/** The tag the portal puts on service principals of integrated apps (shared, frozen). */
export const INTEGRATED_APP_TAGS = Object.freeze([
  'WindowsAzureActiveDirectoryIntegratedApp',
]) as unknown as string[];

export interface ApplicationFields {
  id: string;
  appId: string;
  displayName: string;
  createdDateTime: string;
  signInAudience: string;
  publisherDomain: string;
  identifierUris: string[];
  passwordCredentials: PasswordCredential[];
  keyCredentials: KeyCredential[];
  requiredResourceAccess: RequiredResourceAccess[];
}

export function buildApplication(f: ApplicationFields): Application {
  return {
    id: f.id,
    deletedDateTime: null,
    appId: f.appId,
    applicationTemplateId: null,
    disabledByMicrosoftStatus: null,
    createdDateTime: f.createdDateTime,
    displayName: f.displayName,
    description: null,
    groupMembershipClaims: null,
    identifierUris: f.identifierUris,
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: null,
    nativeAuthenticationApisEnabled: null,
    notes: null,
    publisherDomain: f.publisherDomain,
    serviceManagementReference: null,
    signInAudience: f.signInAudience,
    tags: NONE,
    tokenEncryptionKeyId: null,
    samlMetadataUrl: null,
    defaultRedirectUri: null,
    certification: null,
    optionalClaims: null,
    requestSignatureVerification: null,
    addIns: NONE,
    api: DEFAULT_API,
    appRoles: NONE,
    info: NO_INFO,
    keyCredentials: f.keyCredentials,
    parentalControlSettings: DEFAULT_PARENTAL,
    passwordCredentials: f.passwordCredentials,
    publicClient: DEFAULT_REDIRECTS,
    requiredResourceAccess: f.requiredResourceAccess,
    verifiedPublisher: NO_PUBLISHER,
    web: DEFAULT_WEB,
    spa: DEFAULT_REDIRECTS,
  };
}

export interface ServicePrincipalFields {
  id: string;
  appId: string;
  displayName: string;
  servicePrincipalType: 'Application' | 'ManagedIdentity' | 'Legacy' | 'SocialIdp';
  appOwnerOrganizationId: string | null;
  signInAudience: string | null;
  servicePrincipalNames: string[];
  alternativeNames?: string[];
  tags?: string[];
  accountEnabled?: boolean;
  appRoleAssignmentRequired?: boolean;
  homepage?: string | null;
  verifiedPublisher?: { displayName: string; verifiedPublisherId: string; addedDateTime: string } | null;
}

export function buildServicePrincipal(f: ServicePrincipalFields): ServicePrincipal {
  return {
    id: f.id,
    deletedDateTime: null,
    accountEnabled: f.accountEnabled ?? true,
    alternativeNames: f.alternativeNames ?? NONE,
    appDisplayName: f.displayName,
    appDescription: null,
    appId: f.appId,
    applicationTemplateId: null,
    appOwnerOrganizationId: f.appOwnerOrganizationId,
    appRoleAssignmentRequired: f.appRoleAssignmentRequired ?? false,
    description: null,
    disabledByMicrosoftStatus: null,
    displayName: f.displayName,
    homepage: f.homepage ?? null,
    loginUrl: null,
    logoutUrl: null,
    notes: null,
    notificationEmailAddresses: NONE,
    preferredSingleSignOnMode: null,
    preferredTokenSigningKeyThumbprint: null,
    replyUrls: NONE,
    servicePrincipalNames: f.servicePrincipalNames,
    servicePrincipalType: f.servicePrincipalType,
    signInAudience: f.signInAudience,
    tags: f.tags ?? NONE,
    tokenEncryptionKeyId: null,
    samlSingleSignOnSettings: null,
    addIns: NONE,
    appRoles: NONE,
    info: NO_INFO,
    keyCredentials: [],
    oauth2PermissionScopes: NONE,
    passwordCredentials: [],
    resourceSpecificApplicationPermissions: NONE,
    verifiedPublisher: f.verifiedPublisher ?? NO_PUBLISHER,
  };
}

export interface UserFields {
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  userPrincipalName: string;
  /** The mailbox address; null for a user without one. Default: the UPN. */
  mail?: string | null;
  jobTitle: string | null;
  accountEnabled: boolean;
  createdDateTime: string;
}

export function buildUser(f: UserFields): User {
  return {
    id: f.id,
    businessPhones: NONE,
    displayName: f.displayName,
    givenName: f.givenName,
    jobTitle: f.jobTitle,
    mail: f.mail === undefined ? f.userPrincipalName : f.mail,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: f.surname,
    userPrincipalName: f.userPrincipalName,
    accountEnabled: f.accountEnabled,
    createdDateTime: f.createdDateTime,
    userType: 'Member',
  };
}
