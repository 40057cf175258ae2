/** What the Lighthouse, STS and Organization APIs can answer with, and what to do about each code. */
import { OUTSIDE_TEXT_LIMIT, bounded, neutralize } from '../common/untrusted.js'

export type Service = 'lighthouse' | 'sts' | 'organization'

/**
 * What a code means to this action:
 * - transient: the service is busy or failed on its side; retry with backoff.
 * - rate-limited: a per-second limit was hit; retry, a second later at the earliest.
 * - image-busy: another operation on the image will end; retry.
 * - image-state: the image left NORMAL; wait for it again.
 * - per-account: one account in the call is refused, and the API does not say which.
 * - already-shared / not-shared: some account already is where the call would put it.
 * - credentials-expired: renew temporary credentials and try once more.
 * - not-served: the site's API has no such action (the international site lacks the share-list read).
 * - denied: the credentials may not call this action (CAM).
 * - not-deletable: DeleteBlueprints refused this image (in use, or in a state that cannot be deleted): it is kept.
 * - gone: what was to be removed is not there any more (deleted meanwhile, or by a call whose answer was lost).
 * - permanent: retrying cannot help.
 */
export type CodeKind =
  | 'transient'
  | 'rate-limited'
  | 'image-busy'
  | 'image-state'
  | 'per-account'
  | 'already-shared'
  | 'not-shared'
  | 'credentials-expired'
  | 'not-served'
  | 'denied'
  | 'not-deletable'
  | 'gone'
  | 'permanent'

interface CodeMeaning {
  kind: CodeKind
  hint?: string
  /** Usually means an account of the other site (China vs international): the hint then names both endpoints. */
  otherSite?: boolean
  /** The hint when the credentials are a role's (GitHub OIDC), where there are no keys or token to check. */
  roleHint?: string
}

const ASK_AGAIN = 'run the step again'

