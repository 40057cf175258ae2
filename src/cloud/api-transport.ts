/**
 * Every transport is made here: one API 3.0 request as one function, signed
 * with the Tencent Cloud SDK's own TC3 signer (STS's web identity call is
 * unsigned), sent with Node's http(s) straight to the endpoint or through the
 * runner's proxy by CONNECT. Nothing else of the SDK's HTTP stack is loaded.
 * A redirect is never followed: a request and its credentials go only to the
 * endpoint's own host. Failures come out as ApiError (the API answered with a
 * code), TransportError (no usable answer: retried) or EndpointError (no
 * retry can help).
 */
import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import * as tunnel from 'tunnel'
import signModule from 'tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js'
import {
  ApiError,
  EndpointError,
  TransportError,
  type HintTerms,
  type RequestContext,
  type Service
} from './api-errors.js'
import type { CredentialProvider } from './credential-provider.js'
import { isRequestId } from '../common/ids.js'
import { hostnameOf, isLoopback, siteOf, type Endpoint, type Language } from './endpoint.js'
import { neutralize } from '../common/untrusted.js'

/** A Response object as the API answers it: always with a RequestId (checked here). */
export interface ApiResponse {
  RequestId: string
  [member: string]: unknown
}

/** One request, one attempt: resolves to the API's Response or throws ApiError/TransportError/EndpointError. */
export type Transport = (action: string, params: object) => Promise<ApiResponse>

/** The client settings both services share. */
export interface ConnectionOptions {
  region: string
  endpoint: Endpoint
  language: Language
  /** Per request, so a hung connection cannot stall the step. */
  requestTimeoutSeconds: number
  /** The proxy to reach the endpoint through (see proxyFor); direct when absent. */
  proxy?: string
  /** What error hints call the things the caller gave (its inputs). */
  terms?: HintTerms
}

export interface TransportOptions extends ConnectionOptions {
  credentials: CredentialProvider
  /** Whose API the requests are for; Lighthouse unless said. */
  service?: Service
}

const VERSIONS: Record<Service, string> = {
  lighthouse: '2020-03-24',
  sts: '2018-08-13',
  organization: '2021-03-31'
}

/** No API answer is this large; a body that is, is not read to the end. */
const MAX_ANSWER_BYTES = 8 << 20

/**
 * The SDK's signer is CommonJS with `exports.default`: a bundle hands over
 * the class itself, Node's own loader the module object around it.
 */
type Signer = { sign3(options: Record<string, unknown>): string }
const signer: Signer =
  'sign3' in signModule ? (signModule as Signer) : (signModule as { default: Signer }).default

/** Signed requests with the provider's current credentials, asked for before every request. */
export function createSignedTransport(options: TransportOptions): Transport {
  const { credentials } = options
  return apiTransport(
    options,
    options.service ?? 'lighthouse',
    async () => {
      const { secretId, secretKey, sessionToken } = await credentials.get()
      return { secretId, secretKey, sessionToken }
    },
    credentials.renew !== undefined,
    credentials.tokenSource
  )
}

/** AssumeRoleWithWebIdentity is not signed: the OIDC token is the proof of identity. */
export function createStsTransport(options: ConnectionOptions): Transport {
  return apiTransport(options, 'sts', undefined, false)
}

interface Signing {
  secretId: string
  secretKey: string
  sessionToken?: string
}

function apiTransport(
  options: ConnectionOptions,
  service: Service,
  signing: (() => Promise<Signing>) | undefined,
  withRole: boolean,
  tokenSource?: string
): Transport {
  const { endpoint, region, language, requestTimeoutSeconds } = options
  const url = new URL(`${endpoint.protocol}${endpoint.host}/`)
  const proxy = options.proxy ? new URL(options.proxy) : undefined
  const agent = proxy && tunnelAgent(url, proxy)
  const where: Where = { endpoint, proxy }
  const context: RequestContext = { site: siteOf(endpoint), tokenSource, terms: options.terms }

  return async (action, params) => {
    const body = Buffer.from(JSON.stringify(params))
    // The credentials first (a renewal may take a while, with retries), then the time, as Tencent's SDKs do.
    const credentials = signing && (await signing())
    const timestamp = Math.floor(Date.now() / 1000)
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'X-TC-Action': action,
      'X-TC-Version': VERSIONS[service],
      'X-TC-Region': region,
      'X-TC-Timestamp': String(timestamp),
      'X-TC-Language': language
    }
    if (credentials) {
      const { secretId, secretKey, sessionToken } = credentials
      headers.Authorization = signer.sign3({
        method: 'POST',
        url: url.href,
        payload: body,
        timestamp,
        service,
        secretId,
        secretKey,
        multipart: false,
        boundary: '',
        headers
      })
      if (sessionToken) headers['X-TC-Token'] = sessionToken
    } else {
      headers.Authorization = 'SKIP'
    }

    let answer: RawAnswer
    try {
      answer = await post(url, headers, body, agent, requestTimeoutSeconds * 1000)
    } catch (error) {
      throw connectionFailure(action, error, where)
    }
    return readAnswer(action, answer, { service, withRole, where, context })
  }
}

/** Where a request goes, to name in a failure: the endpoint, and the proxy if there is one. */
interface Where {
  endpoint: Endpoint
  proxy?: URL
}

function tunnelAgent(target: URL, proxy: URL): Agent {
  const proxyOptions = {
    host: proxy.hostname,
    port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
    ...(proxy.username
      ? {
          proxyAuth: `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`
        }
      : {})
  }
  const overHttps = proxy.protocol === 'https:'
  if (target.protocol === 'https:') {
    return overHttps
      ? tunnel.httpsOverHttps({ proxy: proxyOptions })
      : tunnel.httpsOverHttp({ proxy: proxyOptions })
  }
  return overHttps
    ? tunnel.httpOverHttps({ proxy: proxyOptions })
    : tunnel.httpOverHttp({ proxy: proxyOptions })
}

