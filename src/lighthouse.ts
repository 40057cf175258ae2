/** The three Lighthouse API actions the share needs, over the Tencent Cloud SDK. */
// Deep import: only the Lighthouse client goes into the bundle, not the whole SDK.
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/lighthouse/v20200324/lighthouse_client.js'
import { ApiError, TransportError } from './api-errors.js'
import type { Credentials } from './credentials.js'
import type { Endpoint, Language } from './inputs.js'

export interface Blueprint {
  id: string
  /** NORMAL, SYNCING, CREATEFAILED, ... */
  state: string
  /** PRIVATE for a custom image. */
  type: string
  name: string
}

export interface LighthouseApi {
  /** The image, or undefined when the region has no image with that ID. */
  describeBlueprint(blueprintId: string): Promise<Blueprint | undefined>
  /** Every account the image is shared with, all pages read. */
  listSharedAccounts(blueprintId: string): Promise<string[]>
  /** Shares with up to 10 accounts; resolves to the RequestId. */
  shareBlueprint(blueprintId: string, accountIds: string[]): Promise<string>
}

export interface LighthouseOptions {
  credentials: Credentials
  region: string
  endpoint: Endpoint
  language: Language
  requestTimeoutSeconds: number
  debug: (message: string) => void
}

/** The largest page DescribeBlueprintsShareAcrossAccountInfos gives. */
export const SHARE_INFO_PAGE_SIZE = 100

export function createLighthouseApi(options: LighthouseOptions): LighthouseApi {
  const { credentials, region, endpoint, language, requestTimeoutSeconds, debug } = options
  const client = new Client({
    credential: {
      secretId: credentials.secretId,
      secretKey: credentials.secretKey,
      token: credentials.sessionToken
    },
    region,
    profile: {
      language,
      httpProfile: {
        endpoint: endpoint.host,
        protocol: endpoint.protocol,
        reqTimeout: requestTimeoutSeconds
      }
    }
  })

  async function call<T extends { RequestId?: string }>(
    action: string,
    send: () => Promise<T>
  ): Promise<T> {
    const started = Date.now()
    try {
      const response = await send()
      debug(
        `${action}: ok in ${Date.now() - started} ms, RequestId ${response.RequestId ?? 'none'}`
      )
      return response
    } catch (error) {
      const failure = toFailure(action, error)
      const what =
        failure instanceof ApiError
          ? `${failure.code}, RequestId ${failure.requestId}`
          : failure.detail
      debug(`${action}: failed in ${Date.now() - started} ms: ${what}`)
      throw failure
    }
  }

  return {
    async describeBlueprint(blueprintId) {
      const response = await call('DescribeBlueprints', () =>
        client.DescribeBlueprints({ BlueprintIds: [blueprintId] })
      )
      const found = response.BlueprintSet?.find((b) => b.BlueprintId === blueprintId)
      if (!found) return undefined
      return {
        id: blueprintId,
        state: found.BlueprintState ?? 'UNKNOWN',
        type: found.BlueprintType ?? 'UNKNOWN',
        name: found.BlueprintName ?? ''
      }
    },

    async listSharedAccounts(blueprintId) {
      const accounts: string[] = []
      for (let offset = 0; ; offset += SHARE_INFO_PAGE_SIZE) {
        const page = await call('DescribeBlueprintsShareAcrossAccountInfos', () =>
          client.DescribeBlueprintsShareAcrossAccountInfos({
            BlueprintIds: [blueprintId],
            Offset: offset,
            Limit: SHARE_INFO_PAGE_SIZE
          })
        )
        const infos = page.BlueprintShareAcrossAccountInfoSet ?? []
        for (const info of infos) {
          if (info.BlueprintId === blueprintId && info.AccountId) accounts.push(info.AccountId)
        }
        const total = page.TotalCount ?? 0
        if (infos.length < SHARE_INFO_PAGE_SIZE || offset + SHARE_INFO_PAGE_SIZE >= total) {
          return accounts
        }
      }
    },

    async shareBlueprint(blueprintId, accountIds) {
      const response = await call('ShareBlueprintAcrossAccounts', () =>
        client.ShareBlueprintAcrossAccounts({ BlueprintId: blueprintId, AccountIds: accountIds })
      )
      return response.RequestId ?? ''
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