/** Lighthouse (2020-03-24) and the common codes of API 3.0; a code not listed is looked up by its family. */
const LIGHTHOUSE_CODES: Record<string, CodeMeaning> = {
  RequestLimitExceeded: {
    kind: 'rate-limited',
    hint: `Too many requests: ${ASK_AGAIN} in a moment.`
  },
  InternalError: { kind: 'transient', hint: `Tencent Cloud had an internal error; ${ASK_AGAIN}.` },
  ServiceUnavailable: {
    kind: 'transient',
    hint: `The service is unavailable right now; ${ASK_AGAIN} later.`
  },
  FailedOperation: {
    kind: 'permanent',
    hint: `The API could not complete the operation; ${ASK_AGAIN}.`
  },
  // DescribeBlueprints: "query failed, try again later".
  'FailedOperation.DescribeBlueprintsFailed': {
    kind: 'transient',
    hint: `Reading the image failed on the API side; ${ASK_AGAIN} later.`
  },
  InvalidAction: {
    kind: 'not-served',
    hint: 'This site\'s API does not offer the action: check "endpoint" (the China site is lighthouse.tencentcloudapi.com).'
  },
  ActionOffline: {
    kind: 'not-served',
    hint: 'The API has taken this action offline.'
  },
  'FailedOperation.ShareBlueprintAcrossAccountFailed': {
    kind: 'transient',
    hint: `Sharing failed on the API side; ${ASK_AGAIN} later.`
  },
  'OperationDenied.BlueprintOperationInProgress': {
    kind: 'image-busy',
    hint: `Another operation on the image is in progress; ${ASK_AGAIN} when it is done.`
  },
  'UnsupportedOperation.BlueprintLatestOperationUnfinished': {
    kind: 'image-busy',
    hint: `The last operation on the image has not finished; ${ASK_AGAIN} when it has.`
  },
  'ResourceInUse.BlueprintModifyingSharePermission': {
    kind: 'image-busy',
    hint: `The image's sharing is being changed by another request; ${ASK_AGAIN} in a moment.`
  },
  'UnsupportedOperation.BlueprintCurStateInvalid': {
    kind: 'image-state',
    hint: `The image is not NORMAL right now; ${ASK_AGAIN} when it is.`
  },
  'InvalidParameterValue.AccountIdInvalidAccountArea': {
    kind: 'per-account',
    hint: 'The account is on the other site (China vs international): images can only be shared within one site.',
    otherSite: true
  },
  'InvalidParameterValue.AccountIdSameWithUin': {
    kind: 'per-account',
    hint: 'This is the account that owns the image; remove it from "account-ids".'
  },
  'InvalidParameterValue.AccountIdsNotExist': {
    kind: 'per-account',
    hint: 'No such account: check the account ID (it is not the QQ number).'
  },
  'InvalidParameterValue.AccountIdsNotOwnerAccount': {
    kind: 'per-account',
    hint: "This is a sub-user's ID; give the root account's ID (Account Center > Account Information)."
  },
  'UnsupportedOperation.BlueprintAlreadyShared': {
    kind: 'already-shared',
    hint: `One of the accounts already has the share (it changed since it was read); ${ASK_AGAIN}.`
  },
  'UnsupportedOperation.BlueprintHasNotShared': {
    kind: 'not-shared',
    hint: `One of the accounts does not have the share (it changed since it was read); ${ASK_AGAIN}.`
  },
  'AuthFailure.TokenFailure': {
    kind: 'credentials-expired',
    hint: 'The session token ({token}) is invalid or expired: get new temporary credentials.',
    roleHint: `The role's temporary credentials were refused as expired, also after renewing them: check the runner's clock, and ${ASK_AGAIN}.`
  },
  'UnauthorizedOperation.TokenInvalid': {
    kind: 'credentials-expired',
    hint: 'The session token is invalid or belongs to other credentials: check {token}.',
    roleHint: `The role's session token was refused, also after renewing it; ${ASK_AGAIN}.`
  },
  'InvalidParameterValue.BlueprintIdMalformed': {
    kind: 'permanent',
    hint: 'The blueprint ID is malformed; it looks like lhbp-6jc6l8yb.'
  },
  'InvalidParameterValue.InvalidBlueprintId': {
    kind: 'permanent',
    hint: 'The blueprint ID is not valid here: check it, and that "region" is the region the image is in.'
  },
  // An invalid state *value* (a filter), not "the image must be NORMAL" (that is BlueprintCurStateInvalid).
  'InvalidParameterValue.InvalidBlueprintState': {
    kind: 'permanent',
    hint: 'The API refused an image state value in the request.'
  },
  'LimitExceeded.ShareBlueprintAcrossAccountQuotaLimitExceeded': {
    kind: 'permanent',
    hint: 'The image has reached its share quota: revoke shares that are no longer needed, or ask Tencent Cloud for a higher quota.'
  },
  'ResourceNotFound.BlueprintIdNotFound': {
    kind: 'permanent',
    hint: 'No such image: check "blueprint-id", and that "region" is the region the image is in.'
  },
  'ResourceNotFound.PrivateBlueprintNotFound': {
    kind: 'permanent',
    hint: 'No such custom image: only your own custom images can be shared; check "blueprint-id" and "region".'
  },
  'UnauthorizedOperation.NoPermission': {
    kind: 'denied',
    hint:
      'The credentials lack permission: allow lighthouse:DescribeBlueprints, lighthouse:ShareBlueprintAcrossAccounts, ' +
      '(to revoke, and with keep-shared) lighthouse:CancelShareBlueprintAcrossAccounts, (with copy-to-regions) ' +
      'lighthouse:SyncBlueprint, lighthouse:ModifyBlueprintAttribute and lighthouse:DescribeGeneralResourceQuotas, ' +
      '(with keep-images) lighthouse:DeleteBlueprints, and (to read the shares where the site offers it) ' +
      'lighthouse:DescribeBlueprintsShareAcrossAccountInfos in CAM.'
  },
  'UnsupportedOperation.BlueprintOccupied': {
    kind: 'permanent',
    hint: `The image is in use by another operation; ${ASK_AGAIN} later.`
  },
  'AuthFailure.SecretIdNotFound': {
    kind: 'permanent',
    hint: 'The secret ID does not exist or is disabled: check "secret-id" in CAM > API Keys.',
    otherSite: true
  },
  'AuthFailure.SignatureFailure': {
    kind: 'permanent',
    hint: 'The signature does not match: check "secret-key".'
  },
  'AuthFailure.SignatureExpire': {
    kind: 'permanent',
    hint: "The request's timestamp is too far from the server's time: check the runner's clock."
  },
  'AuthFailure.UnauthorizedOperation': {
    kind: 'denied',
    hint: 'The credentials lack permission for this action: check the CAM policy.'
  },
  'AuthFailure.InvalidSecretId': {
    kind: 'permanent',
    hint: 'The secret ID is malformed: check "secret-id".'
  },
  UnsupportedRegion: {
    kind: 'permanent',
    hint: 'Lighthouse is not offered in this region: check "region".'
  },
  // SyncBlueprint (copy-to-regions).
  'LimitExceeded.SyncBlueprintQuotaLimitExceeded': {
    kind: 'permanent',
    hint: 'The quota of image copies is used up: delete copies that are no longer needed, or ask Tencent Cloud for a higher quota.'
  },
  'FailedOperation.UnableToSyncBlueprint': {
    kind: 'permanent',
    hint: "The image's current state cannot be copied to other regions: it must be NORMAL, with no other copy under way."
  },
  'FailedOperation.DescribeBlueprintQuotaFailed': {
    kind: 'transient',
    hint: `Reading the destination's image quota failed on the API side; ${ASK_AGAIN} later.`
  },
  'FailedOperation.BalanceInsufficient': {
    kind: 'permanent',
    hint: 'The account balance is too low to copy the image: top up the account (Billing Center), then run the step again.'
  },
  'UnauthorizedOperation.NotCertification': {
    kind: 'permanent',
    hint: 'The account has no real-name verification, which copying the image needs: verify it in Account Center.'
  },
  'UnauthorizedOperation.CertificationNeedUpgrade': {
    kind: 'permanent',
    hint: "The account's real-name information must be completed before it can buy resources (copying the image): complete it in Account Center."
  },
  LimitExceeded: {
    kind: 'permanent',
    hint: 'A quota was exceeded: delete images that are no longer needed in the destination region, or ask Tencent Cloud for a higher quota.'
  },
  'InvalidParameterValue.UnavailableRegion': {
    kind: 'permanent',
    hint: 'Images cannot be copied to this region: remove it from "copy-to-regions".'
  },
  'InvalidParameterValue.DestinationRegionSameAsSourceRegion': {
    kind: 'permanent',
    hint: "A destination is the image's own region: it needs no copy."
  },
  'InvalidParameterValue.Duplicated': {
    kind: 'permanent',
    hint: 'A region is listed twice in "copy-to-regions".'
  },
  // DeleteBlueprints (keep-images).
  'ResourceNotFound.BlueprintNotFound': {
    kind: 'permanent',
    hint: 'No such custom image: it was deleted, or is not a custom image.'
  },
  'FailedOperation.DestroyResourcesFailed': {
    kind: 'transient',
    hint: `Deleting the image failed on the API side; ${ASK_AGAIN} later.`
  },
  'FailedOperation.TradeCallBillingGatewayFailed': {
    kind: 'transient',
    hint: `The billing service did not answer; ${ASK_AGAIN} later.`
  },
  'UnsupportedOperation.NotSupportSharedBlueprint': {
    kind: 'permanent',
    hint: 'The image is shared with this account by another: only your own custom images can be changed.'
  },
  // DescribeGeneralResourceQuotas (copy-to-regions).
  'InvalidParameterValue.InvalidResourceQuotaResourceName': {
    kind: 'permanent',
    hint: 'The API does not know the quota name BLUEPRINT here.'
  },
  'InvalidParameterValue.NotSupportCrossBorderSyncBlueprint': {
    kind: 'permanent',
    hint: 'Images cannot be copied between the Chinese mainland and other regions: check "copy-to-regions".'
  }
}

