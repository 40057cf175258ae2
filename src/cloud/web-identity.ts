/** Temporary credentials from STS AssumeRoleWithWebIdentity, with the job's GitHub OIDC token. */
import { TransportError, describeError } from './api-errors.js'
import type { ApiResponse } from './api-transport.js'
import { neutralize } from '../common/untrusted.js'
import type { CredentialProvider, Credentials, WebIdentitySettings } from './credential-provider.js'
import type { Clock } from '../common/clock.js'
import type { Logger } from '../common/logger.js'
import { backoffDelay, retrying, type Caller, type RetryPolicy } from './retry.js'

/** Getting or using credentials failed: reported as is, never retried as a Lighthouse call. */
export class CredentialError extends Error {
  override name = 'CredentialError'
}

/** ID token attempts: the token service is reached through the runner and rarely fails twice. */
const ID_TOKEN_ATTEMPTS = 3

export interface WebIdentityDeps {
  /** core.getIDToken: asks the runner for a signed token for this audience. */
  fetchIdToken(audience: string): Promise<string>
  sts: Caller
  clock: Clock
  random: () => number
  policy: RetryPolicy
  setSecret(secret: string): void
  log: Logger
}

export class WebIdentityCredentials implements CredentialProvider {
  readonly identity: string
  private current?: Credentials
  private renewAt = 0
  private pending?: Promise<Credentials>

  constructor(
    private readonly settings: WebIdentitySettings,
    private readonly deps: WebIdentityDeps
  ) {
    this.identity = `role ${settings.roleArn} (session ${settings.sessionName})`
  }

  get(): Promise<Credentials> {
    if (this.current && this.deps.clock.now() < this.renewAt) return Promise.resolve(this.current)
    this.pending ??= this.assumeRole().finally(() => (this.pending = undefined))
    return this.pending
  }

  /** The API said the credentials expired (its clock decides): assume the role again now. */
  async renew(): Promise<void> {
    this.renewAt = 0
    await this.get()
  }

  private async assumeRole(): Promise<Credentials> {
    const { settings, deps } = this
    const token = await this.idToken()
    const claims = tokenClaims(token)
    // What the role's trust policy is matched against; the signature, which makes it a credential, is left out.
    deps.log.debug(
      `GitHub OIDC token claims (without the signature): ${neutralize(JSON.stringify(claims))}`
    )
    let response: IssuedCredentials
    try {
      response = await deps.sts.call(
        'AssumeRoleWithWebIdentity',
        {
          ProviderId: settings.providerId,
          WebIdentityToken: token,
          RoleArn: settings.roleArn,
          RoleSessionName: settings.sessionName,
          DurationSeconds: settings.durationSeconds
        },
        { read: readIssued }
      )
    } catch (error) {
      // The trust policy is matched against the token's sub: say what this job's is.
      const subject =
        typeof claims.sub === 'string'
          ? ` This job's token has sub "${neutralize(claims.sub)}".`
          : ''
      throw new CredentialError(
        `Could not assume role ${settings.roleArn} with the GitHub OIDC token: ${describeError(error)}${subject}`,
        { cause: error }
      )
    }
    for (const secret of [response.secretId, response.secretKey, response.sessionToken])
      deps.setSecret(secret)

    const now = deps.clock.now()
    const lifetimeMs = grantedLifetimeMs(response.expiredTime, now, settings.durationSeconds)
    // Renew with a quarter of the lifetime left (at most five minutes early), so no request meets expired keys.
    this.renewAt = now + lifetimeMs - Math.min(5 * 60_000, lifetimeMs / 4)
    deps.log.info(
      `${this.current ? 'Renewed credentials: assumed' : 'Assumed'} role ${settings.roleArn} as session ` +
        `${settings.sessionName}; renewing them in ${Math.round((this.renewAt - now) / 1000)} s.`
    )
    this.current = {
      secretId: response.secretId,
      secretKey: response.secretKey,
      sessionToken: response.sessionToken
    }
    return this.current
  }

  private async idToken(): Promise<string> {
    const { deps, settings } = this
    try {
      return await retrying(
        () => deps.fetchIdToken(settings.audience),
        (_, attempt) =>
          attempt >= ID_TOKEN_ATTEMPTS
            ? 'give-up'
            : { waitMs: backoffDelay(attempt, deps.policy, deps.random) },
        deps.clock
      )
    } catch (error) {
      throw new CredentialError(
        `Could not get a GitHub OIDC token for audience ${settings.audience} after ${ID_TOKEN_ATTEMPTS} attempts: ` +
          describeError(error),
        { cause: error }
      )
    }
  }
}

/** The payload of a JWT, or {} when it is not one; nothing here is verified, it is only shown. */
function tokenClaims(token: string): Record<string, unknown> {
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')
    )
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/**
 * How long the credentials last, on the runner's clock. ExpiredTime is on
 * the API's clock: a time still ahead is the lifetime granted (a role may
 * grant less than was asked); one already past says only that the clocks
 * differ (or the answer is stale, as in the spec's own example), so the
 * lifetime asked for is taken. Credentials that end sooner are refused as
 * expired and renewed then: a skewed clock costs at most one extra call.
 */
function grantedLifetimeMs(
  expiredTime: number | undefined,
  now: number,
  askedSeconds: number
): number {
  const asked = askedSeconds * 1000
  const left = expiredTime === undefined ? asked : expiredTime * 1000 - now
  return left > 0 ? Math.min(left, asked) : asked
}

interface IssuedCredentials extends Credentials {
  sessionToken: string
  expiredTime?: number
}

/** The answer's credentials, or no answer (retried) when they are not all there as strings. */
function readIssued(response: ApiResponse): IssuedCredentials {
  const issued = response.Credentials as Record<string, unknown> | undefined
  const values = ['TmpSecretId', 'TmpSecretKey', 'Token'].map((member) => issued?.[member])
  if (!values.every((value) => typeof value === 'string' && value !== '')) {
    throw new TransportError('AssumeRoleWithWebIdentity', 'an answer without credentials')
  }
  const [secretId, secretKey, sessionToken] = values as string[]
  const expiredTime = response.ExpiredTime
  return {
    secretId,
    secretKey,
    sessionToken,
    expiredTime: Number.isInteger(expiredTime) ? (expiredTime as number) : undefined
  }
}
