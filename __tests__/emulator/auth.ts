/**
 * Who may call: TC3 signatures checked with our own verifier, temporary
 * credentials and their tokens, CAM's allowed actions, and the unsigned STS
 * web identity call; then each signed request goes to its service
 * (Lighthouse's handlers, the organization, STS).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { LIGHTHOUSE_REGIONS as REGIONS } from '../../src/cloud/regions.js'
import { IdentityEmulator, StsFailure } from './identity.js'
import { OrganizationEmulator, OrganizationFailure } from './organization.js'
import { ApiFailure, ApiServer, type CallRecord, type Params, type Request } from './server.js'
import { verifyRequest } from './signature.js'
import { mayAnswer, servesAction, type Site, type SpecService } from './spec.js'

export const API_VERSION = '2020-03-24'
export const STS_VERSION = '2018-08-13'
export const ORGANIZATION_VERSION = '2021-03-31'

const VERSIONS: Record<SpecService, string> = {
  lighthouse: API_VERSION,
  sts: STS_VERSION,
  organization: ORGANIZATION_VERSION
}

/** What CAM answers a request it does not allow, per service: the code each service's actions list. */
const DENIED: Record<SpecService, string> = {
  lighthouse: 'UnauthorizedOperation.NoPermission',
  sts: 'UnauthorizedOperation',
  organization: 'AuthFailure.UnauthorizedOperation'
}
const ID_TOKEN_PATH = '/_github/oidc/token'

export interface EmulatedCredential {
  secretId: string
  secretKey: string
  /** Temporary credentials: the request must carry this X-TC-Token. */
  token?: string
  /** Actions CAM allows; all when absent. */
  allowedActions?: string[]
  /** The root account the credentials act for; the image owner's when absent. */
  accountUin?: string
  /** Temporary credentials stop working at this time (ms). */
  expiresAt?: number
  /** Temporary credentials: the STS call that issued them (a token given by hand: none). */
  issuedBy?: 'AssumeRole' | 'AssumeRoleWithWebIdentity'
}

/** A Lighthouse action's answer, from its parameters and the request's region. */
export type Handler = (params: Params, region: string) => Params

export abstract class AuthenticatingServer extends ApiServer {
  /** The account that owns the images and the credentials. */
  readonly ownerUin: string
  /** The runner's OIDC token service, and CAM's OIDC providers and roles behind STS. */
  readonly identity = new IdentityEmulator()
  /** The organization the accounts are in; none (every account outside any) until a test makes one. */
  organization?: OrganizationEmulator
  private readonly credentials = new Map<string, EmulatedCredential>()
  /** How far a request's timestamp may be from the emulator's clock: five minutes, as Tencent documents. */
  signatureWindowSeconds = 300

  /** Lighthouse's actions, by name. */
  protected abstract readonly handlers: Record<string, Handler>

  constructor(options: { ownerUin?: string; site?: Site } = {}) {
    super(options.site ?? 'china')
    this.ownerUin = options.ownerUin ?? '100000000001'
  }

  /** ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, as the runner sets them for a job with id-token: write. */
  get idTokenVariables(): Record<string, string> {
    return {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${this.endpoint}${ID_TOKEN_PATH}?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.identity.requestToken
    }
  }

  addCredential(credential: EmulatedCredential): this {
    this.credentials.set(credential.secretId, credential)
    return this
  }

  protected answeredAside(req: IncomingMessage, res: ServerResponse): boolean {
    if (!req.url?.startsWith(ID_TOKEN_PATH)) return false
    this.handleIdToken(req, res)
    return true
  }

  protected respond({ req, header, body, action, params, record, service }: Request): Params {
    return action === 'AssumeRoleWithWebIdentity'
      ? this.assumeRole(header, params)
      : this.signed(service, req, header, body, action, params, record)
  }

  /** A signed request to any of the three services. */
  private signed(
    service: SpecService,
    req: IncomingMessage,
    header: (name: string) => string,
    body: Buffer,
    action: string,
    params: Params,
    record: CallRecord
  ): Params {
    const account = this.authenticate(req, header, body, action, record, service)
    const served =
      servesAction(this.site, service, action) &&
      (service !== 'lighthouse' || Object.hasOwn(this.handlers, action))
    if (!served) throw new ApiFailure('InvalidAction', `The action ${action} does not exist.`)
    this.throttle(action)
    this.checkAgainstSpec(service, action, params)
    if (service === 'lighthouse') return this.handlers[action](params, record.region)
    try {
      if (service === 'organization') {
        if (!this.organization) {
          throw new ApiFailure(
            'ResourceNotFound.OrganizationNotExist',
            'The organization does not exist.'
          )
        }
        return this.organization.answer(action, params, account)
      }
      if (action === 'GetCallerIdentity') {
        // Tencent documents it for long-term keys and AssumeRole's credentials only; other temporary keys are refused.
        const credential = this.credentials.get(record.secretId ?? '')
        if (credential?.token !== undefined && credential.issuedBy !== 'AssumeRole') {
          throw new ApiFailure(
            'InvalidParameter.AccessKeyNotSupport',
            'This type of key is not supported.'
          )
        }
        return {
          Arn: `qcs::cam::uin/${account}:uin/${account}`,
          AccountId: account,
          UserId: account,
          PrincipalId: account,
          Type: 'CAMUser'
        }
      }
      const { credential, response } = this.identity.assumeRoleWithCredentials(params, account)
      this.addCredential({ ...credential, issuedBy: 'AssumeRole' })
      return response as Params
    } catch (error) {
      if (error instanceof OrganizationFailure || error instanceof StsFailure) {
        throw new ApiFailure(error.code, error.message)
      }
      throw error
    }
  }

