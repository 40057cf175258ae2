/** Tencent Cloud SDK clients as Transports: one request, failures as ApiError or TransportError. */
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { globalAgent as httpAgent } from 'node:http'
import { globalAgent as httpsAgent } from 'node:https'
import { ApiError, TransportError } from './api-errors.js'
import type { Endpoint, Language } from './inputs.js'
import type { Transport } from './retry.js'

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

/**
 * The proxy for an endpoint by the toolkit's rules, as self-hosted runners set
 * them: https_proxy or HTTPS_PROXY (http_proxy or HTTP_PROXY for plain http),
 * no_proxy or NO_PROXY, and never for a loopback host.
 */
export function proxyFor(endpoint: Endpoint): string | undefined {
  return getProxyUrl(new URL(`${endpoint.protocol}${endpoint.host}`))?.href
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

export function sdkTransport(
  client: SdkClient,
  requestOptions: { skipSign?: boolean } = {}
): Transport {
  return async (action, params) => {
    try {
      return await client.request(action, params, requestOptions)
    } catch (error) {
      throw toFailure(action, error)
    }
  }
}

interface SdkFailure {
  message?: string
  code?: string
  requestId?: string
  httpCode?: number
}

/**
 * The SDK throws one exception class for API errors (with `code`), gateway
 * statuses (with `httpCode`) and network failures (message only), and lets a
 * 200 with a body that is not JSON through as a raw fetch error.
 */
function toFailure(action: string, error: unknown): ApiError | TransportError {
  const sdk: SdkFailure = typeof error === 'object' && error !== null ? error : {}
  const message = sdk.message || String(error)
  if (sdk.code) return new ApiError(action, sdk.code, message, sdk.requestId ?? '')
  if (sdk.httpCode)
    return new TransportError(action, `HTTP ${sdk.httpCode} ${message}`, sdk.httpCode)
  return new TransportError(action, message)
}
