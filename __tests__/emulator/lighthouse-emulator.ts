/**
 * A local stand-in for the Lighthouse API (version 2020-03-24): real HTTP on
 * 127.0.0.1, TC3 signatures checked with our own verifier, image and share
 * state kept in memory, the documented response shapes and error codes, and
 * faults that a test can inject on the Nth call of an action.
 */
import { LIGHTHOUSE_REGIONS as REGIONS, MAINLAND_REGIONS } from '../../src/cloud/regions.js'
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { IdentityEmulator, StsFailure } from './identity.js'
import { OrganizationEmulator, OrganizationFailure } from './organization.js'
import { verifyRequest } from './signature.js'
import {
  checkRequest,
  checkResponse,
  mayAnswer,
  servesAction,
  type Site,
  type SpecService
} from './spec.js'

export const API_VERSION = '2020-03-24'
export const STS_VERSION = '2018-08-13'
export const ORGANIZATION_VERSION = '2021-03-31'

const VERSIONS: Record<SpecService, string> = {
  lighthouse: API_VERSION,
  sts: STS_VERSION,
  organization: ORGANIZATION_VERSION
}

/** Which service an action belongs to: on the real API, the host says; here, one host answers all three. */
function serviceOf(action: string): SpecService {
  if (['AssumeRoleWithWebIdentity', 'AssumeRole', 'GetCallerIdentity'].includes(action))
    return 'sts'
  if (action.startsWith('DescribeOrganization')) return 'organization'
  return 'lighthouse'
}

/** What CAM answers a request it does not allow, per service: the code each service's actions list. */
const DENIED: Record<SpecService, string> = {
  lighthouse: 'UnauthorizedOperation.NoPermission',
  sts: 'UnauthorizedOperation',
  organization: 'AuthFailure.UnauthorizedOperation'
}
const ID_TOKEN_PATH = '/_github/oidc/token'

/** Where an image lives unless a test says otherwise. */
export const DEFAULT_REGION = 'ap-guangzhou'

export type Fault =
  /** An error answer; offSpec: a code no Tencent action lists, as a hostile server would send (not a violation). */
  | { kind: 'error'; code: string; message?: string; offSpec?: boolean }
  | { kind: 'http'; status: number }
  | { kind: 'drop' }
  | { kind: 'delay'; ms: number }
  /** A redirect to `location`, as a compromised or misconfigured gateway might answer. */
  | { kind: 'redirect'; status: number; location: string }
  /** A 200 whose body is not JSON: a gateway page, or `body` when given. */
  | { kind: 'non-json'; body?: string }
  /** The request is carried out, then the connection drops before the answer. */
  | { kind: 'lose-answer' }
  /** The request is carried out, then answered with `{"Response": mangle(response)}`: an answer of another shape. */
  | { kind: 'mangle'; mangle: (response: Record<string, unknown>) => unknown }

export interface EmulatedBlueprint {
  id: string
  /** Each region has its own images, with their own IDs. */
  region: string
  /** YYYY-MM-DDThh:mm:ssZ, as the spec gives it; null when the API cannot say (the spec allows it). */
  createdTime: string | null
  state: string
  /** PRIVATE (custom), PUBLIC or SHARED. */
  type: string
  name: string
  /** ModifyBlueprintAttribute sets it; a copy starts with its source's. */
  description: string | null
  /** The image SyncBlueprint made this one from: the truth a test checks the action's guesses against. */
  copiedFrom?: string
  /** How many accounts the image may be shared with. */
  shareQuota: number
  /** Account ID → time the share was made. */
  shares: Map<string, string>
}

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
}

export interface CallRecord {
  action: string
  params: Record<string, unknown>
  region: string
  language: string
  requestId: string
  /** The key that signed the request, once its signature is checked. */
  secretId?: string
  /** The root account of that key. */
  account?: string
  /** The error code answered, or the fault applied; undefined on success. */
  outcome?: string
  at: number
}

type Params = Record<string, unknown>
type Handler = (params: Params, region: string) => Params

class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

interface PendingFault {
  action: string
  fromCall: number
  remaining: number
  fault: Fault
}

