/**
 * The Lighthouse API actions the share needs. Every answer is read member by
 * member against Tencent's spec: an answer that does not fit is no answer
 * (a TransportError, retried like one), never a crash or a false "not found".
 */
import { isAccountId, isBlueprintId, isCvmImageId } from '../common/ids.js'
import { batches } from '../common/batches.js'
import type { Caller } from './retry.js'
import type { ApiResponse } from './api-transport.js'
import { OUTSIDE_TEXT_LIMIT, bounded, neutralize } from '../common/untrusted.js'
import { parseApiTime } from '../common/times.js'
import { countOf, listOf, membersOf, unreadable } from './answers.js'
import { imageConversion, type ImageConversionApi } from './image-conversion.js'
import { readAllPages } from './pages.js'

export interface Blueprint {
  id: string
  /** NORMAL, SYNCING, CREATEFAILED, ... */
  state: string
  /** PRIVATE for a custom image. */
  type: string
  /** Safe to print. */
  name: string
  /** The name exactly as the API has it, to compare images by; never printed. */
  nameAsGiven: string
  /** The description exactly as the API has it ('' when it has none); never printed. */
  description: string
  /**
   * When the image was made, in ms; NaN when the API does not say (the spec
   * allows null) or says it in any form but the documented YYYY-MM-DDThh:mm:ssZ.
   */
  createdAt: number
  /** CreatedTime as the API gave it ('' for null), safe to print: the summary shows a malformed one as it is. */
  createdTime: string
  /** The CVM image it was made from (ModifyImageSharePermission); '' for any other image. */
  imageId: string
}

/** A copy SyncBlueprint started: its region and its new ID there. */
export interface Copy {
  region: string
  blueprintId: string
}

export interface LighthouseApi extends ImageConversionApi {
  /** The image, or undefined when the region has no image with that ID. */
  describeBlueprint(blueprintId: string): Promise<Blueprint | undefined>
  /**
   * Every custom (PRIVATE) image of the region, newest first: all pages,
   * each image once, as many as the API's total (else ShiftingListError).
   */
  listCustomImages(): Promise<Blueprint[]>
  /** Every account the image is shared with: all pages, each once, as many as the total (else ShiftingListError). */
  listSharedAccounts(blueprintId: string): Promise<string[]>
  /** Which of these accounts have the share: one small read per 5 accounts. */
  findSharedAccounts(blueprintId: string, accountIds: readonly string[]): Promise<string[]>
  /**
   * Shares with up to 10 accounts; resolves to the RequestId. Not retried
   * when the answer is lost: the share may have been made, so the caller
   * settles it first.
   */
  shareBlueprint(blueprintId: string, accountIds: readonly string[]): Promise<string>
  /** Takes the share from up to 10 accounts; like shareBlueprint, a lost answer is not retried. */
  cancelShare(blueprintId: string, accountIds: readonly string[]): Promise<string>
  /**
   * Copies the image to up to 10 other regions; resolves to each copy's new
   * ID. Not retried when the answer is lost: the caller looks for the copies.
   */
  syncBlueprint(blueprintId: string, regions: readonly string[]): Promise<Copy[]>
  /** Sets an image's description (60 characters at most); the same call twice does no harm. */
  setDescription(blueprintId: string, description: string): Promise<string>
  /** Sets an image's name (60 characters at most); the same call twice does no harm. */
  setName(blueprintId: string, name: string): Promise<string>
  /**
   * Deletes one custom image; resolves to the RequestId. Sent once: after any
   * failure the caller reads the image (and its shares) before sending again.
   */
  deleteBlueprint(blueprintId: string): Promise<string>
  /** The region's custom-image quota (resource BLUEPRINT). */
  blueprintQuota(): Promise<Quota>
}

export interface Quota {
  available: number
  total: number
}

/** The largest page DescribeBlueprints and DescribeBlueprintsShareAcrossAccountInfos give. */
const PAGE_SIZE = 100
/** The most values the share-list read's account-id filter takes. */
const ACCOUNT_FILTER_SIZE = 5

export function createLighthouseApi(caller: Caller): LighthouseApi {
  return {
    ...imageReads(caller),
    ...shareCalls(caller),
    ...imageChanges(caller),
    ...imageConversion(caller)
  }
}