interface RawAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** One POST; redirects are answers like any other (Node's http never follows them). */
function post(
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
  agent: Agent | undefined,
  timeoutMs: number
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    // Cleared however the request ends: a tunnel that fails never closes the request, and the
    // timer would keep the process alive after the step is done.
    const settle =
      <T>(done: (value: T) => void) =>
      (value: T) => {
        clearTimeout(timer)
        done(value)
      }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const request = send(
      url,
      { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) }, agent },
      (response) => {
        const chunks: Buffer[] = []
        let size = 0
        response.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > MAX_ANSWER_BYTES) {
            request.destroy(new Error(`the answer is larger than ${MAX_ANSWER_BYTES >> 20} MiB`))
          } else chunks.push(chunk)
        })
        response.on('end', () =>
          settle(resolve)({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8')
          })
        )
        response.on('error', settle(reject))
      }
    )
    // The whole request, not only a silent socket: a server that trickles cannot hold the step.
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs
    )
    request.on('error', settle(reject))
    request.end(body)
  })
}

/** A failure before any answer: a host that does not exist or a proxy that refused is final; the rest is retried. */
function connectionFailure(action: string, error: unknown, where: Where): Error {
  const failure = error as NodeJS.ErrnoException & { hostname?: string }
  const message = failure.message || String(error)
  if (failure.code === 'ENOTFOUND') return hostNotFound(action, failure.hostname ?? '', where)
  const host = where.endpoint.host
  // An https request to a server that speaks plain http: no retry can change that.
  if (
    !where.proxy &&
    where.endpoint.protocol === 'https://' &&
    (failure.code === 'EPROTO' ||
      /wrong version number|packet length too long|ERR_SSL/i.test(message))
  ) {
    return new EndpointError(
      `${action}: ${host} does not answer https (the TLS handshake failed: ${neutralize(message)}). ` +
        `Check ${where.endpoint.source}: a host without a scheme is taken as https; a local emulator over ` +
        `plain http needs http://${host}.`
    )
  }
  // Nothing listens on a loopback port: a local emulator that is not running will not start by itself.
  if (failure.code === 'ECONNREFUSED' && isLoopback(hostnameOf(where.endpoint))) {
    return new EndpointError(
      `${action}: nothing listens at ${where.endpoint.protocol}${host} (connection refused). ` +
        `Check ${where.endpoint.source}, and that the local emulator is started.`
    )
  }
  const refusedTunnel = /tunneling socket could not be established, statusCode=(\d+)/.exec(message)
  if (refusedTunnel && where.proxy) {
    const status = Number(refusedTunnel[1])
    const text =
      `${action}: the proxy ${where.proxy.host} answered HTTP ${status} when asked for a tunnel to ` +
      `${where.endpoint.host}` +
      (status >= 300 && status < 400 ? ' (a redirect, which is not followed)' : '')
    // A busy or failing proxy may recover; one that refuses or redirects will not.
    if (status >= 500) return new TransportError(action, text, status)
    return new EndpointError(`${text}. Check the proxy named by https_proxy or HTTPS_PROXY.`)
  }
  return new TransportError(action, message)
}

function hostNotFound(action: string, host: string, where: Where): EndpointError {
  const fromEndpoint = host.toLowerCase() === hostnameOf(where.endpoint).toLowerCase()
  return new EndpointError(
    `${action}: the host ${neutralize(host)} does not exist (DNS answered ENOTFOUND). ` +
      (fromEndpoint
        ? `It comes from ${where.endpoint.source}: check the host name.`
        : 'It is the proxy named by https_proxy, HTTPS_PROXY, http_proxy or HTTP_PROXY: check it.')
  )
}

/** What the API answered: a Response, an ApiError, or no usable answer. */
function readAnswer(
  action: string,
  answer: RawAnswer,
  context: { service: Service; withRole: boolean; where: Where; context: RequestContext }
): ApiResponse {
  const { status, headers, body } = answer
  if (status >= 300 && status < 400) {
    // The request (with its credentials or token) is never sent on to the host the Location names.
    const location = typeof headers.location === 'string' ? headers.location : ''
    const to = URL.canParse(location) ? ` to ${new URL(location).host}` : ''
    throw new EndpointError(
      `${action}: ${context.where.endpoint.host} answered HTTP ${status} with a redirect${neutralize(to)}, ` +
        `which is not followed: requests go only to the endpoint's own host. Check ${context.where.endpoint.source}.`
    )
  }
  if (status !== 200) throw new TransportError(action, `HTTP ${status}`, status)
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    throw new TransportError(action, `the answer is not JSON: ${body}`)
  }
  const response = isObject(parsed) ? parsed.Response : undefined
  // `{"Response": [...]}` or no Response at all is no API answer.
  if (!isObject(response) || !isRequestId(response.RequestId)) {
    throw new TransportError(
      action,
      "the answer is not an API response (no Response object with a RequestId of the API's form)"
    )
  }
  if (response.Error !== undefined) {
    const error = isObject(response.Error) ? response.Error : {}
    if (typeof error.Code !== 'string' || !error.Code) {
      throw new TransportError(action, 'an error answer whose Code or RequestId is not a string')
    }
    const message = typeof error.Message === 'string' ? error.Message : ''
    throw new ApiError(
      action,
      error.Code,
      message,
      response.RequestId as string,
      context.service,
      context.withRole,
      context.context
    )
  }
  return response as ApiResponse
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
