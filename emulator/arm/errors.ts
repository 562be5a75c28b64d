// ARM's error body, `{ "error": { "code", "message" } }` (facts §9), and the errors the emulator answers
// with. Codes and messages quoted from live responses are marked with their source; the rest are ours.

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const armErrors = {
  // Widely reported wording of ARM's gateway.
  missingApiVersion: () =>
    new ArmError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    ),
  subscriptionNotFound: (id: string) =>
    new ArmError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`),
  resourceGroupNotFound: (name: string) =>
    new ArmError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`),
  resourceNotFound: (type: string, name: string, group: string) =>
    new ArmError(
      404,
      'ResourceNotFound',
      `The Resource '${type}/${name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    ),
  // Ours: no source quotes these two.
  managementGroupNotFound: (name: string) =>
    new ArmError(404, 'NotFound', `Management group '${name}' was not found.`),
  roleDefinitionNotFound: (id: string) =>
    new ArmError(
      404,
      'RoleDefinitionDoesNotExist',
      `The specified role definition with ID '${id}' does not exist.`,
    ),
  /** Azure/ARO-RP issue 66 (2020) and later reports quote this wording. */
  authorizationFailed: (appId: string, objectId: string, action: string, scope: string) =>
    new ArmError(
      403,
      'AuthorizationFailed',
      `The client '${appId}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    ),
  // Ours.
  invalidFilter: (filter: string) =>
    new ArmError(400, 'InvalidFilter', `The filter '${filter}' is not supported by this emulator.`),
  invalidSkipToken: () => new ArmError(400, 'InvalidSkipToken', 'The skip token is invalid or has expired.'),
  invalidTop: (value: string) =>
    new ArmError(400, 'InvalidParameter', `The value '${value}' of $top must be an integer from 1 to 1000.`),
  unknownPath: (path: string) =>
    new ArmError(404, 'NotFound', `The emulated Azure Resource Manager does not serve '${path}'.`),
  methodNotAllowed: (method: string) =>
    new ArmError(
      405,
      'MethodNotAllowed',
      `The emulated Azure Resource Manager is read-only; ${method} is refused.`,
    ),
  internal: () => new ArmError(500, 'InternalServerError', 'Encountered internal server error.'),
};
