/**
 * What a run has done so far, kept as it goes so that it can be reported
 * whatever step failed: the settings, the regions' records, the family's
 * records, the organization's members.
 */
import type { Conversion } from '../sharing/conversion.js'
import type { FamilyLifecycle } from '../sharing/lifecycle/lifecycle.js'
import type { RegionResult } from '../sharing/regions/regions.js'
import type { RegionRecord } from '../sharing/share/region-record.js'
import { RegionRecords, type RecordDefaults } from '../sharing/share/region-records.js'
import type { ResolvedTargets } from '../sharing/targets/target-source.js'
import type { Settings } from './inputs/settings.js'

export class Journal {
  private read?: Settings
  private regionRecords?: RegionRecords
  private family?: FamilyLifecycle
  private targets?: ResolvedTargets
  private regionResults?: readonly RegionResult[]
  private cvm?: Conversion

  /** The settings are read: what the run was asked to do. */
  settings(settings: Settings): Settings {
    this.read = settings
    return settings
  }

  /** With image-id: the blueprint made from the CVM image, found, or (a dry run) to be made; told as soon as it is. */
  readonly converted = (conversion: Conversion): void => {
    this.cvm = conversion
  }

  get conversion(): Conversion | undefined {
    return this.cvm
  }

  /** The targets are resolved: who should have the share. */
  resolved(targets: ResolvedTargets): ResolvedTargets {
    this.targets = targets
    return targets
  }

  /** With family: the lifecycle whose records the outputs name. */
  lifecycle(lifecycle: FamilyLifecycle | undefined): FamilyLifecycle | undefined {
    this.family = lifecycle
    return lifecycle
  }

  /** Where every region's record is kept from now on. */
  records(defaults: RecordDefaults): RegionRecords {
    this.regionRecords = new RegionRecords(defaults)
    return this.regionRecords
  }

  /** Every region is done, each with its result. */
  regionsDone(results: readonly RegionResult[]): void {
    this.regionResults = results
  }

  /** With dry-run: whether a plan that would change anything fails the step. */
  get failOnDrift(): boolean {
    return this.read?.failOnDrift ?? false
  }

  get onAccountError(): 'fail' | 'warn' {
    return this.read?.onAccountError ?? 'fail'
  }

  /** Each region's record, the image's own region first, then the copies in the order asked for. */
  get regions(): RegionRecord[] {
    const order = this.read ? [this.read.region, ...this.read.copyToRegions] : []
    return (this.regionRecords?.all ?? []).sort(
      (a, b) => order.indexOf(a.region) - order.indexOf(b.region)
    )
  }

  get results(): readonly RegionResult[] {
    return this.regionResults ?? []
  }

  /** Each region's family record, in the regions' order. */
  get families() {
    return this.regions.flatMap((record) => this.family?.records.get(record.region) ?? [])
  }

  get organizationAccountIds(): readonly string[] {
    return this.targets?.byKind.get('organization') ?? []
  }
}
