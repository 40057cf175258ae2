/** API 3.0's common codes, as every service answers them (each service's table adds its own). */
import { ASK_AGAIN, type CodeMeaning } from './meaning.js'

export const COMMON_CODES: Record<string, CodeMeaning> = {
  RequestLimitExceeded: {
    kind: 'rate-limited',
    hint: `Too many requests: ${ASK_AGAIN} in a moment.`
  },
  InternalError: { kind: 'transient', hint: `Tencent Cloud had an internal error; ${ASK_AGAIN}.` },
  ServiceUnavailable: {
    kind: 'transient',
    hint: `The service is unavailable right now; ${ASK_AGAIN} later.`
  },
  // "Operation failed", nothing more: Tencent does not say a retry helps.
  FailedOperation: {
    kind: 'permanent',
    hint: 'The API could not complete the operation and gave no reason: give the RequestId to Tencent Cloud support.'
  },
  ActionOffline: {
    kind: 'not-served',
    hint: 'The API has taken this action offline.'
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
  'AuthFailure.SecretIdNotFound': {
    kind: 'permanent',
    hint: 'The secret ID does not exist or is disabled: check {secretId} in CAM > API Keys.',
    otherSite: true
  },
  'AuthFailure.SignatureFailure': {
    kind: 'permanent',
    hint: 'The signature does not match: check {secretKey}.'
  },
  'AuthFailure.SignatureExpire': {
    kind: 'permanent',
    hint: "The request's timestamp is too far from the server's time: check the runner's clock."
  },
  'AuthFailure.InvalidSecretId': {
    kind: 'permanent',
    hint: 'The secret ID is malformed: check {secretId}.'
  }
}