/** STS (2018-08-13): the codes Tencent lists for AssumeRoleWithWebIdentity, and the common ones. */
const STS_CODES: Record<string, CodeMeaning> = {
  RequestLimitExceeded: {
    kind: 'rate-limited',
    hint: `Too many requests to STS: ${ASK_AGAIN} in a moment.`
  },
  // "Frequency limit exceeded", not a parameter that is too large.
  'InvalidParameter.OverLimit': {
    kind: 'rate-limited',
    hint: `STS's frequency limit for this role was exceeded: ${ASK_AGAIN} in a moment, or run fewer jobs with the role at once.`
  },
  InternalError: { kind: 'transient', hint: `STS had an internal error; ${ASK_AGAIN}.` },
  // Not transient, unlike the rest of its family: the role could not be got (it does not exist, or the ARN is wrong).
  'InternalError.GetRoleError': {
    kind: 'permanent',
    hint: 'STS could not get the role: check "role-arn" (the account ID, and the role name or ID), and that the role exists in CAM.',
    otherSite: true
  },
  'InvalidParameter.WebIdentityTokenError': {
    kind: 'permanent',
    hint:
      'STS rejected the GitHub token: check that "oidc-provider-id" names a CAM OIDC identity provider for ' +
      'https://token.actions.githubusercontent.com whose client ID equals "oidc-audience", and that its ' +
      "identity keys are GitHub's current signing keys: after GitHub rotates them, a provider with static keys " +
      'rejects every token. Turn on automatic key rotation for the provider, or update its keys.'
  },
  'InvalidParameter.ParamError': {
    kind: 'permanent',
    hint:
      'STS refused a parameter: check "role-arn", "oidc-provider-id" (the provider\'s name in CAM > Identity Providers > Role SSO), ' +
      '"role-session-name" and "role-duration-seconds" (at most 43200, and no more than the role\'s maximum session duration).'
  },
  UnauthorizedOperation: {
    kind: 'permanent',
    hint:
      "The role's trust policy does not allow this token: check its oidc:sub condition against this job's sub " +
      '(repo:OWNER/REPO:ref:refs/heads/main, or for newer repositories the form with IDs, ' +
      'repo:OWNER@OWNER_ID/REPO@REPO_ID:ref:refs/heads/main; pull requests are repo:OWNER/REPO:pull_request), ' +
      'its oidc:aud condition, and the provider name. With step debug logging on, the token claims are logged.'
  }
}

