/**
 * Lighthouse's state: the images of every region and the accounts that
 * exist, and the actions on images themselves (describe, modify, delete,
 * the custom-image quota). Shares and copies are the emulator's own layer.
 */
import { AuthenticatingServer } from './auth.js'
import {
  apiTime,
  blueprintFilters,
  checkBlueprintIdFormat,
  optionalStringList,
  paging,
  QUOTA_NAMES,
  stateInvalid
} from './lighthouse-params.js'
import { ApiFailure, type Params } from './server.js'

/** Where an image lives unless a test says otherwise. */
export const DEFAULT_REGION = 'ap-guangzhou'

export interface EmulatedBlueprint {
  id: string
  /** Each region has its own images, with their own IDs. */
  region: string
  /** YYYY-MM-DDThh:mm:ssZ, as the spec gives it; null when the API cannot say (the spec allows it). */
  createdTime: string | null
  state: string
  /** PRIVATE (custom), PUBLIC or SHARED. */
  type: string
  name: string
  /** ModifyBlueprintAttribute sets it; a copy starts with its source's. */
  description: string | null
  /** The image SyncBlueprint made this one from: the truth a test checks the action's guesses against. */
  copiedFrom?: string
  /** The CVM image ModifyImageSharePermission made this one from ('' for any other). */
  imageId?: string
  /** How many accounts the image may be shared with. */
  shareQuota: number
  /** Account ID → time the share was made. */
  shares: Map<string, string>
}

export abstract class LighthouseImages extends AuthenticatingServer {
  /** How long SyncBlueprint's copies take to become NORMAL (the source reads SYNCING meanwhile). */
  copyMs = 300
  /** Destination regions whose copy ends in SYNCING_FAILED. */
  readonly failingCopyRegions = new Set<string>()
  /** Regions SyncBlueprint answers UnavailableRegion for. */
  readonly unavailableRegions = new Set<string>()
  /** How many more copies SyncBlueprint makes before LimitExceeded.SyncBlueprintQuotaLimitExceeded. */
  syncQuota = Infinity
  /** Each region's custom-image quota (resource BLUEPRINT); a copy into a full region is refused. */
  readonly blueprintQuota = new Map<string, number>()
  /** The quota of a region not in blueprintQuota. */
  defaultBlueprintQuota = 50
  /** Images instances use: DeleteBlueprints refuses them (BlueprintOccupied). */
  readonly inUse = new Set<string>()
  /** Images DeleteBlueprints deleted, in order, with the shares each still had. */
  readonly deleted: { id: string; region: string; shares: string[] }[] = []
  protected readonly blueprints = new Map<string, EmulatedBlueprint>()
  protected readonly rootAccounts = new Set<string>()
  protected readonly subAccounts = new Set<string>()
  protected readonly otherSiteAccounts = new Set<string>()

  addBlueprint(
    blueprint: Partial<Omit<EmulatedBlueprint, 'shares'>> & { id: string; sharedWith?: string[] }
  ): this {
    const shares = new Map<string, string>()
    for (const account of blueprint.sharedWith ?? []) shares.set(account, apiTime(new Date()))
    this.blueprints.set(blueprint.id, {
      id: blueprint.id,
      region: blueprint.region ?? DEFAULT_REGION,
      createdTime:
        blueprint.createdTime === undefined
          ? '2026-11-01T00:00:00Z'
          : blueprint.createdTime && apiTime(new Date(blueprint.createdTime)),
      state: blueprint.state ?? 'NORMAL',
      type: blueprint.type ?? 'PRIVATE',
      name: blueprint.name ?? blueprint.id,
      description: blueprint.description ?? null,
      shareQuota: blueprint.shareQuota ?? 10_000,
      ...(blueprint.imageId ? { imageId: blueprint.imageId } : {}),
      shares
    })
    for (const account of blueprint.sharedWith ?? []) this.rootAccounts.add(account)
    return this
  }

