/** Temporary credentials from STS AssumeRoleWithWebIdentity, with the job's GitHub OIDC token. */
// Deep import, like the Lighthouse client: only the STS client goes into the bundle.
import { Client as StsClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/sts/v20180813/sts_client.js'
import { describeError } from './api-errors.js'
import { neutralize } from './untrusted.js'
import type { CredentialProvider, Credentials, WebIdentitySettings } from './credentials.js'
import { backoffDelay, type Caller, type Clock, type RetryPolicy, type Transport } from './retry.js'
import { sdkProfile, sdkTransport, type ConnectionOptions } from './sdk-transport.js'

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
  info(message: string): void
  debug(message: string): void
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
    deps.debug(
      `GitHub OIDC token claims (without the signature): ${neutralize(JSON.stringify(claims))}`
    )
    let response: AssumeRoleResponse
    try {
      response = await deps.sts.call<AssumeRoleResponse>('AssumeRoleWithWebIdentity', {
        ProviderId: settings.providerId,
        WebIdentityToken: token,
        RoleArn: settings.roleArn,
        RoleSessionName: settings.sessionName,
        DurationSeconds: settings.durationSeconds
      })
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
    const issued = response.Credentials
    if (!issued?.TmpSecretId || !issued.TmpSecretKey || !issued.Token) {
      throw new CredentialError(
        `AssumeRoleWithWebIdentity answered without credentials (RequestId: ${response.RequestId ?? 'none'}).`
      )
    }
    for (const secret of [issued.TmpSecretId, issued.TmpSecretKey, issued.Token])
      deps.setSecret(secret)

    const now = deps.clock.now()
    const expiresAt = response.ExpiredTime
      ? response.ExpiredTime * 1000
      : now + settings.durationSeconds * 1000
    // Renew with a quarter of the lifetime left (at most five minutes early), so no request meets expired keys.
    this.renewAt = expiresAt - Math.min(5 * 60_000, Math.max(0, expiresAt - now) / 4)
    deps.info(
      `${this.current ? 'Renewed credentials: assumed' : 'Assumed'} role ${settings.roleArn} as session ` +
        `${settings.sessionName}; they expire at ${new Date(expiresAt).toISOString()}.`
    )
    this.current = {
      secretId: issued.TmpSecretId,
      secretKey: issued.TmpSecretKey,
      sessionToken: issued.Token
    }
    return this.current
  }

  private async idToken(): Promise<string> {
    const { deps, settings } = this
    for (let attempt = 1; ; attempt++) {
      try {
        return await deps.fetchIdToken(settings.audience)
      } catch (error) {
        if (attempt >= ID_TOKEN_ATTEMPTS) {
          throw new CredentialError(
            `Could not get a GitHub OIDC token for audience ${settings.audience} after ${attempt} attempts: ` +
              describeError(error),
            { cause: error }
          )
        }
        await deps.clock.sleep(backoffDelay(attempt, deps.policy, deps.random))
      }
    }
  }
}

/** The payload of a JWT, or {} when it is not one; nothing here is verified, it is only shown. */
function tokenClaims(token: string): Record<string, unknown> {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'))
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

interface AssumeRoleResponse {
  Credentials?: { TmpSecretId?: string; TmpSecretKey?: string; Token?: string }
  ExpiredTime?: number
  RequestId?: string
}

/** AssumeRoleWithWebIdentity is not signed: the OIDC token is the proof of identity. */
export function createStsTransport(options: ConnectionOptions): Transport {
  const client = new StsClient({
    credential: {},
    region: options.region,
    profile: sdkProfile(options)
  })
  return sdkTransport(client, { service: 'sts', endpoint: options.endpoint, skipSign: true })
}