/** Reading images: one by ID, or every custom image of the region. */
function imageReads(caller: Caller): Pick<LighthouseApi, 'describeBlueprint' | 'listCustomImages'> {
  /** Every page of an image list, each image once, agreeing with TotalCount. */
  const describeAll = (params: object): Promise<Blueprint[]> =>
    readAllPages(
      'DescribeBlueprints',
      PAGE_SIZE,
      (offset) =>
        caller.call(
          'DescribeBlueprints',
          { ...params, Offset: offset, Limit: PAGE_SIZE },
          { read: readBlueprintPage }
        ),
      (image) => image.id
    )

  return {
    async describeBlueprint(blueprintId) {
      const page = await caller.call(
        'DescribeBlueprints',
        { BlueprintIds: [blueprintId] },
        { read: readBlueprintPage }
      )
      return page.items.find((b) => b.id === blueprintId)
    },

    async listCustomImages() {
      const images = await describeAll({
        Filters: [{ Name: 'blueprint-type', Values: ['PRIVATE'] }]
      })
      // The filter is trusted no further than it is documented.
      return images
        .filter((b) => b.type === 'PRIVATE')
        .sort((x, y) => (y.createdAt || 0) - (x.createdAt || 0))
    }
  }
}

/** An image's shares: read them, find some, share, cancel. */
function shareCalls(
  caller: Caller
): Pick<
  LighthouseApi,
  'listSharedAccounts' | 'findSharedAccounts' | 'shareBlueprint' | 'cancelShare'
> {
  /** One image's shares: a share of any other image in the answer makes it no answer. */
  const readShareInfos = (blueprintId: string, params: object) =>
    caller.call(
      'DescribeBlueprintsShareAcrossAccountInfos',
      { BlueprintIds: [blueprintId], ...params },
      { read: (response) => readShareInfoPage(response, blueprintId) }
    )

  const changeShares = (action: string, blueprintId: string, accountIds: readonly string[]) =>
    caller.call(
      action,
      { BlueprintId: blueprintId, AccountIds: accountIds },
      { retryLostAnswers: false, read: (response) => response.RequestId }
    )

  return {
    listSharedAccounts: (blueprintId) =>
      readAllPages(
        'DescribeBlueprintsShareAcrossAccountInfos',
        PAGE_SIZE,
        (offset) => readShareInfos(blueprintId, { Offset: offset, Limit: PAGE_SIZE }),
        (accountId) => accountId
      ),

    async findSharedAccounts(blueprintId, accountIds) {
      const found: string[] = []
      for (const group of batches(accountIds, ACCOUNT_FILTER_SIZE)) {
        const page = await readShareInfos(blueprintId, {
          Filters: [{ Name: 'account-id', Values: group }],
          Limit: PAGE_SIZE
        })
        found.push(...page.items.filter((accountId) => group.includes(accountId)))
      }
      return found
    },

    shareBlueprint: (blueprintId, accountIds) =>
      changeShares('ShareBlueprintAcrossAccounts', blueprintId, accountIds),
    cancelShare: (blueprintId, accountIds) =>
      changeShares('CancelShareBlueprintAcrossAccounts', blueprintId, accountIds)
  }
}

/** Changing images: copy, mark, delete, and the quota copies count against. */
function imageChanges(
  caller: Caller
): Pick<
  LighthouseApi,
  'syncBlueprint' | 'setDescription' | 'setName' | 'deleteBlueprint' | 'blueprintQuota'
> {
  return {
    syncBlueprint: (blueprintId, regions) =>
      caller.call(
        'SyncBlueprint',
        { BlueprintId: blueprintId, DestinationRegions: regions },
        { retryLostAnswers: false, read: (response) => readCopies(response, regions) }
      ),

    setDescription: (blueprintId, description) =>
      caller.call(
        'ModifyBlueprintAttribute',
        { BlueprintId: blueprintId, Description: description },
        { read: (response) => response.RequestId }
      ),

    setName: (blueprintId, name) =>
      caller.call(
        'ModifyBlueprintAttribute',
        { BlueprintId: blueprintId, BlueprintName: name },
        { read: (response) => response.RequestId }
      ),

    deleteBlueprint: (blueprintId) =>
      caller.call(
        'DeleteBlueprints',
        { BlueprintIds: [blueprintId] },
        { once: true, read: (response) => response.RequestId }
      ),

    blueprintQuota: () =>
      caller.call(
        'DescribeGeneralResourceQuotas',
        { ResourceNames: [BLUEPRINT_QUOTA] },
        { read: readBlueprintQuota }
      )
  }
}

