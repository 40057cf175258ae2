/** The image in its own region, read NORMAL with its shares before any copy or change; or that region's failure. */
import { describeError } from '../../cloud/api-errors.js'
import type { Blueprint } from '../../cloud/lighthouse.js'
import { type CopySource } from '../copies.js'
import { buildTimeOf } from '../lifecycle/versions.js'
import {
  UnlistedNeedsListError,
  readCurrentShares,
  unlistedNeedsTheList,
  waitForRecordedImage
} from '../share/share.js'
import {
  runLifecycle,
  type RegionDeps,
  type RegionResult,
  type RegionsRequest,
  type Source
} from './road.js'

/** The image's own region, when the image never became ready there. */
export async function sourceFailed(
  deps: RegionDeps,
  request: RegionsRequest,
  error: unknown
): Promise<RegionResult> {
  const { region } = request
  const record = deps.records.open(region, request.image.id, 'source')
  const family = await runLifecycle(deps, request, record, {
    shared: false,
    log: deps.log,
    failure: error
  })
  const why = [describeError(error), family].filter(Boolean).join(' ')
  // revoke-unlisted without the share list stops before any change: no account is failed by it.
  if (!(error instanceof UnlistedNeedsListError)) record.failRemaining(why, request.wanted.revoke)
  return { region, origin: 'source', record, failure: why }
}

/**
 * The image in its own region, NORMAL (as chosen, or waited for), and its
 * shares: without the share list, revoke-unlisted stops before any change.
 */
export async function readySource(deps: RegionDeps, request: RegionsRequest): Promise<Source> {
  const { image, region } = request
  const api = deps.apiFor(region)
  const record = deps.records.open(region, image.id, 'source')
  const waitFor = (seconds: number) =>
    waitForRecordedImage({ ...deps, api }, record, deps.clock.now() + seconds * 1000)
  const chosen = image.found?.state === 'NORMAL' ? image.found : undefined
  if (chosen) record.recordState(chosen.state)
  const ready = chosen ?? (await waitFor(request.waitTimeoutSeconds))
  const shares = await readCurrentShares(api, image.id)
  if (!shares.readable && request.wanted.revokeUnlisted) throw unlistedNeedsTheList(shares)
  let namesakes: Promise<Blueprint[]> | undefined
  const copy: CopySource = {
    image: ready,
    region,
    builtAt: deps.lifecycle?.currentBuilt ?? buildTimeOf(ready),
    // Other images of the source's name in its region: read once, only if needed, and then (not
    // earlier, from the list the image was chosen by): a build of that name may have appeared since.
    namesakes: () =>
      (namesakes ??= api
        .listCustomImages()
        .then((all) => all.filter((i) => i.nameAsGiven === ready.nameAsGiven && i.id !== ready.id)))
  }
  return { copy, shares, waitFor }
}
