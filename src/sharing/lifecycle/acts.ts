/**
 * The lifecycle's acts, each carrying out its part of a region's plan and
 * recording every outcome as it goes: retire (take every share of a version),
 * offboard (take the shares of accounts that should have none), delete. A
 * delete whose answer is lost or unclear is settled by reading the image.
 */
import { ApiError, TransportError, describeError } from '../../cloud/api-errors.js'
import { backoffDelay } from '../../cloud/retry.js'
import { ShareReport, type CurrentShares } from '../share-report.js'
import { readCurrentShares, shareBlueprint, type ShareDeps, type ShareRequest } from '../share.js'
import type { Deletion, VersionRecord } from './record.js'

/** States of an image on its way out: a delete was accepted. */
const GOING = ['DELETING', 'DESTROYING']

/** What every act on a region's versions works with. */
export interface ActContext {
  identity: string
  show: ShareReport['show']
  /** Where the image's own share list could not be read: older versions' cannot be either. */
  unreadable?: CurrentShares
}

type SharesToTake = Pick<ShareRequest, 'revokeAccountIds' | 'revokeUnlisted' | 'listed'>

/**
 * Takes the shares `what` names, given the version's shares, from a version.
 * Whatever was taken before a failure stays recorded; the failure is thrown.
 */
async function takeShares(
  deps: ShareDeps,
  request: ShareRequest,
  record: VersionRecord,
  context: ActContext,
  what: (shares: CurrentShares) => SharesToTake
): Promise<void> {
  const { image } = record.version
  const shares = context.unreadable ?? (await readCurrentShares(deps.api, image.id))
  const taking = what(shares)
  const report = new ShareReport(
    image.id,
    request.region,
    context.identity,
    taking.revokeAccountIds,
    context.show
  )
  report.dryRun = request.dryRun
  record.shares = report
  await shareBlueprint(
    { ...deps, log: quiet(deps) },
    { ...request, blueprintId: image.id, accountIds: [], ...taking },
    report,
    { image: image.state === 'NORMAL' ? image : undefined, shares }
  )
  const failed = report.failures
  if (failed.length > 0) {
    throw new Error(
      `${failed.length} account(s) kept the share: ${failed
        .map((a) => `${context.show(a.accountId)} (${a.code ?? a.reason ?? 'unknown'})`)
        .join(', ')}`
    )
  }
}

/**
 * Retires a version: every share where the list can be read; where it cannot
 * (`unreadable`), the shares of the accounts this run knows (listed or
 * revoked), the only ones it can name.
 */
export function retire(
  deps: ShareDeps,
  request: ShareRequest,
  record: VersionRecord,
  context: ActContext
): Promise<void> {
  // A retired version loses every share, members' too: no account is kept for being a member.
  return takeShares({ ...deps, proveUnlisted: undefined }, request, record, context, (shares) => ({
    revokeAccountIds: shares.readable
      ? []
      : [...new Set([...request.accountIds, ...request.revokeAccountIds])],
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
  record: VersionRecord,
  context: ActContext
): Promise<void> {
  return takeShares(deps, request, record, context, (shares) => ({
    revokeAccountIds: request.revokeAccountIds,
    // Without the list no unlisted account can be named (revoke-unlisted then stops the step before).
    revokeUnlisted: request.revokeUnlisted && shares.readable,
    listed: request.listed ?? request.accountIds
  }))
}

/** A version's plan lines are its own business: the summary and the family line tell what happened. */
function quiet(deps: ShareDeps): ShareDeps['log'] {
  const { log } = deps
  return { ...log, info: log.debug, group: async (_title, fn) => await fn() }
}

/**
 * Deletes a version that has no share left (read again just before, so one
 * shared meanwhile is kept). Where the shares cannot be read, nothing is
 * deleted: it is not known to have none.
 */
export async function remove(
  deps: ShareDeps,
  request: ShareRequest,
  record: VersionRecord,
  sharesReadable: boolean
): Promise<Deletion> {
  const { image } = record.version
  if (!sharesReadable) {
    return {
      result: 'kept',
      why: 'its shares cannot be read here, so it is not known to have none'
    }
  }
  if (request.dryRun) return { result: 'would-delete' }
  let left: string[]
  try {
    left = await deps.api.listSharedAccounts(image.id)
  } catch (error) {
    return {
      result: 'kept',
      why: `its shares could not be read again just before deleting it: ${describeError(error)}`
    }
  }
  if (left.length > 0) {
    return { result: 'kept', why: `${left.length} share(s) appeared since its shares were taken` }
  }
  return deleteImage(deps, image.id)
}

/**
 * One DeleteBlueprints, its answer settled: a lost answer or any refusal is
 * read back (gone, or DELETING, means deleted), and a lost answer on an image
 * still there is sent again, within the retry policy.
 */
async function deleteImage(deps: ShareDeps, id: string): Promise<Deletion> {
  const { api, policy, random, clock } = deps
  for (let lost = 0; ;) {
    let error: unknown
    try {
      return { result: 'deleted', requestId: await api.deleteBlueprint(id) }
    } catch (failure) {
      error = failure
    }
    if (error instanceof TransportError) lost += 1
    // An earlier attempt of this delete may have been applied: its answer was lost, or retried.
    const mayHaveDeleted = lost > 0 || (error instanceof ApiError && error.attempts > 1)
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
            ? `the answer was lost; it reads ${state}`
            : 'the answer was lost; it is gone'
        }
      }
      return {
        result: 'gone',
        why: state
          ? `it was already being deleted (${state}) before this run's call`
          : "it was already gone before this run's call (deleted by someone else)"
      }
    }
    if (error instanceof TransportError && lost < policy.maxAttempts) {
      await clock.sleep(backoffDelay(lost, policy, random))
      continue
    }
    const why =
      error instanceof ApiError && error.kind === 'not-deletable'
        ? `${error.code}: ${error.hint}`
        : `${describeError(error)} (it reads ${state})`
    return { result: 'kept', why }
  }
}