export class LighthouseEmulator {
  /** The account that owns the images and the credentials. */
  readonly ownerUin: string
  /**
   * Whose spec it plays: the China site serves DescribeBlueprintsShareAcrossAccountInfos,
   * the international site's spec has no such action (answered InvalidAction).
   */
  site: Site
  readonly calls: CallRecord[] = []
  /**
   * Where a request or an answer strayed from Tencent's spec: a parameter it
   * does not take, a member it does not answer, a code the action does not
   * list. Tests fail when this is not empty.
   */
  readonly violations: string[] = []
  /** Per action; the API documents 20 requests a second. */
  requestsPerSecond = 20
  /** Added to every API answer, as a network and a real API would (the benchmark sets it). */
  latencyMs = 0
  /** How long SyncBlueprint's copies take to become NORMAL (the source reads SYNCING meanwhile). */
  copyMs = 300
  /** Destination regions whose copy ends in SYNCING_FAILED. */
  readonly failingCopyRegions = new Set<string>()
  /** Regions SyncBlueprint answers UnavailableRegion for. */
  readonly unavailableRegions = new Set<string>()
  /** How many more copies SyncBlueprint makes before LimitExceeded.SyncBlueprintQuotaLimitExceeded. */
  syncQuota = Infinity
  /** Each region's custom-image quota (resource BLUEPRINT); a copy into a full region is refused. */
  readonly blueprintQuota = new Map<string, number>()
  /** The quota of a region not in blueprintQuota. */
  defaultBlueprintQuota = 50
  /** Images instances use: DeleteBlueprints refuses them (BlueprintOccupied). */
  readonly inUse = new Set<string>()
  /** Images DeleteBlueprints deleted, in order, with the shares each still had. */
  readonly deleted: { id: string; region: string; shares: string[] }[] = []
  /** Asked for a fault on every call that has none injected (the chaos test draws them at random). */
  faultFor?: (action: string) => Fault | undefined
  /** The runner's OIDC token service, and CAM's OIDC providers and roles behind STS. */
  readonly identity = new IdentityEmulator()
  /** The organization the accounts are in; none (every account outside any) until a test makes one. */
  organization?: OrganizationEmulator
  private readonly blueprints = new Map<string, EmulatedBlueprint>()
  private readonly credentials = new Map<string, EmulatedCredential>()
  private readonly rootAccounts = new Set<string>()
  private readonly subAccounts = new Set<string>()
  private readonly otherSiteAccounts = new Set<string>()
  private readonly faults: PendingFault[] = []
  private readonly changes: { action: string; call: number; change: (params: Params) => void }[] =
    []
  private readonly callCounts = new Map<string, number>()
  private readonly recentCalls = new Map<string, number[]>()
  private server?: Server
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor(options: { ownerUin?: string; site?: Site } = {}) {
    this.ownerUin = options.ownerUin ?? '100000000001'
    this.site = options.site ?? 'china'
  }