/** The quota resource of custom images; FREE_BLUEPRINT, the free ones, is another. */
const BLUEPRINT_QUOTA = 'BLUEPRINT'

function readBlueprintQuota(response: ApiResponse): Quota {
  const action = 'DescribeGeneralResourceQuotas'
  const quota = listOf(action, response, 'GeneralResourceQuotaSet')
    .map(membersOf)
    .find((item) => item.ResourceName === BLUEPRINT_QUOTA)
  const [available, total] = [quota?.ResourceQuotaAvailable, quota?.ResourceQuotaTotal]
  if (!Number.isInteger(available) || !Number.isInteger(total)) {
    throw unreadable(action, 'no BLUEPRINT quota with whole numbers')
  }
  return { available: available as number, total: total as number }
}

/** An item of a list in an answer, as its members; anything but an object has none. */
function readBlueprintPage(response: ApiResponse): { items: Blueprint[]; total: number } {
  const action = 'DescribeBlueprints'
  return {
    items: listOf(action, response, 'BlueprintSet').map((item) => toBlueprint(action, item)),
    total: countOf(action, response)
  }
}

/** Names, states and descriptions come from outside: what is printed is made safe here, once. */
function toBlueprint(action: string, item: unknown): Blueprint {
  const found = membersOf(item)
  if (!isBlueprintId(found.BlueprintId))
    throw unreadable(action, 'an image without a valid BlueprintId')
  const text = (member: string, fallback: string): string => {
    const value = found[member]
    if (value === undefined || value === null) return fallback
    if (typeof value !== 'string') throw unreadable(action, `${member} is not a string`)
    return value
  }
  const created = text('CreatedTime', '')
  return {
    id: found.BlueprintId as string,
    state: neutralize(bounded(text('BlueprintState', 'UNKNOWN'), OUTSIDE_TEXT_LIMIT.name)),
    type: neutralize(bounded(text('BlueprintType', 'UNKNOWN'), OUTSIDE_TEXT_LIMIT.name)),
    name: neutralize(bounded(text('BlueprintName', ''), OUTSIDE_TEXT_LIMIT.name)),
    nameAsGiven: text('BlueprintName', ''),
    description: text('Description', ''),
    createdAt: parseApiTime(created),
    createdTime: neutralize(bounded(created, OUTSIDE_TEXT_LIMIT.name)),
    imageId: isCvmImageId(text('ImageId', '')) ? text('ImageId', '') : ''
  }
}

/** A page of one image's shares, as account IDs; a share of another image is no answer. */
function readShareInfoPage(response: ApiResponse, blueprintId: string) {
  const action = 'DescribeBlueprintsShareAcrossAccountInfos'
  const accounts = listOf(action, response, 'BlueprintShareAcrossAccountInfoSet').map((item) => {
    const info = membersOf(item)
    if (!isBlueprintId(info.BlueprintId) || !isAccountId(info.AccountId)) {
      throw unreadable(action, 'a share without a valid BlueprintId and AccountId')
    }
    if (info.BlueprintId !== blueprintId) throw unreadable(action, 'a share of another image')
    return info.AccountId as string
  })
  return { items: accounts, total: countOf(action, response) }
}

/** SyncBlueprint's copies: each a region that was asked for and a valid new ID. */
function readCopies(response: ApiResponse, regions: readonly string[]): Copy[] {
  const action = 'SyncBlueprint'
  return listOf(action, response, 'DestinationRegionBlueprintSet').map((item) => {
    const copy = membersOf(item)
    if (typeof copy.Region !== 'string' || !regions.includes(copy.Region)) {
      throw unreadable(action, 'a copy in a region that was not asked for')
    }
    if (!isBlueprintId(copy.BlueprintId))
      throw unreadable(action, 'a copy without a valid BlueprintId')
    return { region: copy.Region, blueprintId: copy.BlueprintId as string }
  })
}