  /** Sets the image's state now, or `afterMs` from now (a build finishing). */
  setBlueprintState(id: string, state: string, afterMs = 0): void {
    const blueprint = this.blueprint(id)
    if (afterMs <= 0) blueprint.state = state
    else void this.sleep(afterMs).then(() => (blueprint.state = state))
  }

  blueprint(id: string): EmulatedBlueprint {
    const found = this.blueprints.get(id)
    if (!found) throw new Error(`The emulator has no blueprint ${id}.`)
    return found
  }

  sharesOf(id: string): string[] {
    return [...this.blueprint(id).shares.keys()]
  }

  /** Accounts that exist: root accounts, sub-users, or root accounts on the other site. */
  addAccounts(kind: 'root' | 'sub' | 'other-site', ids: Iterable<string>): this {
    const set = {
      root: this.rootAccounts,
      sub: this.subAccounts,
      'other-site': this.otherSiteAccounts
    }[kind]
    for (const id of ids) set.add(id)
    return this
  }

  /** Every image, in every region. */
  allBlueprints(): Iterable<EmulatedBlueprint> {
    return this.blueprints.values()
  }

  /** The images of a region, newest first (those without a time last). */
  blueprintsIn(region: string): EmulatedBlueprint[] {
    return [...this.blueprints.values()]
      .filter((b) => b.region === region)
      .sort((x, y) => (y.createdTime ?? '').localeCompare(x.createdTime ?? ''))
  }

  /** A region's custom-image quota: its images count, whatever their state, until they are gone. */
  quotaOf(region: string): { used: number; total: number } {
    const used = this.blueprintsIn(region).filter((b) => b.type === 'PRIVATE').length
    return { used, total: this.blueprintQuota.get(region) ?? this.defaultBlueprintQuota }
  }

  /** The account's own custom image `id` in the region, or the code each action answers when it is not. */
  protected ownCustomImage(
    id: string,
    region: string,
    verb: string,
    notCustom: string
  ): EmulatedBlueprint {
    const found = this.blueprints.get(id)
    if (!found || found.region !== region) {
      throw new ApiFailure(
        'ResourceNotFound.BlueprintIdNotFound',
        `The image ID ${id} does not exist.`
      )
    }
    if (found.type === 'SHARED') {
      throw new ApiFailure(
        'UnsupportedOperation.NotSupportSharedBlueprint',
        `A shared image cannot be ${verb}.`
      )
    }
    if (found.type !== 'PRIVATE')
      throw new ApiFailure(notCustom, `The custom image ${id} does not exist.`)
    return found
  }

  protected describeBlueprints(params: Params, region: string): Params {
    const ids = optionalStringList(params, 'BlueprintIds', 100)
    const filters = blueprintFilters(params)
    const { offset, limit } = paging(params)
    for (const id of ids ?? []) checkBlueprintIdFormat(id)
    const matches: Record<string, (b: EmulatedBlueprint, value: string) => boolean> = {
      'blueprint-id': (b, value) => b.id === value,
      // The spec does not say the name filter is exact: play the fuzzy reading, a substring.
      'blueprint-name': (b, value) => b.name.includes(value),
      'blueprint-type': (b, value) => b.type === value,
      'blueprint-state': (b, value) => b.state === value
    }
    const matching = this.blueprintsIn(region)
      .filter((b) => !ids || ids.includes(b.id))
      .filter((b) => filters.every((f) => f.values.some((value) => matches[f.name](b, value))))
    const international = this.site === 'international'
    return {
      TotalCount: matching.length,
      BlueprintSet: matching.slice(offset, offset + limit).map((b) => ({
        BlueprintId: b.id,
        BlueprintName: b.name,
        Description: b.description,
        BlueprintType: b.type,
        BlueprintState: b.state,
        Platform: 'UBUNTU',
        PlatformType: 'LINUX_UNIX',
        OsName: 'Ubuntu Server 22.04 LTS 64bit',
        CreatedTime: b.createdTime,
        // The members the spec marks output_required, as a custom image has them.
        DisplayTitle: b.name,
        DisplayVersion: '22.04 LTS',
        ImageUrl: '',
        RequiredSystemDiskSize: 20,
        RequiredMemorySize: 1,
        SupportAutomationTools: true,
        ImageId: b.imageId ?? '',
        CommunityUrl: '',
        GuideUrl: '',
        SceneIdSet: [],
        DockerVersion: null,
        // Only the China site's spec has these two.
        ...(international ? {} : { BlueprintShared: b.shares.size > 0, Tags: [] })
      }))
    }
  }

