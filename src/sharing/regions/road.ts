/** The shapes the region road passes between its steps, and the lifecycle each region runs. */
import { describeError } from '../../cloud/api-errors.js'
import type { Blueprint } from '../../cloud/lighthouse.js'
import { type Logger } from '../../common/logger.js'
import { type CopySource } from '../copies.js'
import { type CopyingDeps } from '../copying.js'
import type { ChosenImage } from '../image.js'
import type { FamilyLifecycle } from '../lifecycle/lifecycle.js'
import type { CopyOrigin, CurrentShares, RegionRecord, Unreadable } from '../share/region-record.js'
import type { RegionRecords } from '../share/region-records.js'
import { UnlistedNeedsListError } from '../share/share.js'
import type { Wanted } from '../targets/target-source.js'

export interface RegionDeps extends CopyingDeps {
  /** Where each region's record is kept, so a run that fails half-way still reports it. */
  records: RegionRecords
  /** With family: what runs in each region once its image's shares are done there. */
  lifecycle?: FamilyLifecycle
}

/** What to share where. */
export interface RegionsRequest {
  image: ChosenImage
  /** The image's own region. */
  region: string
  copyTo: readonly string[]
  wanted: Wanted
  dryRun: boolean
  /** How long to wait for the given image to become NORMAL; 0: not at all. */
  waitTimeoutSeconds: number
}

export interface RegionResult {
  region: string
  /** Undefined when the region could not even be looked at. */
  origin?: CopyOrigin
  record: RegionRecord
  /** Why this region failed (its shares, or its family's older versions); undefined when it did not. */
  failure?: string
}

/**
 * The longest the waits the step causes itself may take, unless
 * wait-timeout-seconds is longer: the source reads SYNCING while it is
 * copied, and each copy until it is NORMAL. A wait-timeout-seconds of 0,
 * meant for the given image, must not refuse them.
 */
export const COPY_WAIT_SECONDS = 1800

/** How long a wait the step caused itself may take: COPY_WAIT_SECONDS, or wait-timeout-seconds if longer. */
export function copyWaitSeconds(waitTimeoutSeconds: number): number {
  return Math.max(waitTimeoutSeconds, COPY_WAIT_SECONDS)
}

/** A region's image: the source, a copy the region already has, or one just made. */
export interface RegionImage {
  region: string
  blueprintId: string
  origin: 'source' | 'made' | 'reused'
  /** The image as read, when it was NORMAL then: no need to read it again. */
  ready?: Blueprint
  /** A copy to mark as the source's before its shares change (one just made, or recognised without a full mark). */
  mark?: boolean
}

/** The source, ready to share and to copy: read in NORMAL, its shares read. */
export interface Source {
  copy: CopySource
  shares: CurrentShares
  waitFor: (seconds: number) => Promise<Blueprint>
}

export interface LifecycleState {
  /** Whether the image's shares are done in the region. */
  shared: boolean
  log: Logger
  images?: readonly Blueprint[]
  /** Why the image's shares failed here: revoke-unlisted without the list changes nothing at all. */
  failure?: unknown
  /** Why the region's share lists cannot be read, where its image's were not read (a copy a dry run would make). */
  unreadable?: Unreadable
}

/**
 * With family: the family's plan in a region once its image's shares are
 * done there (`shared`), or failed (then only offboarding, if asked for).
 * Resolves to the lifecycle's failure, if any.
 */
export async function runLifecycle(
  deps: RegionDeps,
  request: RegionsRequest,
  record: RegionRecord,
  state: LifecycleState
): Promise<string | undefined> {
  const { lifecycle } = deps
  const offboards = request.wanted.revoke.length > 0 || request.wanted.revokeUnlisted
  if (!lifecycle || (!state.shared && !offboards)) return undefined
  if (state.failure instanceof UnlistedNeedsListError) return undefined
  try {
    await lifecycle.actIn(
      { ...deps, api: deps.apiFor(record.region), log: state.log },
      {
        blueprintId: record.blueprintId,
        region: record.region,
        wanted: request.wanted,
        dryRun: request.dryRun,
        waitTimeoutSeconds: request.waitTimeoutSeconds
      },
      { record, shared: state.shared, images: state.images, unreadable: state.unreadable }
    )
    return undefined
  } catch (error) {
    return describeError(error)
  }
}
