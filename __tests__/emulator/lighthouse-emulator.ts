/**
 * A local stand-in for the Lighthouse API (version 2020-03-24), in layers:
 * the server (HTTP, faults, the rate limit, the spec checks: server.ts),
 * authentication and the other services (auth.ts), the images (images.ts),
 * and here the shares and the copies between regions, with the table of
 * the Lighthouse actions it answers.
 */
import { MAINLAND_REGIONS, LIGHTHOUSE_REGIONS as REGIONS } from '../../src/cloud/regions.js'
import { randomUUID } from 'node:crypto'
import type { Handler } from './auth.js'
import { checkCvmImageId, imageAnswer, type EmulatedCvmImage } from './cvm-images.js'
import { DEFAULT_REGION, LighthouseImages, type EmulatedBlueprint } from './images.js'
import {
  accountIdFilter,
  apiTime,
  checkBlueprintIdFormat,
  optionalStringList,
  paging,
  stateInvalid
} from './lighthouse-params.js'
import { ApiFailure, type Params } from './server.js'

export { API_VERSION, ORGANIZATION_VERSION, STS_VERSION, type EmulatedCredential } from './auth.js'
export { DEFAULT_REGION, type EmulatedBlueprint } from './images.js'
export { apiTime } from './lighthouse-params.js'
export type { CallRecord, Fault } from './server.js'

export class LighthouseEmulator extends LighthouseImages {
  protected readonly handlers: Record<string, Handler> = {
    DescribeBlueprints: (p, region) => this.describeBlueprints(p, region),
    DescribeBlueprintsShareAcrossAccountInfos: (p, region) => this.describeShareInfos(p, region),
    ShareBlueprintAcrossAccounts: (p, region) => this.changeShares(p, region, 'share'),
    CancelShareBlueprintAcrossAccounts: (p, region) => this.changeShares(p, region, 'cancel'),
    SyncBlueprint: (p, region) => this.syncBlueprint(p, region),
    ModifyBlueprintAttribute: (p, region) => this.modifyBlueprintAttribute(p, region),
    DeleteBlueprints: (p, region) => this.deleteBlueprints(p, region),
    DescribeGeneralResourceQuotas: (p, region) => this.describeQuotas(p, region),
    DescribeImagesToShare: (p, region) => this.describeImagesToShare(p, region),
    ModifyImageSharePermission: (p, region) => this.modifyImageSharePermission(p, region)
  }

  /** CVM custom images, by ID, in their regions. */
  readonly cvmImages = new Map<string, EmulatedCvmImage>()
  /** Whether the account has Lighthouse's service role (ModifyImageSharePermission needs it). */
  lighthouseServiceRole = true
  /** IDs the next blueprints made from CVM images get, in turn (random when none is left). */
  readonly nextConvertedIds: string[] = []
  /** Every CVM image made a blueprint, in order: the truth "never two blueprints of one image" is checked on. */
  readonly conversions: string[] = []

  addCvmImage(image: Partial<EmulatedCvmImage> & { id: string }): this {
    this.cvmImages.set(image.id, {
      region: DEFAULT_REGION,
      name: image.id,
      state: 'NORMAL',
      shareable: true,
      unshareableReason: '',
      sharedToLighthouse: false,
      // Built just now, unless the test says when.
      createdTime: apiTime(new Date()),
      ...image
    })
    return this
  }

  /** DescribeImagesToShare: the account's CVM images in the region, as Lighthouse sees them. */
  private describeImagesToShare(params: Params, region: string): Params {
    const ids = optionalStringList(params, 'ImageIds', 100)
    for (const id of ids ?? []) checkCvmImageId(id)
    const { offset, limit } = paging(params)
    const matching = [...this.cvmImages.values()].filter(
      (image) => image.region === region && (!ids || ids.includes(image.id))
    )
    return {
      TotalCount: matching.length,
      ImageSet: matching.slice(offset, offset + limit).map(imageAnswer)
    }
  }

  /**
   * ModifyImageSharePermission SHARE: the CVM image becomes a custom image
   * of Lighthouse with its ImageId. The spec does not say the new image's
   * name or first state: it is played the least convenient way, a name that
   * is not the CVM image's (its ID) and CREATING for copyMs.
   */
  private modifyImageSharePermission(params: Params, region: string): Params {
    const id = checkCvmImageId(params.ImageId)
    const image = this.cvmImages.get(id)
    if (!image || image.region !== region) {
      throw new ApiFailure('ResourceNotFound.ImageIdNotFound', `The image ${id} does not exist.`)
    }
    if (!this.lighthouseServiceRole) {
      throw new ApiFailure('ResourceNotFound.RoleNotFound', 'The service role does not exist.')
    }
    if (params.Permission === 'CANCEL') {
      image.sharedToLighthouse = false
      return { BlueprintId: null }
    }
    if (image.sharedToLighthouse) {
      throw new ApiFailure(
        'UnsupportedOperation.ImageAlreadyShared',
        'The image is shared already.'
      )
    }
    if (!image.shareable || image.state !== 'NORMAL') {
      throw new ApiFailure('UnsupportedOperation.ImageUnableToShare', 'The image cannot be shared.')
    }
    image.sharedToLighthouse = true
    this.conversions.push(id)
    const blueprintId =
      this.nextConvertedIds.shift() ?? `lhbp-${randomUUID().replace(/-/g, '').slice(0, 8)}`
    this.addBlueprint({
      id: blueprintId,
      region,
      name: id,
      state: 'CREATING',
      imageId: id,
      createdTime: apiTime(new Date())
    })
    this.setBlueprintState(blueprintId, 'NORMAL', this.copyMs)
    return { BlueprintId: blueprintId }
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
