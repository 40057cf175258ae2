/** Temporary credentials that STS issues, held until shortly before they expire and then asked for again. */
import { TransportError } from './api-errors.js'
import type { ApiResponse } from './api-transport.js'
import type { Clock } from '../common/clock.js'
import type { Logger } from '../common/logger.js'
import type { CredentialProvider, Credentials } from './credential-provider.js'

/** Getting or using credentials failed: reported as is, never retried as a Lighthouse call. */
export class CredentialError extends Error {
  override name = 'CredentialError'
}

export interface IssuedCredentials extends Credentials {
  sessionToken: string
  expiredTime?: number
}

/**
 * A provider of credentials STS issues: one request at a time, renewed with
 * a quarter of their lifetime left (at most five minutes early), so no
 * request meets expired keys; renew() when the API refused them as expired.
 */
export abstract class RenewedCredentials implements CredentialProvider {
  abstract readonly identity: string
  private current?: Credentials
  private renewAt = 0
  private pending?: Promise<Credentials>

  constructor(
    private readonly base: { clock: Clock; setSecret(secret: string): void; log: Logger }
  ) {}

  /** What is assumed, for the log: e.g. role qcs::cam::uin/1:roleName/x as session y. */
  protected abstract readonly assumed: string

  /** Asks STS for new credentials, lasting durationSeconds unless STS grants less. */
  protected abstract issue(): Promise<{ issued: IssuedCredentials; durationSeconds: number }>

  get(): Promise<Credentials> {
    if (this.current && this.base.clock.now() < this.renewAt) return Promise.resolve(this.current)
    this.pending ??= this.renewNow().finally(() => (this.pending = undefined))
    return this.pending
  }

  /** The API said the credentials expired (its clock decides): get new ones now. */
  async renew(): Promise<void> {
    this.renewAt = 0
    await this.get()
  }

  private async renewNow(): Promise<Credentials> {
    const { clock, log } = this.base
    const { issued, durationSeconds } = await this.issue()
    for (const secret of [issued.secretId, issued.secretKey, issued.sessionToken])
      this.base.setSecret(secret)
    const now = clock.now()
    const lifetimeMs = grantedLifetimeMs(issued.expiredTime, now, durationSeconds)
    this.renewAt = now + lifetimeMs - Math.min(5 * 60_000, lifetimeMs / 4)
    log.info(
      `${this.current ? 'Renewed credentials: assumed' : 'Assumed'} ${this.assumed}; ` +
        `renewing them in ${Math.round((this.renewAt - now) / 1000)} s.`
    )
    this.current = {
      secretId: issued.secretId,
      secretKey: issued.secretKey,
      sessionToken: issued.sessionToken
    }
    return this.current
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

/** An answer's credentials (AssumeRole and AssumeRoleWithWebIdentity answer alike), or no answer (retried) when they are not all there as strings. */
export function readIssued(action: string): (response: ApiResponse) => IssuedCredentials {
  return (response) => {
    const issued = response.Credentials as Record<string, unknown> | undefined
    const values = ['TmpSecretId', 'TmpSecretKey', 'Token'].map((member) => issued?.[member])
    if (!values.every((value) => typeof value === 'string' && value !== '')) {
      throw new TransportError(action, 'an answer without credentials')
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
}