/** API 3.0's common codes, as every service answers them. */
const COMMON_CODES: Record<string, CodeMeaning> = Object.fromEntries(
  [
    'RequestLimitExceeded',
    'InternalError',
    'ServiceUnavailable',
    'FailedOperation',
    'ActionOffline',
    'AuthFailure.SecretIdNotFound',
    'AuthFailure.SignatureFailure',
    'AuthFailure.SignatureExpire',
    'AuthFailure.InvalidSecretId',
    'AuthFailure.TokenFailure',
    'UnauthorizedOperation.TokenInvalid'
  ].map((code) => [code, LIGHTHOUSE_CODES[code]])
)

const READ_ORGANIZATION =
  'allow organization:DescribeOrganization, organization:DescribeOrganizationNodes and ' +
  'organization:DescribeOrganizationMembers in CAM for the credentials that read it, and read it as the ' +
  'management account: set "organization-role-arn" to a role there that the image account may assume.'

/** Organization (2021-03-31): the codes Tencent lists for the three reads, and the common ones. */
const ORGANIZATION_CODES: Record<string, CodeMeaning> = {
  ...COMMON_CODES,
  InvalidAction: {
    kind: 'permanent',
    hint: "This site's Organization API does not offer the action."
  },
  'ResourceNotFound.OrganizationNotExist': {
    kind: 'permanent',
    hint:
      'The account whose credentials read the organization is in no organization: check that the image ' +
      'account is a member, or set "organization-role-arn" to a role in the management account.'
  },
  'ResourceNotFound.OrganizationNodeNotExist': {
    kind: 'permanent',
    hint: 'A unit is not in the organization: check the unit IDs (NodeId) in "organization-units".'
  },
  'ResourceNotFound.OrganizationServiceNotExist': {
    kind: 'permanent',
    hint: 'The organization has no such service set up: read it as the management account ("organization-role-arn").'
  },
  'FailedOperation.OperateBillingPermissionErr': {
    kind: 'denied',
    hint: `The organization refused to show its members to these credentials: ${READ_ORGANIZATION}`
  },
  'AuthFailure.UnauthorizedOperation': {
    kind: 'denied',
    hint: `The credentials may not read the organization: ${READ_ORGANIZATION}`
  },
  UnauthorizedOperation: {
    kind: 'denied',
    hint: `The credentials may not read the organization: ${READ_ORGANIZATION}`
  }
}

const ASSUME_ORGANIZATION_ROLE =
  'check "organization-role-arn" (the management account\'s ID and the role name or ID), and that the role exists in CAM there'