  /** Starts listening on 127.0.0.1 (a free port unless one is given); resolves to the endpoint URL. */
  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res))
    this.server = server
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
    return this.endpoint
  }

  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | null
    if (!address) throw new Error('The emulator is not started.')
    return `http://127.0.0.1:${address.port}`
  }

  /** ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, as the runner sets them for a job with id-token: write. */
  get idTokenVariables(): Record<string, string> {
    return {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${this.endpoint}${ID_TOKEN_PATH}?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: this.identity.requestToken
    }
  }

  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    for (const timer of this.timers) clearTimeout(timer)
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  addCredential(credential: EmulatedCredential): this {
    this.credentials.set(credential.secretId, credential)
    return this
  }

  addBlueprint(
    blueprint: Partial<Omit<EmulatedBlueprint, 'shares'>> & { id: string; sharedWith?: string[] }
  ): this {
    const shares = new Map<string, string>()
    for (const account of blueprint.sharedWith ?? []) shares.set(account, apiTime(new Date()))
    this.blueprints.set(blueprint.id, {
      id: blueprint.id,
      region: blueprint.region ?? DEFAULT_REGION,
      createdTime:
        blueprint.createdTime === undefined
          ? '2026-11-01T00:00:00Z'
          : blueprint.createdTime && apiTime(new Date(blueprint.createdTime)),
      state: blueprint.state ?? 'NORMAL',
      type: blueprint.type ?? 'PRIVATE',
      name: blueprint.name ?? blueprint.id,
      description: blueprint.description ?? null,
      shareQuota: blueprint.shareQuota ?? 10_000,
      shares
    })
    for (const account of blueprint.sharedWith ?? []) this.rootAccounts.add(account)
    return this
  }

  /** Sets the image's state now, or `afterMs` from now (a build finishing). */
  setBlueprintState(id: string, state: string, afterMs = 0): void {
    const blueprint = this.blueprint(id)
    if (afterMs <= 0) blueprint.state = state
    else void this.sleep(afterMs).then(() => (blueprint.state = state))
  }

  blueprint(id: string): EmulatedBlueprint {
    const found = this.blueprints.get(id)
    if (!found) throw new Error(`The emulator has no blueprint ${id}.`)
    return found
  }

  sharesOf(id: string): string[] {
    return [...this.blueprint(id).shares.keys()]
  }

  /** Accounts that exist: root accounts, sub-users, or root accounts on the other site. */
  addAccounts(kind: 'root' | 'sub' | 'other-site', ids: Iterable<string>): this {
    const set = {
      root: this.rootAccounts,
      sub: this.subAccounts,
      'other-site': this.otherSiteAccounts
    }[kind]
    for (const id of ids) set.add(id)
    return this
  }

  /** Applies `fault` to the `nth` call of `action` from now (1 = the next), `times` calls in a row. */
  inject(action: string, fault: Fault, options: { nth?: number; times?: number } = {}): this {
    const made = this.callCounts.get(action) ?? 0
    this.faults.push({
      action,
      fromCall: made + (options.nth ?? 1),
      remaining: options.times ?? 1,
      fault
    })
    return this
  }

  /**
   * Runs `change` just before the `nth` call of `action` from now is answered:
   * the world moving between two reads (an image made while pages are read).
   */
  before(action: string, change: (params: Params) => void, options: { nth?: number } = {}): this {
    const made = this.callCounts.get(action) ?? 0
    this.changes.push({ action, call: made + (options.nth ?? 1), change })
    return this
  }

  callsTo(action: string): CallRecord[] {
    return this.calls.filter((c) => c.action === action)
  }

  /** Action names in the order they were called. */
  get actions(): string[] {
    return this.calls.map((c) => c.action)
  }

  private readonly handlers: Record<string, Handler> = {
    DescribeBlueprints: (p, region) => this.describeBlueprints(p, region),
    DescribeBlueprintsShareAcrossAccountInfos: (p, region) => this.describeShareInfos(p, region),
    ShareBlueprintAcrossAccounts: (p, region) => this.changeShares(p, region, 'share'),
    CancelShareBlueprintAcrossAccounts: (p, region) => this.changeShares(p, region, 'cancel'),
    SyncBlueprint: (p, region) => this.syncBlueprint(p, region),
    ModifyBlueprintAttribute: (p, region) => this.modifyBlueprintAttribute(p, region),
    DeleteBlueprints: (p, region) => this.deleteBlueprints(p, region),
    DescribeGeneralResourceQuotas: (p, region) => this.describeQuotas(p, region)
  }

  /** The account's own custom image `id` in the region, or the code each action answers when it is not. */
  private ownCustomImage(
    id: string,
    region: string,
    verb: string,
    notCustom: string
  ): EmulatedBlueprint {
    const found = this.blueprints.get(id)
    if (!found || found.region !== region) {
      throw new ApiFailure(
        'ResourceNotFound.BlueprintIdNotFound',
        `The image ID ${id} does not exist.`
      )
    }
    if (found.type === 'SHARED') {
      throw new ApiFailure(
        'UnsupportedOperation.NotSupportSharedBlueprint',
        `A shared image cannot be ${verb}.`
      )
    }
    if (found.type !== 'PRIVATE')
      throw new ApiFailure(notCustom, `The custom image ${id} does not exist.`)
    return found
  }

  /** A region's custom-image quota: its images count, whatever their state, until they are gone. */
  quotaOf(region: string): { used: number; total: number } {
    const used = this.blueprintsIn(region).filter((b) => b.type === 'PRIVATE').length
    return { used, total: this.blueprintQuota.get(region) ?? this.defaultBlueprintQuota }
  }

  /**
   * DeleteBlueprints: custom images in NORMAL, ISOLATED, CREATEFAILED or
   * SYNCING_FAILED, none in use; all of the call's or none. The spec does not
   * say what becomes of an image's shares: the least convenient reading is
   * that it is deleted with them, so the action must take them first.
   */
  private deleteBlueprints(params: Params, region: string): Params {
    const ids = optionalStringList(params, 'BlueprintIds', 100) ?? []
    for (const id of ids) checkBlueprintIdFormat(id)
    if (new Set(ids).size !== ids.length) {
      throw new ApiFailure('InvalidParameterValue.Duplicated', 'BlueprintIds has duplicates.')
    }
    const images = ids.map((id) => {
      const found = this.ownCustomImage(id, region, 'deleted', 'ResourceNotFound.BlueprintNotFound')
      if (this.inUse.has(id)) {
        throw new ApiFailure('UnsupportedOperation.BlueprintOccupied', `The image ${id} is in use.`)
      }
      if (!['NORMAL', 'ISOLATED', 'CREATEFAILED', 'SYNCING_FAILED'].includes(found.state)) {
        throw stateInvalid(found)
      }
      return found
    })
    for (const image of images) {
      this.deleted.push({ id: image.id, region, shares: [...image.shares.keys()] })
      // DELETING for a moment, as the state list has it, then gone.
      image.state = 'DELETING'
      void this.sleep(this.copyMs).then(() => this.blueprints.delete(image.id))
    }
    return {}
  }

  /** DescribeGeneralResourceQuotas: BLUEPRINT is the region's custom-image quota; the others are answered as unlimited here. */
  private describeQuotas(params: Params, region: string): Params {
    const names = optionalStringList(params, 'ResourceNames', 100) ?? []
    const unknown = names.find((name) => !QUOTA_NAMES.includes(name))
    if (unknown !== undefined) {
      throw new ApiFailure(
        'InvalidParameterValue.InvalidResourceQuotaResourceName',
        `${unknown} is not a resource name.`
      )
    }
    return {
      GeneralResourceQuotaSet: names.map((name) => {
        if (name !== 'BLUEPRINT') {
          return { ResourceName: name, ResourceQuotaAvailable: 100, ResourceQuotaTotal: 100 }
        }
        const { used, total } = this.quotaOf(region)
        return {
          ResourceName: name,
          ResourceQuotaAvailable: Math.max(0, total - used),
          ResourceQuotaTotal: total
        }
      })
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.url?.startsWith(ID_TOKEN_PATH)) return this.handleIdToken(req, res)
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const header = (name: string): string => {
      const value = req.headers[name]
      return Array.isArray(value) ? value.join(',') : (value ?? '')
    }
    const action = header('x-tc-action')
    const requestId = randomUUID()
    let params: Params = {}
    try {
      params = JSON.parse(body.toString('utf8') || '{}') as Params
    } catch {
      // answered below as InvalidParameter
    }
    const record: CallRecord = {
      action,
      params,
      region: header('x-tc-region'),
      language: header('x-tc-language'),
      requestId,
      at: Date.now()
    }
    this.calls.push(record)
    const count = (this.callCounts.get(action) ?? 0) + 1
    this.callCounts.set(action, count)

    if (this.latencyMs > 0) await this.sleep(this.latencyMs)
    for (const due of this.changes.filter((c) => c.action === action && c.call === count)) {
      due.change(params)
    }
    const fault = this.takeFault(action, count)
    if (fault) record.outcome = fault.kind === 'error' ? fault.code : fault.kind
    switch (fault?.kind) {
      case 'drop':
        req.socket.destroy()
        return
      case 'http':
        res.writeHead(fault.status, { 'Content-Type': 'text/html' })
        res.end(`<html><body>${fault.status} from the gateway</body></html>`)
        return
      case 'redirect':
        res.writeHead(fault.status, { Location: fault.location })
        res.end()
        return
      case 'non-json':
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(fault.body ?? '<html><body>not JSON</body></html>')
        return
      case 'delay':
        await this.sleep(fault.ms)
        if (!this.server || req.socket.destroyed) return
        record.outcome = undefined
        break
    }

    try {
      if (fault?.kind === 'error') {
        throw new ApiFailure(fault.code, fault.message ?? `Injected ${fault.code}.`)
      }
      if (typeof params !== 'object' || params === null || Array.isArray(params)) {
        throw new ApiFailure('InvalidParameter', 'The request body is not a JSON object.')
      }
      const service = serviceOf(action)
      const answer =
        action === 'AssumeRoleWithWebIdentity'
          ? this.assumeRole(header, params)
          : this.signed(service, req, header, body, action, params, record)
      const response = { ...answer, RequestId: requestId }
      for (const problem of checkResponse(this.site, service, action, response)) {
        this.violations.push(`the emulator answered outside the spec: ${problem}`)
      }
      if (fault?.kind === 'lose-answer') {
        req.socket.destroy()
        return
      }
      if (fault?.kind === 'mangle') {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ Response: fault.mangle(response) }))
        return
      }
      this.answer(res, response)
    } catch (error) {
      // A bug in the emulator shows up as InternalError rather than a hung request.
      const failure =
        error instanceof ApiFailure ? error : new ApiFailure('InternalError', String(error))
      record.outcome = failure.code
      if (!mayAnswer(action, failure.code) && !(fault?.kind === 'error' && fault.offSpec)) {
        this.violations.push(
          `${action} was answered ${failure.code}, a code Tencent does not list for it: ${failure.message.slice(0, 200)}`
        )
      }
      this.answer(res, {
        Error: { Code: failure.code, Message: failure.message },
        RequestId: requestId
      })
    }
  }

  /** A sleep that stop() cuts short, so no timer outlives the emulator. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        resolve()
      }, ms)
      this.timers.add(timer)
    })
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
        return {
          Arn: `qcs::cam::uin/${account}:uin/${account}`,
          AccountId: account,
          UserId: account,
          PrincipalId: account,
          Type: 'CAMUser'
        }
      }
      const { credential, response } = this.identity.assumeRoleWithCredentials(params, account)
      this.addCredential({ ...credential, accountUin: credential.accountUin })
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
      this.addCredential({ ...credential, accountUin: credential.accountUin })
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

  private answer(res: ServerResponse, response: Params): void {
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ Response: response }))
  }

  private takeFault(action: string, count: number): Fault | undefined {
    const pending = this.faults.find(
      (f) => f.action === action && count >= f.fromCall && f.remaining > 0
    )
    if (!pending) return this.faultFor?.(action)
    pending.remaining -= 1
    return pending.fault
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
      Math.floor(Date.now() / 1000)
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

  /** Refuses a request the spec does not allow, as the API would; the action should never send one. */
  private checkAgainstSpec(service: SpecService, action: string, params: Params): void {
    const refusal = checkRequest(this.site, service, action, params)
    if (!refusal) return
    this.violations.push(`${action} was sent a request outside the spec: ${refusal.message}`)
    throw new ApiFailure(refusal.code, refusal.message)
  }

  private throttle(action: string): void {
    const now = Date.now()
    const recent = (this.recentCalls.get(action) ?? []).filter((t) => now - t < 1000)
    if (recent.length >= this.requestsPerSecond) {
      this.recentCalls.set(action, recent)
      throw new ApiFailure(
        'RequestLimitExceeded',
        `More than ${this.requestsPerSecond} requests a second to ${action}.`
      )
    }
    recent.push(now)
    this.recentCalls.set(action, recent)
  }

  private describeBlueprints(params: Params, region: string): Params {
    const ids = optionalStringList(params, 'BlueprintIds', 100)
    const filters = blueprintFilters(params)
    const { offset, limit } = paging(params)
    for (const id of ids ?? []) checkBlueprintIdFormat(id)
    const matches: Record<string, (b: EmulatedBlueprint, value: string) => boolean> = {
      'blueprint-id': (b, value) => b.id === value,
      // The spec does not say the name filter is exact: play the fuzzy reading, a substring.
      'blueprint-name': (b, value) => b.name.includes(value),
      'blueprint-type': (b, value) => b.type === value,
      'blueprint-state': (b, value) => b.state === value
    }
    const matching = this.blueprintsIn(region)
      .filter((b) => !ids || ids.includes(b.id))
      .filter((b) => filters.every((f) => f.values.some((value) => matches[f.name](b, value))))
    const international = this.site === 'international'
    return {
      TotalCount: matching.length,
      BlueprintSet: matching.slice(offset, offset + limit).map((b) => ({
        BlueprintId: b.id,
        BlueprintName: b.name,
        Description: b.description,
        BlueprintType: b.type,
        BlueprintState: b.state,
        Platform: 'UBUNTU',
        PlatformType: 'LINUX_UNIX',
        OsName: 'Ubuntu Server 22.04 LTS 64bit',
        CreatedTime: b.createdTime,
        // Only the China site's spec has these two.
        ...(international ? {} : { BlueprintShared: b.shares.size > 0, Tags: [] })
      }))
    }
  }

  /** ModifyBlueprintAttribute: a custom image's name or description (60 characters each), in NORMAL. */
  private modifyBlueprintAttribute(params: Params, region: string): Params {
    const id = params.BlueprintId as string
    checkBlueprintIdFormat(id)
    if (params.BlueprintName === undefined && params.Description === undefined) {
      throw new ApiFailure(
        'InvalidParameter.MustSpecifyOneAttributeToModify',
        'Give BlueprintName or Description.'
      )
    }
    const found = this.ownCustomImage(
      id,
      region,
      'changed',
      'ResourceNotFound.PrivateBlueprintNotFound'
    )
    if (found.state !== 'NORMAL') {
      throw stateInvalid(found)
    }
    if (typeof params.BlueprintName === 'string') found.name = params.BlueprintName
    if (typeof params.Description === 'string') found.description = params.Description
    return {}
  }

  /**
   * SyncBlueprint: copies a NORMAL custom image to other regions, a new ID in
   * each. The copies read SYNCING, and so does the source, until copyMs have
   * passed; then the copies are NORMAL (or SYNCING_FAILED) and the source NORMAL.
   */
  private syncBlueprint(params: Params, region: string): Params {
    const id = params.BlueprintId
    if (typeof id !== 'string' || !id)
      throw new ApiFailure('MissingParameter', 'BlueprintId is required.')
    checkBlueprintIdFormat(id)
    const destinations = optionalStringList(params, 'DestinationRegions', 10)
    if (!destinations || destinations.length === 0) {
      throw new ApiFailure('MissingParameter', 'DestinationRegions is required.')
    }
    const source = this.blueprints.get(id)
    if (!source || source.region !== region || source.type !== 'PRIVATE') {
      throw new ApiFailure(
        'ResourceNotFound.PrivateBlueprintNotFound',
        `The custom image ${id} does not exist.`
      )
    }
    if (new Set(destinations).size !== destinations.length) {
      throw new ApiFailure('InvalidParameterValue.Duplicated', 'DestinationRegions has duplicates.')
    }
    if (destinations.includes(region)) {
      throw new ApiFailure(
        'InvalidParameterValue.DestinationRegionSameAsSourceRegion',
        'The destination region is the source region.'
      )
    }
    const unavailable = destinations.find(
      (r) => !REGIONS.includes(r) || this.unavailableRegions.has(r)
    )
    if (unavailable) {
      throw new ApiFailure(
        'InvalidParameterValue.UnavailableRegion',
        `Region ${unavailable} is unavailable.`
      )
    }
    if (
      destinations.some((r) => MAINLAND_REGIONS.includes(r) !== MAINLAND_REGIONS.includes(region))
    ) {
      throw new ApiFailure(
        'InvalidParameterValue.NotSupportCrossBorderSyncBlueprint',
        'Images cannot be synced between the Chinese mainland and other regions.'
      )
    }
    if (source.state !== 'NORMAL') {
      throw stateInvalid(source)
    }
    const full = destinations.find((r) => {
      const { used, total } = this.quotaOf(r)
      return used >= total
    })
    if (full) {
      throw new ApiFailure(
        'LimitExceeded.SyncBlueprintQuotaLimitExceeded',
        `The custom image quota of ${full} is used up.`
      )
    }
    if (destinations.length > this.syncQuota) {
      throw new ApiFailure(
        'LimitExceeded.SyncBlueprintQuotaLimitExceeded',
        'The sync quota is used up.'
      )
    }
    this.syncQuota -= destinations.length
    const createdTime = apiTime(new Date())
    // A copy keeps its source's name and description: the least convenient reading, as the spec does not say.
    const copies = destinations.map((destination) => {
      const copy: EmulatedBlueprint = {
        ...source,
        id: `lhbp-${randomUUID().replace(/-/g, '').slice(0, 8)}`,
        copiedFrom: source.id,
        region: destination,
        createdTime,
        state: 'SYNCING',
        shares: new Map()
      }
      this.blueprints.set(copy.id, copy)
      return copy
    })
    source.state = 'SYNCING'
    void this.sleep(this.copyMs).then(() => {
      source.state = 'NORMAL'
      for (const copy of copies) {
        copy.state = this.failingCopyRegions.has(copy.region) ? 'SYNCING_FAILED' : 'NORMAL'
      }
    })
    return {
      DestinationRegionBlueprintSet: copies.map((c) => ({ Region: c.region, BlueprintId: c.id }))
    }
  }

  /** Every image, in every region. */
  allBlueprints(): Iterable<EmulatedBlueprint> {
    return this.blueprints.values()
  }

  /** The images of a region, newest first (those without a time last). */
  blueprintsIn(region: string): EmulatedBlueprint[] {
    return [...this.blueprints.values()]
      .filter((b) => b.region === region)
      .sort((x, y) => (y.createdTime ?? '').localeCompare(x.createdTime ?? ''))
  }

  private describeShareInfos(params: Params, region: string): Params {
    const ids = optionalStringList(params, 'BlueprintIds', 100)
    if (!ids || ids.length === 0)
      throw new ApiFailure('MissingParameter', 'BlueprintIds is required.')
    const { offset, limit } = paging(params)
    const accountFilter = accountIdFilter(params)
    const infos = ids.flatMap((id) => {
      checkBlueprintIdFormat(id)
      const blueprint = this.blueprints.get(id)
      // Tencent lists no not-found code for this action: an unknown image has no shares to show.
      if (!blueprint || blueprint.region !== region) return []
      return [...blueprint.shares]
        .filter(([account]) => !accountFilter || accountFilter.includes(account))
        .map(([AccountId, CreatedTime]) => ({ BlueprintId: id, AccountId, CreatedTime }))
    })
    return {
      TotalCount: infos.length,
      BlueprintShareAcrossAccountInfoSet: infos.slice(offset, offset + limit)
    }
  }

  private changeShares(params: Params, region: string, change: 'share' | 'cancel'): Params {
    const id = params.BlueprintId
    if (typeof id !== 'string' || !id)
      throw new ApiFailure('MissingParameter', 'BlueprintId is required.')
    const accounts = optionalStringList(params, 'AccountIds', 10)
    if (!accounts || accounts.length === 0) {
      throw new ApiFailure('MissingParameter', 'AccountIds is required.')
    }
    checkBlueprintIdFormat(id)
    const found = this.blueprints.get(id)
    const blueprint = found?.region === region ? found : undefined
    if (!blueprint || blueprint.type === 'SHARED') {
      throw new ApiFailure(
        'ResourceNotFound.PrivateBlueprintNotFound',
        `The custom image ${id} does not exist.`
      )
    }
    if (blueprint.type !== 'PRIVATE') {
      throw new ApiFailure(
        'InvalidParameterValue.InvalidBlueprintId',
        `${id} is not a custom image.`
      )
    }
    // InvalidParameterValue.InvalidBlueprintState is an invalid state *value* (a filter), not this.
    if (blueprint.state !== 'NORMAL') {
      throw stateInvalid(blueprint)
    }
    if (change === 'cancel') {
      // Tencent lists no per-account code for cancelling: an account that cannot have the share has not got it.
      const notShared = accounts.filter((a) => !blueprint.shares.has(a))
      if (notShared.length > 0) {
        throw new ApiFailure(
          'UnsupportedOperation.BlueprintHasNotShared',
          'The image has not been shared.'
        )
      }
      for (const account of accounts) blueprint.shares.delete(account)
      return {}
    }
    for (const account of accounts) this.checkAccount(account)
    if (accounts.some((a) => blueprint.shares.has(a))) {
      throw new ApiFailure(
        'UnsupportedOperation.BlueprintAlreadyShared',
        'The image has already been shared. The operation is not supported.'
      )
    }
    if (blueprint.shares.size + new Set(accounts).size > blueprint.shareQuota) {
      throw new ApiFailure(
        'LimitExceeded.ShareBlueprintAcrossAccountQuotaLimitExceeded',
        'The image quota is insufficient to share images to the specified account.'
      )
    }
    const now = apiTime(new Date())
    for (const account of accounts) blueprint.shares.set(account, now)
    return {}
  }

  /** The per-account errors: like the real API, the message does not say which account. */
  private checkAccount(account: string): void {
    if (account === this.ownerUin) {
      throw new ApiFailure(
        'InvalidParameterValue.AccountIdSameWithUin',
        'The account is the current user.'
      )
    }
    if (this.otherSiteAccounts.has(account)) {
      throw new ApiFailure(
        'InvalidParameterValue.AccountIdInvalidAccountArea',
        'Sharing images to accounts in different sites is not allowed.'
      )
    }
    if (this.subAccounts.has(account)) {
      throw new ApiFailure(
        'InvalidParameterValue.AccountIdsNotOwnerAccount',
        'The account ID is not a root account.'
      )
    }
    if (!this.rootAccounts.has(account)) {
      throw new ApiFailure(
        'InvalidParameterValue.AccountIdsNotExist',
        'The account ID does not exist.'
      )
    }
  }
}

