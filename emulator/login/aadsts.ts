// The token endpoint's AADSTS errors: one catalogue of code, OAuth error, HTTP status and message, so the
// emulator answers failures with the bodies Entra sends (error, error_description, error_codes, ids).
// Messages are the ones Entra returns as seen in public error reports; invalid_client answers 401, the rest 400.
import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../http.ts';

export interface AadstsError {
  code: number;
  error: string;
  status: number;
  message: string;
}

const make =
  <A extends unknown[]>(code: number, error: string, message: (...args: A) => string) =>
  (...args: A): AadstsError => ({
    code,
    error,
    status: error === 'invalid_client' ? 401 : 400,
    message: message(...args),
  });

const WIF_DOCS = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation';
const WIF_DOCS_2024 =
  'https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation';
const CERT_DOCS =
  'Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .';

export const aadsts = {
  getNotAllowed: make(
    900561,
    'invalid_request',
    () => 'The endpoint only accepts POST, OPTIONS requests. Received a GET request.',
  ),
  tenantNotFound: make(
    90002,
    'invalid_tenant',
    (tenant: string) =>
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  ),
  missingParameter: make(
    900144,
    'invalid_request',
    (name: string) => `The request body must contain the following parameter: '${name}'.`,
  ),
  unsupportedGrantType: make(
    70003,
    'unsupported_grant_type',
    (grant: string) => `The app requested an unsupported grant type '${grant}'.`,
  ),
  missingCredential: make(
    7000218,
    'invalid_client',
    () => `The request body must contain the following parameter: 'client_assertion' or 'client_secret'.`,
  ),
  unknownClient: make(
    700016,
    'unauthorized_client',
    (appId: string, directory: string) =>
      `Application with identifier '${appId}' was not found in the directory '${directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  ),
  // Sent when the app's registration exists (in this tenant, or a multi-tenant app's home tenant) but this
  // tenant holds no service principal for it, e.g. after `az ad app create` without `az ad sp create`.
  missingServicePrincipal: make(
    7000229,
    'invalid_client',
    (appId: string, tenantId: string) =>
      `The client application ${appId} is missing service principal in the tenant ${tenantId}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
  ),
  disabledClient: make(
    7000112,
    'unauthorized_client',
    (appId: string, name: string) => `Application '${appId}'(${name}) is disabled.`,
  ),
  invalidSecret: make(
    7000215,
    'invalid_client',
    (appId: string) =>
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
  ),
  expiredSecret: make(
    7000222,
    'invalid_client',
    (appId: string) =>
      `The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  ),
  malformedAssertion: make(50027, 'invalid_request', () => 'JWT token is invalid or malformed.'),
  // UNCONFIRMED code: no public report of the error for an unknown client_assertion_type was found.
  unsupportedAssertionType: make(
    7000219,
    'invalid_request',
    (type: string) => `Client assertion type '${type}' is not supported.`,
  ),
  noThumbprint: make(
    50027,
    'invalid_request',
    () => 'Invalid JWT token. No certificate thumbprint specified in token header.',
  ),
  unsupportedAlgorithm: make(
    5002730,
    'invalid_request',
    () => 'Invalid JWT token. Unsupported key for the signing algorithm.',
  ),
  unknownCertificate: make(
    700027,
    'invalid_client',
    (thumbprint: string, appId: string) =>
      `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${appId}'].`,
  ),
  badCertificateSignature: make(
    700027,
    'invalid_client',
    (reason: string, thumbprint: string, found: string) =>
      `Client assertion contains an invalid signature. [Reason - ${reason}, Thumbprint of key used by client: '${thumbprint}', Found key '${found}'].`,
  ),
  assertionTimeRange: make(
    700024,
    'invalid_client',
    (now: string, from: string, until: string) =>
      `Client assertion is not within its valid time range. Current time: ${now}, assertion valid from ${from}, expiry time of assertion ${until}. ${CERT_DOCS}`,
  ),
  assertionAudience: make(
    50012,
    'invalid_client',
    () => 'Client assertion audience claim does not match Realm issuer.',
  ),
  assertionSubject: make(
    50048,
    'invalid_client',
    () => 'Subject must match the issuer claim in the client assertion.',
  ),
  // The federated codes narrow down which claim found no credential (issuer, then audience, then subject).
  // Wording as in 2024-25 reports; 700211/700212 were only seen with the older docs.microsoft.com link.
  noFederatedIssuer: make(
    700211,
    'invalid_client',
    (issuer: string) =>
      `No matching federated identity record found for presented assertion issuer '${issuer}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOCS_2024}`,
  ),
  noFederatedAudience: make(
    700212,
    'invalid_client',
    (audience: string) =>
      `No matching federated identity record found for presented assertion audience '${audience}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOCS_2024}`,
  ),
  // UNCONFIRMED error field (invalid_client, as 700211/700212 send); the message is the 2025 one.
  noFederatedSubject: make(
    700213,
    'invalid_client',
    (subject: string) =>
      `No matching federated identity record found for presented assertion subject '${subject}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WIF_DOCS}`,
  ),
  // Microsoft's case-sensitivity notice (August 2024): the 700213 template with this sentence also answers
  // an issuer or audience that matches only when letter case is ignored. No field report of it was found.
  federatedCaseSensitive: make(
    700213,
    'invalid_client',
    (subject: string) =>
      `No matching federated identity record found for presented assertion subject '${subject}'. Please note that matching is done using a case-sensitive comparison. Check your federated identity credential Subject, Audience, and Issuer against the presented assertion.`,
  ),
  // UNCONFIRMED error field, as for 700213; the message is the one 2025 GitHub Actions reports quote.
  federatedSubjectCase: make(
    7002138,
    'invalid_client',
    (subject: string) =>
      `No matching federated identity record found for presented assertion subject '${subject}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. See documentation at: ${WIF_DOCS}. See breaking change notification and remediation at: https://learn.microsoft.com/en-us/entra/identity-platform/reference-breaking-changes#august-2024.`,
  ),
  // Seen only for subjects of Entra-issued tokens (`/eid1/...`: Azure DevOps, Bot Service, Copilot Studio);
  // the expected subject is the one sample's shape, the presented one with its tenant segment templated.
  federatedEntraSubject: make(
    7002137,
    'invalid_client',
    (subject: string, expected: string) =>
      `No matching federated identity record found for presented assertion subject '${subject}'. Please make sure the federated identity credential Subject is '${expected}'.`,
  ),
  federatedSignature: make(
    50013,
    'invalid_client',
    (reason: string) => `Assertion failed signature validation. [Reason - ${reason}]`,
  ),
  invalidScope: make(
    70011,
    'invalid_scope',
    (scope: string) =>
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  ),
  scopeNotDefault: make(
    1002012,
    'invalid_scope',
    (scope: string) =>
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  ),
  unknownResource: make(
    500011,
    'invalid_resource',
    (resource: string, tenant: string) =>
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  ),
};

/** Entra's `yyyy-MM-dd HH:mm:ssZ` timestamp. */
export function aadTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Renders an AADSTS error the way the token endpoint sends it; correlation id echoes client-request-id. */
export function aadstsResponse(err: AadstsError, request: EmulatorRequest, now: number): EmulatorResponse {
  const traceId = randomUUID();
  const correlationId = request.headers['client-request-id'] ?? randomUUID();
  const timestamp = aadTimestamp(now);
  return {
    status: err.status,
    headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'x-ms-request-id': traceId },
    body: {
      error: err.error,
      error_description: `AADSTS${err.code}: ${err.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [err.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${request.url.origin}/error?code=${err.code}`,
    },
  };
}
