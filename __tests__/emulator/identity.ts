/**
 * The identity side of the emulator: a stand-in for the runner's OIDC token
 * service, and CAM's roles behind STS (version 2018-08-13):
 * AssumeRoleWithWebIdentity for OIDC roles, AssumeRole for roles that trust
 * other accounts.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

export interface OidcRole {
  arn: string
  /** The provider its trust policy names. */
  providerId: string
  /** oidc:sub condition; `*` matches anything. */
  subject: string
  /** oidc:aud condition, when the policy pins one. */
  audience?: string
}

export interface IssuedCredential {
  secretId: string
  secretKey: string
  token: string
  expiresAt: number
  roleArn: string
  sessionName: string
  /** The account the role is in, whose resources the credentials act on. */
  accountUin: string
}

/** A role that other credentials assume with STS AssumeRole; its trust policy names the accounts that may. */
export interface TrustingRole {
  arn: string
  /** Root accounts the trust policy names as principals (qcs::cam::uin/<uin>:root). */
  trustedAccounts: string[]
  /** The longest session the role allows (its MaxSessionDuration). */
  maxSessionSeconds?: number
}

/** An STS error: the code and message the API answers with. */
export class StsFailure extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url')

export class IdentityEmulator {
  /** What the job's token says it is; the runner would put the repository and ref here. */
  subject = 'repo:octo-org/golden-images:ref:refs/heads/main'
  /** The bearer token the runner hands the job (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  readonly requestToken = randomUUID()
  /** Lifetime of issued credentials, overriding the requested DurationSeconds (to test renewal). */
  credentialSeconds?: number
  /** Added to the ExpiredTime STS answers (not to when the credentials really expire): a clock that differs. */
  expiredTimeSkewSeconds = 0
  readonly issued: IssuedCredential[] = []
  readonly idTokenAudiences: string[] = []
  private readonly signingKey = randomBytes(32)
  private readonly providers = new Map<string, string[]>()
  private readonly roles = new Map<string, OidcRole>()
  private readonly trustingRoles = new Map<string, TrustingRole>()

  /** A CAM OIDC identity provider for GitHub, trusting tokens for these client IDs (audiences). */
  addProvider(name: string, clientIds: string[] = ['sts.tencentcloudapi.com']): this {
    this.providers.set(name, clientIds)
    return this
  }

  addRole(role: OidcRole): this {
    this.roles.set(role.arn, role)
    return this
  }

  addTrustingRole(role: TrustingRole): this {
    this.trustingRoles.set(role.arn, role)
    return this
  }

  /** STS AssumeRole, signed by credentials of `callerAccount`: the role's credentials, if its trust policy names that account. */
  assumeRoleWithCredentials(
    params: Record<string, unknown>,
    callerAccount: string,
    nowMs = Date.now()
  ): { credential: IssuedCredential; response: object } {
    const text = (name: string): string => requiredText(params, name)
    const [roleArn, sessionName] = ['RoleArn', 'RoleSessionName'].map(text)
    if (!/^[\w+=,.@-]{2,128}$/.test(sessionName)) {
      throw new StsFailure('InvalidParameter.ParamError', 'RoleSessionName is invalid.')
    }
    const duration = (params.DurationSeconds as number | undefined) ?? 7200
    const role = this.trustingRoles.get(roleArn)
    if (!role) throw new StsFailure('InternalError.GetRoleError', `Role ${roleArn} does not exist.`)
    if (duration > (role.maxSessionSeconds ?? 43_200)) {
      throw new StsFailure(
        'InvalidParameter.OverTimeError',
        `DurationSeconds is over the role's maximum.`
      )
    }
    if (!role.trustedAccounts.includes(callerAccount)) {
      throw new StsFailure(
        'UnauthorizedOperation',
        `The trust policy of ${roleArn} does not allow account ${callerAccount}.`
      )
    }
    return this.issue(roleArn, sessionName, duration, nowMs)
  }

