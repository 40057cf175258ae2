/**
 * The emulator's server: real HTTP on 127.0.0.1, the faults a test injects
 * on the Nth call of an action, the per-action rate limit, and the checks
 * that hold every request and answer to Tencent's spec. What a request means
 * is the subclasses' (authentication, then each service's state).
 */
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkRequest, checkResponse, mayAnswer, type Site, type SpecService } from './spec.js'

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

export type Params = Record<string, unknown>

/** What a request is, as the services read it. */
export interface Request {
  req: IncomingMessage
  header: (name: string) => string
  body: Buffer
  action: string
  params: Params
  record: CallRecord
  service: SpecService
}

/** An error answer: the code and message the API gives. */
export class ApiFailure extends Error {
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

/** Which service an action belongs to: on the real API, the host says; here, one host answers all three. */
export function serviceOf(action: string): SpecService {
  if (['AssumeRoleWithWebIdentity', 'AssumeRole', 'GetCallerIdentity'].includes(action))
    return 'sts'
  if (action.startsWith('DescribeOrganization')) return 'organization'
  return 'lighthouse'
}

export abstract class ApiServer {
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
  /** Asked for a fault on every call that has none injected (the chaos test draws them at random). */
  faultFor?: (action: string) => Fault | undefined
  private readonly faults: PendingFault[] = []
  private readonly changes: { action: string; call: number; change: (params: Params) => void }[] =
    []
  private readonly callCounts = new Map<string, number>()
  private readonly recentCalls = new Map<string, number[]>()
  private server?: Server
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor(site: Site) {
    this.site = site
  }

  /** A request this server answers outside the API (the runner's token service): true when answered. */
  protected abstract answeredAside(req: IncomingMessage, res: ServerResponse): boolean

  /** The API's answer to a request, or an ApiFailure. */
  protected abstract respond(request: Request): Params

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

  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    for (const timer of this.timers) clearTimeout(timer)
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.answeredAside(req, res)) return
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
      const answer = this.respond({ req, header, body, action, params, record, service })
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
  protected sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        resolve()
      }, ms)
      this.timers.add(timer)
    })
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

  /** Refuses a request the spec does not allow, as the API would; the action should never send one. */
  protected checkAgainstSpec(service: SpecService, action: string, params: Params): void {
    const refusal = checkRequest(this.site, service, action, params)
    if (!refusal) return
    this.violations.push(`${action} was sent a request outside the spec: ${refusal.message}`)
    throw new ApiFailure(refusal.code, refusal.message)
  }

  protected throttle(action: string): void {
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
}
