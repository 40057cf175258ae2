/** Waiting for a freshly built image to become NORMAL. */
import type { Blueprint, LighthouseApi } from '../cloud/lighthouse.js'
import type { Clock } from '../common/clock.js'
import type { Logger } from '../common/logger.js'

/** The image is not shareable, and waiting will not change that. */
export class BlueprintError extends Error {
  override name = 'BlueprintError'
}

/**
 * States from which an image never becomes NORMAL by itself: failed, or on its
 * way out (ISOLATING, DELETING, DESTROYING lead away from NORMAL). Any other
 * state, documented or not, is waited on.
 */
export const FAILED_STATES: readonly string[] = [
  'CREATEFAILED',
  'SYNCING_FAILED',
  'OFFLINE',
  'ISOLATED',
  'ISOLATING',
  'DELETING',
  'DESTROYING'
]

const BEING_REMOVED: readonly string[] = ['ISOLATING', 'DELETING', 'DESTROYING']

export interface WaitSchedule {
  /** A short wait is noticed quickly: this often at first... */
  firstIntervalMs: number
  /** ...for this long (an image that is almost ready is shared within seconds)... */
  steadyForMs: number
  /** ...then the interval grows by this factor up to maxIntervalMs, so a long wait does not hammer the API. */
  growth: number
  maxIntervalMs: number
  /** A progress line this often while the state stays the same. */
  progressEveryMs: number
}

const DEFAULT_WAIT_SCHEDULE: WaitSchedule = {
  firstIntervalMs: 2000,
  steadyForMs: 30_000,
  growth: 1.5,
  maxIntervalMs: 15_000,
  progressEveryMs: 30_000
}

export interface WaitOptions {
  blueprintId: string
  region: string
  /** Absolute time (clock.now()) after which to give up; now or earlier means do not wait. */
  deadline: number
  clock: Clock
  log: Logger
  /** Called with every state read, so the report always has the latest. */
  onState: (state: string) => void
  /** Called when the region has no such image, so no output names it. */
  onMissing?: () => void
  schedule?: WaitSchedule
}

/** Resolves to the image once it is a NORMAL custom image; throws BlueprintError otherwise. */
export async function waitForNormal(api: LighthouseApi, options: WaitOptions): Promise<Blueprint> {
  const { blueprintId, region, deadline, clock, onState } = options
  const { info } = options.log
  const schedule = options.schedule ?? DEFAULT_WAIT_SCHEDULE
  const started = clock.now()
  const seconds = (ms: number): string => `${Math.round(ms / 1000)} s`
  let interval = schedule.firstIntervalMs
  let lastState: string | undefined
  let lastLine = started

  for (;;) {
    const blueprint = await api.describeBlueprint(blueprintId)
    if (!blueprint) {
      options.onMissing?.()
      throw new BlueprintError(
        `Blueprint ${blueprintId} was not found in region ${region}. ` +
          'Each region has its own image IDs: check "blueprint-id" and "region".'
      )
    }
    onState(blueprint.state)
    if (blueprint.type !== 'PRIVATE') {
      throw new BlueprintError(
        `Blueprint ${blueprintId} is a ${blueprint.type} image: only custom (PRIVATE) images can be shared.`
      )
    }
    const now = clock.now()
    if (blueprint.state === 'NORMAL') {
      if (lastState !== undefined)
        info(`Blueprint ${blueprintId} is NORMAL after ${seconds(now - started)}.`)
      return blueprint
    }
    if (FAILED_STATES.includes(blueprint.state)) {
      throw new BlueprintError(
        `Blueprint ${blueprintId} is in state ${blueprint.state}, which it does not leave by itself: ` +
          (BEING_REMOVED.includes(blueprint.state)
            ? 'it is being isolated or deleted, and cannot be shared.'
            : 'it cannot be shared. Build the image again.')
      )
    }
    if (now >= deadline) {
      throw new BlueprintError(
        lastState === undefined
          ? `Blueprint ${blueprintId} is in state ${blueprint.state}: it must be NORMAL to be shared ` +
              '(not waiting: "wait-timeout-seconds" is 0).'
          : `Blueprint ${blueprintId} did not become NORMAL: still ${blueprint.state} after waiting ` +
              `${seconds(now - started)}. Raise "wait-timeout-seconds" if the image takes longer to build.`
      )
    }
    if (blueprint.state !== lastState) {
      info(
        `Blueprint ${blueprintId} is ${blueprint.state}; waiting for NORMAL ` +
          `(${seconds(now - started)} so far, up to ${seconds(deadline - started)}).`
      )
      lastLine = now
    } else if (now - lastLine >= schedule.progressEveryMs) {
      info(`Still waiting for ${blueprintId}: ${blueprint.state} after ${seconds(now - started)}.`)
      lastLine = now
    }
    lastState = blueprint.state
    if (now - started >= schedule.steadyForMs) {
      interval = Math.min(interval * schedule.growth, schedule.maxIntervalMs)
    }
    await clock.sleep(Math.min(interval, deadline - now))
  }
}
