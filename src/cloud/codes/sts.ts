/** STS (2018-08-13): the web identity call the step signs in with, and AssumeRole for the organization's role. */
import { COMMON_CODES } from './common.js'
import { ASK_AGAIN, type CodeMeaning } from './meaning.js'

/** STS (2018-08-13): the codes Tencent lists for AssumeRoleWithWebIdentity, and the common ones. */
export const STS_CODES: Record<string, CodeMeaning> = {
  ...COMMON_CODES,
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
    hint: 'STS could not get the role: check {role} (the account ID, and the role name or ID), and that the role exists in CAM.',
    otherSite: true
  },
  'InvalidParameter.WebIdentityTokenError': {
    kind: 'permanent',
    hint:
      'STS rejected the GitHub token: check that {provider} names a CAM OIDC identity provider for ' +
      'https://token.actions.githubusercontent.com whose client ID equals {audience}, and that its ' +
      "identity keys are GitHub's current signing keys: after GitHub rotates them, a provider with static keys " +
      'rejects every token. Turn on automatic key rotation for the provider, or update its keys.'
  },
  'InvalidParameter.ParamError': {
    kind: 'permanent',
    hint:
      "STS refused a parameter: check {role}, {provider} (the provider's name in CAM > Identity Providers > Role SSO), " +
      "{sessionName} and {duration} (at most 43200, and no more than the role's maximum session duration)."
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

const ASSUME_ORGANIZATION_ROLE =
  "check {organizationRole} (the management account's ID and the role name or ID), and that the role exists in CAM there"

/**
 * STS AssumeRole (the organization role): the same service as the web
 * identity call, but its codes mean other things to whoever reads them.
 */
export const ASSUME_ROLE_CODES: Record<string, CodeMeaning> = {
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
    hint: 'The account the role belongs to does not exist or is not available: check {organizationRole}.'
  },
  'InvalidParameter.OverTimeError': {
    kind: 'permanent',
    hint: "The session asked for is longer than the role allows: lower {duration}, or raise the role's maximum session duration."
  },
  'InvalidParameter.ParamError': {
    kind: 'permanent',
    hint: 'STS refused a parameter: check {organizationRole}, {sessionName} and {duration}.'
  },
  UnauthorizedOperation: {
    kind: 'permanent',
    hint:
      'The trust policy of the role in {organizationRole} does not let the image account assume it, or ' +
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