function checkBlueprintIdFormat(id: string): void {
  if (!/^lhbp-[a-z0-9]{8}$/.test(id)) {
    throw new ApiFailure(
      'InvalidParameterValue.BlueprintIdMalformed',
      `Invalid parameter value: the image ID format is invalid: ${id}.`
    )
  }
}

function optionalStringList(params: Params, name: string, max: number): string[] | undefined {
  const value = params[name]
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new ApiFailure('InvalidParameter', `${name} must be an array of strings.`)
  }
  if (value.length > max) {
    throw new ApiFailure('InvalidParameterValue', `${name} can hold at most ${max} values.`)
  }
  return value
}

function paging(params: Params): { offset: number; limit: number } {
  const offset = params.Offset ?? 0
  const limit = params.Limit ?? 20
  if (!Number.isInteger(offset) || (offset as number) < 0) {
    throw new ApiFailure(
      'InvalidParameterValue.Negative',
      'Offset must be a whole number of at least 0.'
    )
  }
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > 100) {
    throw new ApiFailure('InvalidParameterValue.OutOfRange', 'Limit must be from 1 to 100.')
  }
  return { offset: offset as number, limit: limit as number }
}

/** An image whose state does not allow the call. */
function stateInvalid(image: EmulatedBlueprint): ApiFailure {
  return new ApiFailure(
    'UnsupportedOperation.BlueprintCurStateInvalid',
    `The image state ${image.state} does not support this operation.`
  )
}

