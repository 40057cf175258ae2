/**
 * What the lifecycle did in a region, filled in as it goes, so that an act
 * that stops half-way is still reported: every share taken from an older
 * version (with its account), every image deleted, and every version left
 * alone, with why.
 */
import type { RegionRecord } from '../share/region-record.js'
import type { PlannedVersion } from './rules.js'

/** What became of a version's image. */
export type Deletion =
  | { result: 'deleted'; requestId?: string; settled?: string }
  | { result: 'would-delete' }
  /** A delete call may have worked and no read could tell. */
  | { result: 'unknown'; why: string }
  | { result: 'kept'; why: string }
  /** Gone (or going) before this run's call: not deleted by this run. */
  | { result: 'gone'; why: string }

export interface VersionRecord {
  version: PlannedVersion
  /** The version's shares as this run took them; undefined when none was to be taken. */
  shares?: RegionRecord
  deletion?: Deletion
  /** Why its shares were left as they are, when that needs saying (e.g. a share read that failed). */
  note?: string
}

export class RegionLifecycle {
  readonly versions: VersionRecord[]
  /** Why nothing was done here, when nothing was. */
  skipped?: string

  constructor(
    readonly region: string,
    readonly pattern: string,
    readonly dryRun: boolean,
    planned: readonly PlannedVersion[]
  ) {
    this.versions = planned.map((version) => ({ version }))
  }

  /** Versions to retire (lose every share), newest first. */
  get toRetire(): VersionRecord[] {
    return this.versions.filter((v) => ['retire', 'delete'].includes(v.version.fate))
  }

  /** Accounts that lost (in a dry run: would lose) a version's share. */
  revokedFrom(record: VersionRecord): string[] {
    return record.shares?.accountsWith('revoked') ?? []
  }

  /** Accounts whose share of a version was to be taken and was not, or may have been (unknown). */
  failedFrom(record: VersionRecord): string[] {
    return record.shares?.failures.map((a) => a.accountId) ?? []
  }

  /** Versions retired that lost at least one share (in a dry run: would). */
  get retired(): string[] {
    // Where retiring was held back, a version beyond keep-shared lost only offboarded accounts' shares.
    if (this.skipped !== undefined) return []
    return this.toRetire
      .filter((v) => this.revokedFrom(v).length > 0)
      .map((v) => v.version.image.id)
  }

  /** Versions this run deleted (in a dry run: would delete), and those a lost answer most likely deleted. */
  get deleted(): string[] {
    return this.versions
      .filter((v) => v.deletion?.result === 'deleted' || v.deletion?.result === 'would-delete')
      .map((v) => v.version.image.id)
  }

  /** Versions whose shares or existence this run changed, or may have: for the outputs. */
  get touched(): VersionRecord[] {
    return this.versions.filter(
      (v) =>
        this.revokedFrom(v).length > 0 ||
        this.failedFrom(v).length > 0 ||
        v.deletion?.result === 'deleted' ||
        v.deletion?.result === 'would-delete' ||
        v.deletion?.result === 'unknown'
    )
  }

  /** Versions whose acts did not all succeed. */
  get failures(): VersionRecord[] {
    return this.versions.filter(
      (v) => this.failedFrom(v).length > 0 || v.deletion?.result === 'unknown'
    )
  }
}
