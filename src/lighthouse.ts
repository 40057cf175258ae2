/** The Lighthouse API actions the share needs, over the Tencent Cloud SDK. */
import type {
  Blueprint as SdkBlueprint,
  DescribeBlueprintsResponse,
  DescribeBlueprintsShareAcrossAccountInfosResponse,
  SyncBlueprintResponse
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/lighthouse/v20200324/lighthouse_models.js'
import { batches } from './plan.js'
import type { Caller } from './retry.js'
import { neutralize } from './untrusted.js'

export interface Blueprint {
  id: string
  /** NORMAL, SYNCING, CREATEFAILED, ... */
  state: string
  /** PRIVATE for a custom image. */
  type: string
  /** Safe to print. */
  name: string
  /** The name exactly as the API has it, to look images up by; never printed. */
  nameAsGiven: string
  /** When the image was made, in ms; NaN when the API does not say. */
  createdAt: number
}

/** A copy SyncBlueprint started: its region and its new ID there. */
export interface Copy {
  region: string
  blueprintId: string
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
  /** Takes the share from up to 10 accounts; like shareBlueprint, a lost answer is not retried. */
  cancelShare(blueprintId: string, accountIds: readonly string[]): Promise<string>
  /** This region's custom images with exactly this name, newest first (the first 100). */
  findCustomImages(name: string): Promise<Blueprint[]>
  /**
   * Copies the image to up to 10 other regions; resolves to each copy's new
   * ID. Not retried when the answer is lost: the caller looks for the copies.
   */
  syncBlueprint(blueprintId: string, regions: readonly string[]): Promise<Copy[]>
}

/** The largest page DescribeBlueprintsShareAcrossAccountInfos gives. */
const SHARE_INFO_PAGE_SIZE = 100
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
      .map((info) => neutralize(String(info.AccountId)))

  const changeShares = async (
    action: string,
    blueprintId: string,
    accountIds: readonly string[]
  ): Promise<string> => {
    const response = await caller.call(
      action,
      { BlueprintId: blueprintId, AccountIds: accountIds },
      { retryLostAnswers: false }
    )
    return neutralize(response.RequestId ?? '')
  }

  return {
    async describeBlueprint(blueprintId) {
      const response = await caller.call<DescribeBlueprintsResponse>('DescribeBlueprints', {
        BlueprintIds: [blueprintId]
      })
      const found = response.BlueprintSet?.find((b) => b.BlueprintId === blueprintId)
      return found && toBlueprint(found)
    },

    async findCustomImages(name) {
      const response = await caller.call<DescribeBlueprintsResponse>('DescribeBlueprints', {
        Filters: [
          { Name: 'blueprint-name', Values: [name] },
          { Name: 'blueprint-type', Values: ['PRIVATE'] }
        ],
        Limit: 100
      })
      return (response.BlueprintSet ?? [])
        .filter((b) => b.BlueprintName === name && b.BlueprintId)
        .map(toBlueprint)
        .sort((x, y) => (y.createdAt || 0) - (x.createdAt || 0))
    },

    async syncBlueprint(blueprintId, regions) {
      const response = await caller.call<SyncBlueprintResponse>(
        'SyncBlueprint',
        { BlueprintId: blueprintId, DestinationRegions: regions },
        { retryLostAnswers: false }
      )
      return (response.DestinationRegionBlueprintSet ?? []).map((copy) => ({
        region: neutralize(copy.Region ?? ''),
        blueprintId: neutralize(copy.BlueprintId ?? '')
      }))
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

    shareBlueprint: (blueprintId, accountIds) =>
      changeShares('ShareBlueprintAcrossAccounts', blueprintId, accountIds),
    cancelShare: (blueprintId, accountIds) =>
      changeShares('CancelShareBlueprintAcrossAccounts', blueprintId, accountIds)
  }
}

/** Names and states come from outside: they are printed, so they are made safe here, once. */
function toBlueprint(found: SdkBlueprint): Blueprint {
  return {
    id: neutralize(found.BlueprintId ?? ''),
    state: neutralize(found.BlueprintState ?? 'UNKNOWN'),
    type: neutralize(found.BlueprintType ?? 'UNKNOWN'),
    name: neutralize(found.BlueprintName ?? ''),
    nameAsGiven: found.BlueprintName ?? '',
    createdAt: Date.parse(found.CreatedTime ?? '')
  }
}
