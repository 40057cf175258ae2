/** What the Lighthouse API can answer with, and what a person should do about it. */

/** The API answered, with an error code (HTTP 200, Response.Error). */
export class ApiError extends Error {
  override name = 'ApiError'
  /** How many attempts were made before giving up. */
  attempts = 1
  constructor(
    readonly action: string,
    readonly code: string,
    readonly apiMessage: string,
    readonly requestId: string
  ) {
    super(`${action} failed: ${code}: ${apiMessage} (RequestId: ${requestId || 'none'})`)
  }

  get hint(): string | undefined {
    return hintFor(this.code)
  }
}

/** No API answer: a gateway status, a timeout, a dropped connection or a body that is not JSON. */
export class TransportError extends Error {
  override name = 'TransportError'
  attempts = 1
  constructor(
    readonly action: string,
    readonly detail: string,
    readonly httpStatus?: number
  ) {
    super(`${action} got no API answer: ${detail}`)
  }
}

const HINTS: Record<string, string> = {
  FailedOperation: 'The API could not complete the operation; run the step again.',
  'FailedOperation.ShareBlueprintAcrossAccountFailed':
    'Sharing failed on the API side; run the step again later.',
  'InvalidParameterValue.AccountIdInvalidAccountArea':
    'The account is on the other site (China vs international): images can only be shared within one site.',
  'InvalidParameterValue.AccountIdSameWithUin':
    'This is the account that owns the image; remove it from "account-ids".',
  'InvalidParameterValue.AccountIdsNotExist':
    'No such account: check the account ID (it is not the QQ number).',
  'InvalidParameterValue.AccountIdsNotOwnerAccount':
    "This is a sub-user's ID; give the root account's ID (Account Center > Account Information).",
  'InvalidParameterValue.BlueprintIdMalformed':
    'The blueprint ID is malformed; it looks like lhbp-6jc6l8yb.',
  'InvalidParameterValue.InvalidBlueprintId':
    'The blueprint ID is not valid here: check it, and that "region" is the region the image is in.',
  'InvalidParameterValue.InvalidBlueprintState':
    'The image is not in a state that can be shared; it must be NORMAL.',
  'LimitExceeded.ShareBlueprintAcrossAccountQuotaLimitExceeded':
    'The image has reached its share quota: revoke shares that are no longer needed, or ask Tencent Cloud for a higher quota.',
  'OperationDenied.BlueprintOperationInProgress':
    'Another operation on the image is in progress; run the step again when it is done.',
  'ResourceInUse.BlueprintModifyingSharePermission':
    "The image's sharing is being changed by another request; run the step again in a moment.",
  'ResourceNotFound.BlueprintIdNotFound':
    'No such image: check "blueprint-id", and that "region" is the region the image is in.',
  'ResourceNotFound.PrivateBlueprintNotFound':
    'No such custom image: only your own custom images can be shared; check "blueprint-id" and "region".',
  'UnauthorizedOperation.NoPermission':
    'The credentials lack permission: allow lighthouse:DescribeBlueprints, lighthouse:DescribeBlueprintsShareAcrossAccountInfos, ' +
    'lighthouse:ShareBlueprintAcrossAccounts and (to revoke) lighthouse:CancelShareBlueprintAcrossAccounts in CAM.',
  'UnauthorizedOperation.TokenInvalid':
    'The session token is invalid or belongs to other credentials: check "session-token".',
  'UnsupportedOperation.BlueprintAlreadyShared':
    'One of the accounts already has the share (it changed since it was read); run the step again.',
  'UnsupportedOperation.BlueprintHasNotShared':
    'One of the accounts does not have the share (it changed since it was read); run the step again.',
  'UnsupportedOperation.BlueprintCurStateInvalid':
    'The image is not NORMAL right now; run the step again when it is.',
  'UnsupportedOperation.BlueprintLatestOperationUnfinished':
    'The last operation on the image has not finished; run the step again when it has.',
  'UnsupportedOperation.BlueprintOccupied':
    'The image is in use by another operation; run the step again later.',
  'AuthFailure.SecretIdNotFound':
    'The secret ID does not exist or is disabled: check "secret-id" in CAM > API Keys.',
  'AuthFailure.SignatureFailure': 'The signature does not match: check "secret-key".',
  'AuthFailure.SignatureExpire':
    "The request's timestamp is too far from the server's time: check the runner's clock.",
  'AuthFailure.TokenFailure':
    'The session token is invalid or expired: get new temporary credentials.',
  'AuthFailure.UnauthorizedOperation':
    'The credentials lack permission for this action: check the CAM policy.',
  'AuthFailure.InvalidSecretId': 'The secret ID is malformed: check "secret-id".',
  UnsupportedRegion: 'Lighthouse is not offered in this region: check "region".',
  RequestLimitExceeded: 'Too many requests: run the step again in a moment.',
  InternalError: 'Tencent Cloud had an internal error; run the step again.',
  ServiceUnavailable: 'The service is unavailable right now; run the step again later.'
}

/** The hint for a code, falling back to its family (RequestLimitExceeded.UinLimitExceeded → RequestLimitExceeded). */
function hintFor(code: string): string | undefined {
  for (let key = code; key; key = key.slice(0, Math.max(key.lastIndexOf('.'), 0))) {
    if (HINTS[key]) return HINTS[key]
  }
  return undefined
}

/** Codes that fault one of the accounts in a share call, without saying which. */
export const PER_ACCOUNT_CODES: readonly string[] = [
  'InvalidParameterValue.AccountIdsNotExist',
  'InvalidParameterValue.AccountIdsNotOwnerAccount',
  'InvalidParameterValue.AccountIdSameWithUin',
  'InvalidParameterValue.AccountIdInvalidAccountArea'
]

export function isPerAccountError(error: unknown): error is ApiError {
  return error instanceof ApiError && PER_ACCOUNT_CODES.includes(error.code)
}

/** The whole error on one line, with its hint when there is one. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const retried =
    'attempts' in error && Number(error.attempts) > 1 ? ` after ${error.attempts} attempts` : ''
  if (error instanceof ApiError && error.hint) return `${error.message}${retried}. ${error.hint}`
  return `${error.message}${retried}`
}
