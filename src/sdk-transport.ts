/** Tencent Cloud SDK clients as Transports: one request, failures as ApiError or TransportError. */
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
}

export function sdkProfile(options: ConnectionOptions) {
  return {
    language: options.language,
    httpProfile: {
      endpoint: options.endpoint.host,
      protocol: options.endpoint.protocol,
      reqTimeout: options.requestTimeoutSeconds
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