/**
 * STS AssumeRole (the organization role): the same service as the web
 * identity call, but its codes mean other things to whoever reads them.
 */
const ASSUME_ROLE_CODES: Record<string, CodeMeaning> = {
  'InternalError.GetRoleError': {
    kind: 'permanent',
    hint: `STS could not get the role: ${ASSUME_ORGANIZATION_ROLE}.`
  },
  'InternalError.IllegalRole': {
    kind: 'permanent',
    hint: `STS says the role is not valid: ${ASSUME_ORGANIZATION_ROLE}.`
  },
  'ResourceNotFound.RoleNotFound': {
    kind: 'permanent',
    hint: `The role does not exist: ${ASSUME_ORGANIZATION_ROLE}.`
  },
  'InvalidParameter.AccountNotAvaliable': {
    kind: 'permanent',
    hint: 'The account the role belongs to does not exist or is not available: check "organization-role-arn".'
  },
  'InvalidParameter.OverTimeError': {
    kind: 'permanent',
    hint: 'The session asked for is longer than the role allows: lower "role-duration-seconds", or raise the role\'s maximum session duration.'
  },
  'InvalidParameter.ParamError': {
    kind: 'permanent',
    hint: 'STS refused a parameter: check "organization-role-arn", "role-session-name" and "role-duration-seconds".'
  },
  UnauthorizedOperation: {
    kind: 'permanent',
    hint:
      'The trust policy of the role in "organization-role-arn" does not let the image account assume it, or ' +
      "the step's credentials may not call sts:AssumeRole: " +
      'in the management account, the trust policy must name the image account ' +
      '(principal qcs::cam::uin/<image account>:root, action name/sts:AssumeRole); in the image account, the ' +
      "step's credentials need sts:AssumeRole on the role."
  },
  'FailedOperation.CheckMFAError': {
    kind: 'permanent',
    hint: 'The role asks for MFA, which a workflow cannot give: use a role without an MFA condition.'
  },
  'FailedOperation.MFATypeNotSupported': {
    kind: 'permanent',
    hint: 'The role asks for MFA, which a workflow cannot give: use a role without an MFA condition.'
  }
}

const CODES: Record<Service, Record<string, CodeMeaning>> = {
  lighthouse: LIGHTHOUSE_CODES,
  sts: STS_CODES,
  organization: ORGANIZATION_CODES
}

const GONE: CodeMeaning = {
  kind: 'gone',
  hint: 'The image is not there: it was deleted (by this run, if an earlier answer was lost).'
}

/** DeleteBlueprints: an image the API will not delete is kept, not a failure. */
const DELETE_CODES: Record<string, CodeMeaning> = {
  ResourceNotFound: GONE,
  'ResourceNotFound.BlueprintIdNotFound': GONE,
  'ResourceNotFound.BlueprintNotFound': GONE,
  'UnsupportedOperation.BlueprintOccupied': {
    kind: 'not-deletable',
    hint: 'The image is in use (instances were created from it, or it is being used): it is kept.'
  },
  'UnsupportedOperation.BlueprintCurStateInvalid': {
    kind: 'not-deletable',
    hint: 'The image is in a state that cannot be deleted (only NORMAL, ISOLATED, CREATEFAILED, SYNCING_FAILED can): it is kept.'
  },
  // "Deleting the resource in the billing resource center failed": the image may or may not be gone.
  'UnsupportedOperation.PostDestroyResourceFailed': {
    kind: 'permanent',
    hint: 'The billing side could not delete the image: delete it in the console, or ask Tencent Cloud.'
  },
  ResourceUnavailable: {
    kind: 'permanent',
    hint: 'The API says the image is not available to delete now: it is kept; delete it later by hand if needed.'
  },
  'UnsupportedOperation.NotSupportSharedBlueprint': {
    kind: 'permanent',
    hint: "The image is another account's, shared with this one: only your own images are deleted."
  },
  'InvalidParameterValue.Duplicated': {
    kind: 'permanent',
    hint: 'The same image was named twice in one call.'
  }
}

