// Graph's OData error shape and the catalogue of errors the emulated directory answers with, using the
// codes and messages the live service sends (sources in emulator/README.md, section Graph).

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface RequestIds {
  requestId: string;
  clientRequestId: string;
  /** Emulated time of the request, epoch ms. */
  time: number;
}

/** Graph writes innerError.date without milliseconds or zone: "2020-08-18T12:51:51". */
export function graphDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

export function errorBody(
  code: string,
  message: string,
  ids: RequestIds,
  inner: Record<string, string> = {},
) {
  return {
    error: {
      code,
      message,
      innerError: {
        ...inner,
        date: graphDate(ids.time),
        'request-id': ids.requestId,
        'client-request-id': ids.clientRequestId,
      },
    },
  };
}

/** The 429 body of DC concepts/throttling.md, with Graph's inner code/status fields. */
export function throttledBody(ids: RequestIds) {
  return errorBody('TooManyRequests', 'Please retry again later.', ids, {
    code: '429',
    message: 'Please retry after',
    status: '429',
  });
}

const bad = (code: string, message: string) => new GraphError(400, code, message);

export const graphErrors = {
  segmentNotFound: (segment: string) => bad('BadRequest', `Resource not found for the segment '${segment}'.`),
  resourceNotFound: (id: string) =>
    new GraphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  insufficientPrivileges: () =>
    new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  methodNotAllowed: () =>
    new GraphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.'),
  invalidJson: () =>
    bad(
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    ),
  unknownProperty: (name: string, type: string) =>
    bad(
      'BadRequest',
      `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type 'microsoft.graph.${type}'.`,
    ),
  invalidSelect: () => bad('Request_BadRequest', 'Invalid $select properties.'),
  invalidPageSize: (raw: string, max = 999) =>
    bad(
      'Request_UnsupportedQuery',
      `Invalid page size specified: '${raw}'. Must be between 1 and ${max} inclusive.`,
    ),
  // Field reports (microsoft-graph-docs issues 3808, 12919; steampipe-plugin-azuread 98) quote this 403 for
  // reports and sign-in logs read from a tenant without Entra ID P1/P2; facts §6.3 quotes the message.
  nonPremiumTenant: () =>
    new GraphError(
      403,
      'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
      "Neither tenant is B2C or tenant doesn't have premium license",
    ),
  tooManyExpands: (max: number, found: number) =>
    bad(
      'BadRequest',
      `The result of parsing $expand contained at least ${found} items, but the maximum allowed is ${max}.`,
    ),
  unsupportedFilterProperty: (property: string, resource: string) =>
    bad(
      'Request_UnsupportedQuery',
      `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'.`,
    ),
  unsupportedFilterOperator: (operator: string) =>
    bad('Request_UnsupportedQuery', `Unsupported property filter clause operator '${operator}'.`),
  unsupportedQuery: () => bad('Request_UnsupportedQuery', 'Unsupported query.'),
  // The wording field reports quote for an `in` list or `or` chain over 15 clauses (known issue 13635).
  tooManyFilterClauses: (clauses: number, limit: number) =>
    bad(
      'Request_UnsupportedQuery',
      `Too many child clauses specified in search filter expression containing 'OR' operators: ${clauses}. Max allowed: ${limit}.`,
    ),
  invalidFilter: (detail: string) => bad('BadRequest', `Invalid filter clause: ${detail}`),
  rawCountNeedsConsistency: () =>
    bad(
      'Request_UnsupportedQuery',
      "Raw count (/$count) is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information",
    ),
  // Unconfirmed wording: Graph's skiptoken is opaque and no source quotes its rejection message.
  invalidSkipToken: () =>
    bad('Request_BadRequest', 'Invalid $skiptoken value. Send @odata.nextLink back unchanged.'),
  skipNotSupported: () => bad('Request_BadRequest', "'$skip' is not supported by the service."),
  emulatorUnsupported: (what: string) =>
    bad('Request_UnsupportedQuery', `${what} is not supported by the Lanyard Graph emulator.`),
  badRequest: (message: string) => bad('BadRequest', message),
  internal: () => new GraphError(500, 'generalException', 'An unspecified error has occurred.'),
};
