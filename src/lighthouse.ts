/** The Lighthouse API actions the share needs, over the Tencent Cloud SDK. */
// Deep import: only the Lighthouse client goes into the bundle, not the whole SDK.
import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/lighthouse/v20200324/lighthouse_client.js'
import type {
  DescribeBlueprintsResponse,
  DescribeBlueprintsShareAcrossAccountInfosResponse,
  ShareBlueprintAcrossAccountsResponse
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/lighthouse/v20200324/lighthouse_models.js'
import { ApiError, TransportError } from './api-errors.js'
import type { Credentials } from './credentials.js'
import type { Endpoint, Language } from './inputs.js'
import { batches } from './plan.js'
import type { Caller, Transport } from './retry.js'

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
  /** Which of these accounts have the share: one small read per 5 accounts. */
  findSharedAccounts(blueprintId: string, accountIds: readonly string[]): Promise<string[]>
  /**
   * Shares with up to 10 accounts; resolves to the RequestId. Not retried
   * when the answer is lost: the share may have been made, so the caller
   * reads the shares again first.
   */
  shareBlueprint(blueprintId: string, accountIds: readonly string[]): Promise<string>
}

/** The largest page DescribeBlueprintsShareAcrossAccountInfos gives. */
export const SHARE_INFO_PAGE_SIZE = 100
/** The most values its account-id filter takes. */
const ACCOUNT_FILTER_SIZE = 5

export function createLighthouseApi(caller: Caller): LighthouseApi {
  const readShareInfos = (
    params: object
  ): Promise<DescribeBlueprintsShareAcrossAccountInfosResponse> =>
    caller.call('DescribeBlueprintsShareAcrossAccountInfos', params)
  const accountsOf = (
    blueprintId: string,
    page: DescribeBlueprintsShareAcrossAccountInfosResponse
  ): string[] =>
    (page.BlueprintShareAcrossAccountInfoSet ?? [])
      .filter((info) => info.BlueprintId === blueprintId && info.AccountId)
      .map((info) => info.AccountId as string)

  return {
    async describeBlueprint(blueprintId) {
      const response = await caller.call<DescribeBlueprintsResponse>('DescribeBlueprints', {
        BlueprintIds: [blueprintId]
      })
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
        const page = await readShareInfos({
          BlueprintIds: [blueprintId],
          Offset: offset,
          Limit: SHARE_INFO_PAGE_SIZE
        })
        const found = accountsOf(blueprintId, page)
        accounts.push(...found)
        const pageWasFull =
          (page.BlueprintShareAcrossAccountInfoSet ?? []).length >= SHARE_INFO_PAGE_SIZE
        if (!pageWasFull || offset + SHARE_INFO_PAGE_SIZE >= (page.TotalCount ?? 0)) return accounts
      }
    },

    async findSharedAccounts(blueprintId, accountIds) {
      const found: string[] = []
      for (const group of batches(accountIds, ACCOUNT_FILTER_SIZE)) {
        const page = await readShareInfos({
          BlueprintIds: [blueprintId],
          Filters: [{ Name: 'account-id', Values: group }],
          Limit: SHARE_INFO_PAGE_SIZE
        })
        found.push(...accountsOf(blueprintId, page).filter((a) => group.includes(a)))
      }
      return found
    },

    async shareBlueprint(blueprintId, accountIds) {
      const response = await caller.call<ShareBlueprintAcrossAccountsResponse>(
        'ShareBlueprintAcrossAccounts',
        { BlueprintId: blueprintId, AccountIds: accountIds },
        { retryLostAnswers: false }
      )
      return response.RequestId ?? ''
    }
  }
}

export interface TransportOptions {
  credentials: Credentials
  region: string
  endpoint: Endpoint
  language: Language
  /** Per request, so a hung connection cannot stall the step. */
  requestTimeoutSeconds: number
}

/** One signed request through the SDK, its failures turned into ApiError or TransportError. */
export function createSdkTransport(options: TransportOptions): Transport {
  const { credentials, region, endpoint, language, requestTimeoutSeconds } = options
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
  return async (action, params) => {
    try {
      return await client.request(action, params)
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