/** The resource names DescribeGeneralResourceQuotas takes, from its spec. */
const QUOTA_NAMES = [
  'GENERAL_BUNDLE_INSTANCE',
  'STORAGE_BUNDLE_INSTANCE',
  'ENTERPRISE_BUNDLE_INSTANCE',
  'EXCLUSIVE_BUNDLE_INSTANCE',
  'BEFAST_BUNDLE_INSTANCE',
  'STARTER_BUNDLE_INSTANCE',
  'HK_EXCLUSIVE_BUNDLE_INSTANCE',
  'CAREFREE_BUNDLE_INSTANCE',
  'EXCLUSIVE_BUNDLE_02_INSTANCE',
  'NEWCOMER_BUNDLE_INSTANCE',
  'GAME_PORTAL_BUNDLE_INSTANCE',
  'ECONOMY_BUNDLE_INSTANCE',
  'BUDGET_BUNDLE_INSTANCE',
  'RAZOR_SPEED_BUNDLE_INSTANCE',
  'BANDWIDTH_BUNDLE_INSTANCE',
  'USER_KEY_PAIR',
  'SNAPSHOT',
  'BLUEPRINT',
  'FREE_BLUEPRINT',
  'DATA_DISK'
]

/** The states a blueprint-state filter may name (the spec's BlueprintState values). */
const STATES = [
  'NORMAL',
  'SYNCING',
  'OFFLINE',
  'CREATEFAILED',
  'SYNCING_FAILED',
  'ISOLATING',
  'ISOLATED',
  'DELETING',
  'DESTROYING'
]
const TYPES = ['APP_OS', 'PURE_OS', 'DOCKER', 'PRIVATE', 'SHARED']