  /** ModifyBlueprintAttribute: a custom image's name or description (60 characters each), in NORMAL. */
  protected modifyBlueprintAttribute(params: Params, region: string): Params {
    const id = params.BlueprintId as string
    checkBlueprintIdFormat(id)
    if (params.BlueprintName === undefined && params.Description === undefined) {
      throw new ApiFailure(
        'InvalidParameter.MustSpecifyOneAttributeToModify',
        'Give BlueprintName or Description.'
      )
    }
    const found = this.ownCustomImage(
      id,
      region,
      'changed',
      'ResourceNotFound.PrivateBlueprintNotFound'
    )
    if (found.state !== 'NORMAL') {
      throw stateInvalid(found)
    }
    if (typeof params.BlueprintName === 'string') found.name = params.BlueprintName
    if (typeof params.Description === 'string') found.description = params.Description
    return {}
  }

  /**
   * DeleteBlueprints: custom images in NORMAL, ISOLATED, CREATEFAILED or
   * SYNCING_FAILED, none in use; all of the call's or none. The spec does not
   * say what becomes of an image's shares: the least convenient reading is
   * that it is deleted with them, so the action must take them first.
   */
  protected deleteBlueprints(params: Params, region: string): Params {
    const ids = optionalStringList(params, 'BlueprintIds', 100) ?? []
    for (const id of ids) checkBlueprintIdFormat(id)
    if (new Set(ids).size !== ids.length) {
      throw new ApiFailure('InvalidParameterValue.Duplicated', 'BlueprintIds has duplicates.')
    }
    const images = ids.map((id) => {
      const found = this.ownCustomImage(id, region, 'deleted', 'ResourceNotFound.BlueprintNotFound')
      if (this.inUse.has(id)) {
        throw new ApiFailure('UnsupportedOperation.BlueprintOccupied', `The image ${id} is in use.`)
      }
      if (!['NORMAL', 'ISOLATED', 'CREATEFAILED', 'SYNCING_FAILED'].includes(found.state)) {
        throw stateInvalid(found)
      }
      return found
    })
    for (const image of images) {
      this.deleted.push({ id: image.id, region, shares: [...image.shares.keys()] })
      // DELETING for a moment, as the state list has it, then gone.
      image.state = 'DELETING'
      void this.sleep(this.copyMs).then(() => this.blueprints.delete(image.id))
    }
    return {}
  }

  /** DescribeGeneralResourceQuotas: BLUEPRINT is the region's custom-image quota; the others are answered as unlimited here. */
  protected describeQuotas(params: Params, region: string): Params {
    const names = optionalStringList(params, 'ResourceNames', 100) ?? []
    const unknown = names.find((name) => !QUOTA_NAMES.includes(name))
    if (unknown !== undefined) {
      throw new ApiFailure(
        'InvalidParameterValue.InvalidResourceQuotaResourceName',
        `${unknown} is not a resource name.`
      )
    }
    return {
      GeneralResourceQuotaSet: names.map((name) => {
        if (name !== 'BLUEPRINT') {
          return { ResourceName: name, ResourceQuotaAvailable: 100, ResourceQuotaTotal: 100 }
        }
        const { used, total } = this.quotaOf(region)
        return {
          ResourceName: name,
          ResourceQuotaAvailable: Math.max(0, total - used),
          ResourceQuotaTotal: total
        }
      })
    }
  }
}