/** Where one action's codes mean something else than its service's. */
const ACTION_CODES: Record<string, Record<string, CodeMeaning>> = {
  AssumeRole: ASSUME_ROLE_CODES,
  // Every code Tencent lists for it, each by its own description. Any answer but success is settled by
  // reading the image (gone, or DELETING, means deleted): these say what to do when it is still there.
  DeleteBlueprints: DELETE_CODES
}

/** The code's meaning, else its family's (RequestLimitExceeded.UinLimitExceeded → RequestLimitExceeded). */
function meaningOf(service: Service, code: string, action = ''): CodeMeaning {
  const tables = [ACTION_CODES[action], CODES[service]].filter(Boolean)
  for (let key = code; key; key = key.slice(0, Math.max(key.lastIndexOf('.'), 0))) {
    for (const table of tables) if (Object.hasOwn(table, key)) return table[key]
  }
  return { kind: 'permanent' }
}

/** What a hint may name about where the request went: the site, and where the session token came from. */
export interface RequestContext {
  /** The site of the endpoint, and the same service's endpoint on the other site. */
  site?: { name: 'China' | 'international'; host: string; other: { name: string; host: string } }
  /** Where a session token of API keys came from: input "session-token" or the variable it was read from. */
  tokenSource?: string
}

/** The API answered, with an error code (HTTP 200, Response.Error). Its text is neutralized: it came from outside. */
export class ApiError extends Error {
  override name = 'ApiError'
  /** How many attempts were made before giving up. */
  attempts = 1
  readonly code: string
  readonly apiMessage: string
  readonly requestId: string

  constructor(
    readonly action: string,
    code: string,
    apiMessage: string,
    requestId: string,
    readonly service: Service = 'lighthouse',
    /** The request was signed with a role's temporary credentials (GitHub OIDC), not with keys. */
    readonly withRole = false,
    readonly context: RequestContext = {}
  ) {
    const safeCode = neutralize(bounded(code, OUTSIDE_TEXT_LIMIT.token))
    const safeMessage = neutralize(bounded(apiMessage, OUTSIDE_TEXT_LIMIT.message))
    const safeRequestId = neutralize(bounded(requestId, OUTSIDE_TEXT_LIMIT.token))
    super(`${action} failed: ${safeCode}: ${safeMessage} (RequestId: ${safeRequestId || 'none'})`)
    this.code = safeCode
    this.apiMessage = safeMessage
    this.requestId = safeRequestId
  }

  get kind(): CodeKind {
    return meaningOf(this.service, this.code, this.action).kind
  }

  get hint(): string | undefined {
    const meaning = meaningOf(this.service, this.code, this.action)
    const hint = ((this.withRole && meaning.roleHint) || meaning.hint)?.replace(
      '{token}',
      this.context.tokenSource ?? '"session-token"'
    )
    const { site } = this.context
    if (!hint || !meaning.otherSite || !site) return hint
    return (
      `${hint} The endpoint is the ${site.name} site's (${site.host}); an account of the ` +
      `${site.other.name} site needs ${site.other.host}.`
    )
  }
}

/** No API answer: a gateway status, a timeout, a dropped connection or a body that is not JSON. */
export class TransportError extends Error {
  override name = 'TransportError'
  attempts = 1
  readonly detail: string
  constructor(
    readonly action: string,
    detail: string,
    readonly httpStatus?: number
  ) {
    const safeDetail = neutralize(bounded(detail, OUTSIDE_TEXT_LIMIT.message))
    super(`${action} got no API answer: ${safeDetail}`)
    this.detail = safeDetail
  }
}

/**
 * No retry can help, only a corrected input or network: the host does not
 * exist, the endpoint answered with a redirect (never followed), or the proxy
 * refused the tunnel.
 */
export class EndpointError extends Error {
  override name = 'EndpointError'
}

export function isPerAccountError(error: unknown): error is ApiError {
  return error instanceof ApiError && error.kind === 'per-account'
}

export function kindOf(service: Service, code: string): CodeKind {
  return meaningOf(service, code).kind
}

/** The whole error on one line, with its hint when there is one; safe to print. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return neutralize(String(error))
  const retried =
    'attempts' in error && Number(error.attempts) > 1
      ? ` after ${Number(error.attempts)} attempts`
      : ''
  const hint = error instanceof ApiError && error.hint ? `. ${error.hint}` : ''
  return neutralize(`${error.message}${retried}${hint}`)
}