/** DescribeBlueprints' filters (the request's shape is checked against the spec before): each a condition that must hold. */
function blueprintFilters(params: Params): { name: string; values: string[] }[] {
  const filters = (params.Filters ?? []) as { Name: string; Values: string[] }[]
  const emulated = ['blueprint-id', 'blueprint-name', 'blueprint-type', 'blueprint-state']
  return filters.map(({ Name: name, Values: values }) => {
    if (!emulated.includes(name)) {
      throw new ApiFailure(
        'InvalidParameter.InvalidFilterNotSupportedName',
        `Filter ${name} is not supported.`
      )
    }
    if (name === 'blueprint-state' && values.some((v) => !STATES.includes(v))) {
      throw new ApiFailure(
        'InvalidParameterValue.InvalidBlueprintState',
        `A blueprint-state value is invalid.`
      )
    }
    if (name === 'blueprint-type' && values.some((v) => !TYPES.includes(v))) {
      throw new ApiFailure(
        'InvalidParameterValue.InvalidBlueprintType',
        `A blueprint-type value is invalid.`
      )
    }
    return { name, values }
  })
}

/** A time as the spec writes it: YYYY-MM-DDThh:mm:ssZ, no fraction. */
export function apiTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function accountIdFilter(params: Params): string[] | undefined {
  const filters = params.Filters
  if (filters === undefined) return undefined
  if (!Array.isArray(filters)) throw new ApiFailure('InvalidParameter', 'Filters must be an array.')
  const filter = (filters as unknown[]).find(
    (f): f is Params => typeof f === 'object' && f !== null && (f as Params).Name === 'account-id'
  )
  if (!filter) return undefined
  const values = optionalStringList(filter, 'Values', 5)
  return values ?? []
}
