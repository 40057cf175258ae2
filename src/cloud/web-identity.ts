/** Temporary credentials from STS AssumeRoleWithWebIdentity, with the job's GitHub OIDC token. */
import { describeError } from './api-errors.js'
import { neutralize } from '../common/untrusted.js'
import type { WebIdentitySettings } from './credential-provider.js'
import {
  CredentialError,
  RenewedCredentials,
  readIssued,
  type IssuedCredentials
} from './issued-credentials.js'
import type { Clock } from '../common/clock.js'
import type { Logger } from '../common/logger.js'
import { backoffDelay, retrying, type Caller, type RetryPolicy } from './retry.js'

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

export class WebIdentityCredentials extends RenewedCredentials {
  readonly identity: string
  protected readonly assumed: string

  constructor(
    private readonly settings: WebIdentitySettings,
    private readonly deps: WebIdentityDeps
  ) {
    super(deps)
    this.identity = `role ${settings.roleArn} (session ${settings.sessionName})`
    this.assumed = `role ${settings.roleArn} as session ${settings.sessionName}`
  }

  protected async issue(): Promise<{ issued: IssuedCredentials; durationSeconds: number }> {
    const { settings, deps } = this
    const token = await this.idToken()
    const claims = tokenClaims(token)
    // What the role's trust policy is matched against; the signature, which makes it a credential, is left out.
    deps.log.debug(
      `GitHub OIDC token claims (without the signature): ${neutralize(JSON.stringify(claims))}`
    )
    let issued: IssuedCredentials
    try {
      issued = await deps.sts.call(
        'AssumeRoleWithWebIdentity',
        {
          ProviderId: settings.providerId,
          WebIdentityToken: token,
          RoleArn: settings.roleArn,
          RoleSessionName: settings.sessionName,
          DurationSeconds: settings.durationSeconds
        },
        { read: readIssued('AssumeRoleWithWebIdentity') }
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
    return { issued, durationSeconds: settings.durationSeconds }
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
