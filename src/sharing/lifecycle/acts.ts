/**
 * The lifecycle's acts, each carrying out its part of a region's plan and
 * recording every outcome as it goes: retire (take every share of a version),
 * offboard (take the shares of accounts that should have none), delete. A
 * delete whose answer is lost or unclear is settled by reading the image.
 */
import { ApiError, TransportError, describeError } from '../../cloud/api-errors.js'
import type { Logger } from '../../common/logger.js'
import { backoffDelay } from '../../cloud/retry.js'
import { RegionRecord, type CurrentShares, type Unreadable } from '../share/region-record.js'
import {
  readCurrentShares,
  shareBlueprint,
  type ShareDeps,
  type ShareRequest
} from '../share/share.js'
import type { Wanted } from '../targets/target-source.js'
import type { Deletion, VersionRecord } from './record.js'

/** States of an image on its way out: a delete was accepted. */
const GOING = ['DELETING', 'DESTROYING']

/** What every act on a region's versions works with. */
export interface ActContext {
  identity: string
  /** Where the image's own share list could not be read: older versions' cannot be either. */
  unreadable?: Unreadable
}

/**
 * Takes the shares `what` names, given the version's shares, from a version.
 * Whatever was taken before a failure stays recorded; the failure is thrown.
 */
async function takeShares(
  deps: ShareDeps,
  request: ShareRequest,
  version: VersionRecord,
  context: ActContext,
  what: (shares: CurrentShares) => Wanted
): Promise<void> {
  const { image } = version.version
  const shares = context.unreadable ?? (await readCurrentShares(deps.api, image.id))
  if (!shares.readable && !context.unreadable && shares.kind === 'denied') {
    // CAM refused this read (the site serves it): the version is left as it is, not guessed at.
    throw new Error(
      `its share list could not be read (${shares.code}, RequestId ${shares.requestId || 'none'}), so its shares are left as they are`
    )
  }
  const wanted = what(shares)
  const record = new RegionRecord({
    blueprintId: image.id,
    region: request.region,
    identity: context.identity,
    accountIds: wanted.revoke,
    dryRun: request.dryRun
  })
  version.shares = record
  await shareBlueprint(
    { ...deps, log: quiet(deps.log) },
    { ...request, blueprintId: image.id, wanted },
    record,
    { image: image.state === 'NORMAL' ? image : undefined, shares }
  )
  const failed = record.failures
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} account(s) kept the share: ${failed
        .map((a) => `${a.accountId} (${a.code ?? a.reason ?? 'unknown'})`)
        .join(', ')}`
    )
  }
}

/**
 * Retires a version: every share where the list can be read; where it cannot
 * (`unreadable`), the shares of the accounts this run knows (listed or
 * revoked), the only ones it can name. Members' shares too: a version is
 * retired whoever has it, so no account is kept for being a member.
 */
export function retire(
  deps: ShareDeps,
  request: ShareRequest,
  version: VersionRecord,
  context: ActContext
): Promise<void> {
  const { share, revoke } = request.wanted
  return takeShares(deps, request, version, context, (shares) => ({
    share: [],
    revoke: shares.readable ? [] : [...new Set([...share, ...revoke])],
    revokeUnlisted: shares.readable,
    listed: []
  }))
}

/**
 * Offboards a version that keeps its shares: the accounts in
 * revoke-account-ids lose it, and with revoke-unlisted every account not
 * listed (proven gone, where the list comes from an organization). No new
 * account gets an older version.
 */
export function offboard(
  deps: ShareDeps,
  request: ShareRequest,
  version: VersionRecord,
  context: ActContext
): Promise<void> {
  const { wanted } = request
  return takeShares(deps, request, version, context, (shares) => ({
    share: [],
    revoke: wanted.revoke,
    // Without the list no unlisted account can be named (revoke-unlisted then stops the step before).
    revokeUnlisted: wanted.revokeUnlisted && shares.readable,
    listed: wanted.listed ?? wanted.share,
    proveUnlisted: wanted.proveUnlisted
  }))
}

/** A version's plan lines are its own business: the summary and the family line tell what happened. */
function quiet(log: Logger): Logger {
  return { ...log, info: log.debug, group: async (_title, fn) => await fn() }
}

/**
 * Deletes a version that has no share left (read again just before every
 * attempt, so one shared meanwhile is kept). Where the shares cannot be read,
 * nothing is deleted: it is not known to have none.
 */
export async function remove(
  deps: ShareDeps,
  request: ShareRequest,
  record: VersionRecord,
  sharesReadable: boolean
): Promise<Deletion> {
  if (!sharesReadable) {
    return {
      result: 'kept',
      why: 'its shares cannot be read here, so it is not known to have none'
    }
  }
  if (request.dryRun) return { result: 'would-delete' }
  return deleteImage(deps, record.version.image.id)
}

/** Answers after which a delete may have been carried out: none came, or the API failed on its side. */
function mayHaveActed(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true
  return (
    error.kind === 'transient' || error.code === 'UnsupportedOperation.PostDestroyResourceFailed'
  )
}

/** Answers worth another attempt while the image is still there: none came, or the API was busy. */
function passing(error: unknown): boolean {
  return (
    error instanceof TransportError ||
    (error instanceof ApiError && ['transient', 'rate-limited', 'image-busy'].includes(error.kind))
  )
}

/**
 * DeleteBlueprints, each attempt only after a fresh read shows no share. Any
 * answer but success is settled by reading the image: gone, or DELETING,
 * means deleted (by this run when an attempt of it may have worked). Still
 * there after a lost answer or a passing failure, it is tried again within
 * the retry policy.
 */
async function deleteImage(deps: ShareDeps, id: string): Promise<Deletion> {
  const { api, policy, random, clock } = deps
  let mayHaveDeleted = false
  for (let attempt = 1; ; attempt++) {
    const shared = await sharesLeft(api, id)
    if (shared) return { result: 'kept', why: shared }
    let error: unknown
    try {
      return { result: 'deleted', requestId: await api.deleteBlueprint(id) }
    } catch (failure) {
      error = failure
    }
    mayHaveDeleted ||= mayHaveActed(error)
    let state: string | undefined
    try {
      state = (await api.describeBlueprint(id))?.state
    } catch (readError) {
      return mayHaveDeleted
        ? {
            result: 'unknown',
            why: `DeleteBlueprints got no clear answer (${describeError(error)}), and reading the image failed: ${describeError(readError)}`
          }
        : { result: 'kept', why: describeError(error) }
    }
    if (state === undefined || GOING.includes(state)) {
      if (mayHaveDeleted) {
        return {
          result: 'deleted',
          settled: state
            ? `the answer was unclear; it reads ${state}`
            : 'the answer was unclear; it is gone'
        }
      }
      return {
        result: 'gone',
        why: state
          ? `it was already being deleted (${state}) before this run's call`
          : "it was already gone before this run's call (deleted by someone else)"
      }
    }
    if (passing(error) && attempt < policy.maxAttempts) {
      const limited = error instanceof ApiError && error.kind === 'rate-limited'
      await clock.sleep(backoffDelay(attempt, policy, random, limited ? 1000 : 0))
      continue
    }
    const why =
      error instanceof ApiError && error.kind === 'not-deletable'
        ? `${error.code}: ${error.hint}`
        : `${describeError(error)} (it reads ${state})`
    return { result: 'kept', why }
  }
}

/** Why the image may not be deleted now: a share it has, or shares that cannot be read; undefined when it has none. */
async function sharesLeft(api: ShareDeps['api'], id: string): Promise<string | undefined> {
  try {
    const left = await api.listSharedAccounts(id)
    return left.length > 0
      ? `${left.length} share(s) appeared since its shares were taken`
      : undefined
  } catch (error) {
    return `its shares could not be read again just before deleting it: ${describeError(error)}`
  }
}