  /** STS: unsigned (Authorization: SKIP), the web identity token is the proof. */
  private assumeRole(header: (name: string) => string, params: Params): Params {
    if (header('authorization') !== 'SKIP') {
      throw new ApiFailure(
        'AuthFailure.InvalidAuthorization',
        'AssumeRoleWithWebIdentity takes Authorization: SKIP.'
      )
    }
    if (header('x-tc-version') !== STS_VERSION) {
      throw new ApiFailure('NoSuchVersion', `Version ${header('x-tc-version')} is not supported.`)
    }
    this.throttle('AssumeRoleWithWebIdentity')
    this.checkAgainstSpec('sts', 'AssumeRoleWithWebIdentity', params)
    try {
      const { credential, response } = this.identity.assumeRole(params)
      this.addCredential({ ...credential, issuedBy: 'AssumeRoleWithWebIdentity' })
      return response as Params
    } catch (error) {
      if (error instanceof StsFailure) throw new ApiFailure(error.code, error.message)
      throw error
    }
  }

  /** The runner's token service: GET with the request token as bearer, `{"value": token}` back. */
  private handleIdToken(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://emulator')
    if (req.headers.authorization !== `Bearer ${this.identity.requestToken}`) {
      res.writeHead(401, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ message: 'Bad request token' }))
      return
    }
    const audience = url.searchParams.get('audience') ?? 'https://github.com/octo-org'
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ value: this.identity.idToken(audience) }))
  }

  /** Checks the signature, token, version and CAM; resolves to the root account the credentials act for. */
  private authenticate(
    req: IncomingMessage,
    header: (name: string) => string,
    body: Buffer,
    action: string,
    record: CallRecord,
    service: SpecService
  ): string {
    if (req.method !== 'POST') throw new ApiFailure('InvalidParameter', 'Only POST is emulated.')
    if (!header('content-type').startsWith('application/json')) {
      throw new ApiFailure('InvalidParameter', 'Content-Type must be application/json.')
    }
    const headers: Record<string, string> = {}
    for (const name of Object.keys(req.headers)) headers[name] = header(name)
    const url = new URL(req.url ?? '/', 'http://emulator')
    const verdict = verifyRequest(
      { method: 'POST', path: url.pathname, query: url.search.slice(1), headers, body },
      (secretId) => this.credentials.get(secretId)?.secretKey,
      Math.floor(Date.now() / 1000),
      this.signatureWindowSeconds
    )
    if (!verdict.ok) throw new ApiFailure(verdict.code, verdict.message)
    // The SDK names the service by the host's first label, "127" for a loopback address: only a named one is checked.
    if (!/^\d+$/.test(verdict.service) && verdict.service !== service) {
      throw new ApiFailure(
        'AuthFailure.SignatureFailure',
        `The request was signed for service ${verdict.service}, not ${service}.`
      )
    }
    const credential = this.credentials.get(verdict.secretId)!
    record.secretId = verdict.secretId
    record.account = credential.accountUin ?? this.ownerUin
    if (credential.expiresAt !== undefined && Date.now() >= credential.expiresAt) {
      throw new ApiFailure('AuthFailure.TokenFailure', 'The temporary credentials have expired.')
    }
    const token = header('x-tc-token')
    if ((credential.token ?? '') !== token) {
      throw new ApiFailure(
        'UnauthorizedOperation.TokenInvalid',
        'The token in the request is invalid for these credentials.'
      )
    }
    if (header('x-tc-version') !== VERSIONS[service]) {
      throw new ApiFailure('NoSuchVersion', `Version ${header('x-tc-version')} is not supported.`)
    }
    // Organization is a global service: it needs no region, and takes any.
    if (!record.region && service !== 'organization')
      throw new ApiFailure('MissingParameter', 'The request is missing X-TC-Region.')
    if (service === 'lighthouse' && !REGIONS.includes(record.region)) {
      throw new ApiFailure('UnsupportedRegion', `Region ${record.region} is not supported.`)
    }
    if (record.language && !['en-US', 'zh-CN'].includes(record.language)) {
      throw new ApiFailure(
        'InvalidParameterValue',
        `X-TC-Language ${record.language} is not supported.`
      )
    }
    if (credential.allowedActions && !credential.allowedActions.includes(action)) {
      // The service's own code where the action lists it; else the common one every action may answer.
      const code = mayAnswer(action, DENIED[service])
        ? DENIED[service]
        : 'AuthFailure.UnauthorizedOperation'
      throw new ApiFailure(code, `No permission for ${service}:${action}.`)
    }
    return record.account
  }
}