  /** The runner's token service: a signed token for the audience asked for. */
  idToken(audience: string, nowMs = Date.now()): string {
    this.idTokenAudiences.push(audience)
    const now = Math.floor(nowMs / 1000)
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
    const payload = base64url(
      JSON.stringify({
        iss: GITHUB_ISSUER,
        aud: audience,
        sub: this.subject,
        iat: now,
        exp: now + 300
      })
    )
    return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`
  }

  assumeRole(
    params: Record<string, unknown>,
    nowMs = Date.now()
  ): { credential: IssuedCredential; response: object } {
    const text = (name: string): string => requiredText(params, name)
    const [providerId, token, roleArn, sessionName] = [
      'ProviderId',
      'WebIdentityToken',
      'RoleArn',
      'RoleSessionName'
    ].map(text)
    if (!/^[\w+=,.@-]{2,128}$/.test(sessionName)) {
      throw new StsFailure('InvalidParameter.ParamError', 'RoleSessionName is invalid.')
    }
    const duration = params.DurationSeconds ?? 7200
    if (!Number.isInteger(duration) || (duration as number) < 1) {
      throw new StsFailure('InvalidParameter.ParamError', 'DurationSeconds is invalid.')
    }
    if ((duration as number) > 43_200)
      throw new StsFailure('InvalidParameter.ParamError', 'DurationSeconds is over 43200.')

    const claims = this.verify(token, nowMs)
    const clientIds = this.providers.get(providerId)
    if (!clientIds)
      throw new StsFailure(
        'InvalidParameter.WebIdentityTokenError',
        `Identity provider ${providerId} does not exist.`
      )
    if (!clientIds.includes(claims.aud)) {
      throw new StsFailure(
        'InvalidParameter.WebIdentityTokenError',
        `The token audience ${claims.aud} is not a client ID of ${providerId}.`
      )
    }
    const role = this.roles.get(roleArn)
    if (!role) throw new StsFailure('InternalError.GetRoleError', `Role ${roleArn} does not exist.`)
    const trusted =
      role.providerId === providerId &&
      matches(claims.sub, role.subject) &&
      (role.audience === undefined || role.audience === claims.aud)
    if (!trusted) {
      throw new StsFailure(
        'UnauthorizedOperation',
        `The trust policy of ${roleArn} does not allow this web identity.`
      )
    }

    return this.issue(roleArn, sessionName, duration as number, nowMs)
  }

  private issue(
    roleArn: string,
    sessionName: string,
    duration: number,
    nowMs: number
  ): { credential: IssuedCredential; response: object } {
    const lifetime = this.credentialSeconds ?? duration
    const credential: IssuedCredential = {
      secretId: `AKIDtmp${randomBytes(12).toString('hex')}`,
      secretKey: randomBytes(20).toString('base64url'),
      token: randomBytes(48).toString('base64url'),
      expiresAt: nowMs + lifetime * 1000,
      roleArn,
      sessionName,
      accountUin: /^qcs::cam::uin\/([0-9]+):/.exec(roleArn)?.[1] ?? ''
    }
    this.issued.push(credential)
    const expiredTime = Math.floor(credential.expiresAt / 1000) + this.expiredTimeSkewSeconds
    return {
      credential,
      response: {
        Credentials: {
          TmpSecretId: credential.secretId,
          TmpSecretKey: credential.secretKey,
          Token: credential.token
        },
        ExpiredTime: expiredTime,
        Expiration: new Date(expiredTime * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
      }
    }
  }

  private sign(data: string): string {
    return createHmac('sha256', this.signingKey).update(data).digest('base64url')
  }

  private verify(token: string, nowMs: number): { aud: string; sub: string } {
    const invalid = (why: string) =>
      new StsFailure('InvalidParameter.WebIdentityTokenError', `WebIdentityToken ${why}.`)
    const [header, payload, signature] = token.split('.')
    if (!header || !payload || !signature) throw invalid('is not a JWT')
    const expected = Buffer.from(this.sign(`${header}.${payload}`))
    const given = Buffer.from(signature)
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      throw invalid('has a bad signature')
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >
    if (claims.iss !== GITHUB_ISSUER) throw invalid('has an unknown issuer')
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < nowMs) throw invalid('has expired')
    return { aud: String(claims.aud), sub: String(claims.sub) }
  }
}

/** A trust-policy condition: `*` matches any run of characters. */
function matches(value: string, pattern: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`
  )
  return regex.test(value)
}

/** A string parameter STS requires: missing or empty is ParamError. */
function requiredText(params: Record<string, unknown>, name: string): string {
  const value = params[name]
  if (typeof value !== 'string' || !value)
    throw new StsFailure('InvalidParameter.ParamError', `${name} is required.`)
  return value
}
