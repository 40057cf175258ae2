/** Every transport is made here: Tencent Cloud SDK clients as one-request functions, failures as ApiError or TransportError. */
// Deep imports: only the Lighthouse and STS clients go into the bundle, not the whole SDK.
import { Client as LighthouseClient } from 'tencentcloud-sdk-nodejs/tencentcloud/services/lighthouse/v20200324/lighthouse_client.js'
import { globalAgent as httpAgent } from 'node:http'
import { globalAgent as httpsAgent } from 'node:https'
import { ApiError, HostNotFoundError, TransportError, type Service } from './api-errors.js'
import type { CredentialProvider, Credentials } from './credentials.js'
import { hostnameOf, type Endpoint, type Language } from './inputs.js'
import { neutralize } from './untrusted.js'

/** A Response object as the API answers it: always with a RequestId (checked by the transport). */
export interface ApiResponse {
  RequestId: string
  [member: string]: unknown
}

/** One request, one attempt: resolves to the API's Response or throws ApiError/TransportError. */
export type Transport = (action: string, params: object) => Promise<ApiResponse>

/** What the transports need of an SDK client (AbstractClient.request). */
interface SdkClient {
  request(action: string, params: object, options?: { skipSign?: boolean }): Promise<object>
}

/** The client settings both services share. */
export interface ConnectionOptions {
  region: string
  endpoint: Endpoint
  language: Language
  /** Per request, so a hung connection cannot stall the step. */
  requestTimeoutSeconds: number
  /** The proxy to reach the endpoint through (see proxyFor); direct when absent. */
  proxy?: string
}

export function sdkProfile(options: ConnectionOptions) {
  const { endpoint, proxy } = options
  return {
    language: options.language,
    httpProfile: {
      endpoint: endpoint.host,
      protocol: endpoint.protocol,
      reqTimeout: options.requestTimeoutSeconds,
      // Without a proxy, name Node's own agent: left alone, the SDK would use
      // http_proxy (lower case only) even for hosts that no_proxy exempts.
      ...(proxy ? { proxy } : { agent: endpoint.protocol === 'https://' ? httpsAgent : httpAgent })
    }
  }
}

export interface SdkTransportOptions {
  service: Service
  /** The host the client sends to, so a host that does not exist is named with the input it came from. */
  endpoint: Endpoint
  skipSign?: boolean
  /** Requests are signed with a role's temporary credentials: hints then say nothing of keys. */
  withRole?: boolean
}

export function sdkTransport(client: SdkClient, options: SdkTransportOptions): Transport {
  const requestOptions = options.skipSign ? { skipSign: true } : {}
  return async (action, params) => {
    let response: unknown
    try {
      response = await client.request(action, params, requestOptions)
    } catch (error) {
      throw toFailure(action, error, options)
    }
    // A 200 whose Response is not an object with a RequestId is no API answer (`{"Response": [...]}`).
    if (!isObject(response) || typeof response.RequestId !== 'string') {
      throw new TransportError(
        action,
        'the answer is not an API response (no Response object with a RequestId)'
      )
    }
    return response as ApiResponse
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

interface SdkFailure {
  message?: unknown
  code?: unknown
  requestId?: unknown
  httpCode?: number
}

/**
 * The SDK throws one exception class for API errors (with `code`), gateway
 * statuses (with `httpCode`) and network failures (message only), and lets a
 * 200 with a body that is not JSON through as a raw fetch error.
 */
function toFailure(
  action: string,
  error: unknown,
  { service, endpoint, withRole }: SdkTransportOptions
): Error {
  const sdk: SdkFailure = typeof error === 'object' && error !== null ? error : {}
  const message = typeof sdk.message === 'string' && sdk.message ? sdk.message : String(error)
  if (sdk.code !== undefined && sdk.code !== '') {
    // An error answer must have a string Code and RequestId; anything else cannot be read.
    if (typeof sdk.code !== 'string' || typeof sdk.requestId !== 'string') {
      return new TransportError(action, 'an error answer whose Code or RequestId is not a string')
    }
    return new ApiError(action, sdk.code, message, sdk.requestId, service, withRole)
  }
  if (sdk.httpCode)
    return new TransportError(action, `HTTP ${sdk.httpCode} ${message}`, sdk.httpCode)
  // The SDK keeps only the message of a network error: "... getaddrinfo ENOTFOUND host".
  const missingHost = /\bgetaddrinfo ENOTFOUND (\S+)/.exec(message)?.[1]
  if (missingHost) return hostNotFound(action, missingHost, endpoint)
  // Anything else (EAI_AGAIN, a reset, a timeout) may pass: retried, or checked for a share call.
  return new TransportError(action, message)
}

function hostNotFound(action: string, host: string, endpoint: Endpoint): HostNotFoundError {
  const fromEndpoint = host.toLowerCase() === hostnameOf(endpoint).toLowerCase()
  return new HostNotFoundError(
    `${action}: the host ${neutralize(host)} does not exist (DNS answered ENOTFOUND). ` +
      (fromEndpoint
        ? `It comes from ${endpoint.source}: check the host name.`
        : 'It is the proxy named by https_proxy, HTTPS_PROXY, http_proxy or HTTP_PROXY: check it.')
  )
}

export interface TransportOptions extends ConnectionOptions {
  credentials: CredentialProvider
}

/** Signed Lighthouse requests with the provider's current credentials. */
export function createSdkTransport(options: TransportOptions): Transport {
  const { credentials, region } = options
  const client = new LighthouseClient({
    // Asked before every request, so refreshed credentials are picked up.
    credential: { getCredential: async () => toSdkCredential(await credentials.get()) },
    region,
    profile: sdkProfile(options)
  })
  const send = sdkTransport(client, {
    service: 'lighthouse',
    endpoint: options.endpoint,
    withRole: credentials.renew !== undefined
  })
  return async (action, params) => {
    // Refresh first, outside the SDK: it would turn a failed refresh into a bare network error.
    await credentials.get()
    return send(action, params)
  }
}

function toSdkCredential(credentials: Credentials) {
  return {
    secretId: credentials.secretId,
    secretKey: credentials.secretKey,
    token: credentials.sessionToken
  }
}

/** AssumeRoleWithWebIdentity is not signed: the OIDC token is the proof of identity. */
export function createStsTransport(options: ConnectionOptions): Transport {
  // Only a run with "role-arn" calls STS: its client runs on the first call, off the start-up path.
  // Eager: bundled in the one file (so every licence is listed), evaluated only when imported.
  const load = () =>
    import(
      /* webpackMode: "eager" */ 'tencentcloud-sdk-nodejs/tencentcloud/services/sts/v20180813/sts_client.js'
    )
  let client: Promise<SdkClient> | undefined
  const lazyClient: SdkClient = {
    request: async (action, params, requestOptions) => {
      client ??= load().then(
        ({ Client }) =>
          new Client({ credential: {}, region: options.region, profile: sdkProfile(options) })
      )
      return (await client).request(action, params, requestOptions)
    }
  }
  return sdkTransport(lazyClient, {
    service: 'sts',
    endpoint: options.endpoint,
    skipSign: true
  })
}
