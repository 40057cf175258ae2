/**
 * Carrying out one change (share or revoke) for a batch of up to 10
 * accounts: a lost answer is settled by reading (or, with no read, by the
 * same call's answer), an account refused without being named is found by
 * halving, and every account ends recorded, never "not attempted" after a
 * call that may have changed it.
 */
import {
  ApiError,
  TransportError,
  describeError,
  isPerAccountError
} from '../../cloud/api-errors.js'
import type { LighthouseApi } from '../../cloud/lighthouse.js'
import { backoffDelay, retrying, type NextAttempt, type RetryPolicy } from '../../cloud/retry.js'
import type { Clock } from '../../common/clock.js'
import type { Logger } from '../../common/logger.js'
import type { Change } from './change.js'
import type { AccountResult, RegionRecord } from './region-record.js'

/** The collaborators a batch calls on. */
export interface BatchDeps {
  api: LighthouseApi
  clock: Clock
  random: () => number
  policy: RetryPolicy
  log: Logger
}

/** What every batch of one change works with. */
export interface BatchContext {
  deps: BatchDeps
  change: Change
  blueprintId: string
  record: RegionRecord
  waitForImage: () => Promise<unknown>
  /** Whether the shares can be read; when not, the change calls' own answers settle each account. */
  readable: boolean
}

/** A batch the API's answer does not settle account by account: to be halved. */
interface Unclear {
  accounts: string[]
  /** A call for these accounts got no answer, so it may have changed them. */
  mayHaveChanged: boolean
}

/**
 * Applies a change to one batch; when the API refuses an account without
 * saying which (or, with no share read, says some account already is as
 * asked), halves the batch until it does.
 */
export async function applyBatch(
  context: BatchContext,
  batch: readonly string[],
  mayHaveChanged = false
): Promise<void> {
  const unclear = await new BatchCall(context, batch, mayHaveChanged).run()
  if (!unclear) return
  const half = Math.ceil(unclear.accounts.length / 2)
  await applyBatch(context, unclear.accounts.slice(0, half), unclear.mayHaveChanged)
  await applyBatch(context, unclear.accounts.slice(half), unclear.mayHaveChanged)
}

/**
 * One change call for a batch, sent until every account in it is settled.
 * Resolves to the accounts to split when the API's answer does not say
 * which account it is about; throws, after recording every pending account
 * as failed (or as unknown when a call may have changed it), when the batch
 * cannot be settled.
 */
class BatchCall {
  private pending: string[]
  private lostAnswers = 0
  private stateWaits = 0
  /** A call whose answer was lost may have changed the pending accounts, and nothing has told yet. */
  private unsettled: boolean

  constructor(
    private readonly context: BatchContext,
    batch: readonly string[],
    /** A call for a batch these accounts were in got no answer. */
    mayHaveChanged: boolean
  ) {
    this.pending = [...batch]
    this.unsettled = mayHaveChanged
  }

  async run(): Promise<Unclear | undefined> {
    const { change, readable, record, deps } = this.context
    try {
      await retrying(
        () => this.send(),
        (error) => this.next(error),
        deps.clock
      )
      return undefined
    } catch (error) {
      const someoneAsAsked =
        error instanceof ApiError && error.kind === change.noopKind && !readable
      if (someoneAsAsked && this.pending.length > 1) return this.unclear()
      if (!isPerAccountError(error)) throw this.recordFailure(error)
      if (this.pending.length > 1) return this.unclear()
      record.record(this.pending, 'failed', {
        requestId: error.requestId,
        code: error.code,
        change: change.name,
        reason: error.hint
      })
      deps.log.info(
        `Account ${this.pending[0]} was refused: ${error.code} (RequestId ${error.requestId})`
      )
      return undefined
    }
  }

  private unclear(): Unclear {
    return { accounts: this.pending, mayHaveChanged: this.unsettled }
  }

  /** One change call for the accounts still pending (none left: a read settled them all). */
  private async send(): Promise<void> {
    const { deps, change, blueprintId, record } = this.context
    if (this.pending.length === 0) return
    const requestId = await change.send(deps.api, blueprintId, this.pending)
    record.recordRequestId(requestId)
    record.record(this.pending, change.done, { requestId })
    deps.log.info(`${change.doneVerb} ${this.pending.join(', ')} (RequestId ${requestId})`)
  }

  /** Reads where the pending accounts stand now; records those in place and keeps the rest pending. */
  private async settle(result: AccountResult): Promise<number> {
    const { deps, change, blueprintId, record } = this.context
    const haveShare = new Set(await deps.api.findSharedAccounts(blueprintId, this.pending))
    this.unsettled = false
    const inPlace = this.pending.filter((a) => change.inPlace(haveShare.has(a)))
    record.record(inPlace, result)
    this.pending = this.pending.filter((a) => !inPlace.includes(a))
    return inPlace.length
  }

  /** After a failed change call: never blindly again, but after finding out where the accounts stand. */
  private next(error: unknown): NextAttempt {
    const { change, readable, record } = this.context
    if (error instanceof ApiError && error.requestId) record.recordRequestId(error.requestId)
    if (error instanceof TransportError) return this.afterLostAnswer(error)
    if (error instanceof ApiError && error.kind === change.noopKind) {
      return readable ? this.settleNoop(error) : this.noopByAnswer(error)
    }
    if (error instanceof ApiError && error.kind === 'image-state') return this.waitForImage()
    return 'give-up'
  }

  /** The change may have been made even though the answer was lost: find out before trying again. */
  private afterLostAnswer(error: TransportError): NextAttempt {
    const { deps, change, readable } = this.context
    const { policy, random, log } = deps
    this.unsettled = true
    this.lostAnswers += 1
    const lastTry = this.lostAnswers >= policy.maxAttempts
    const delay = backoffDelay(this.lostAnswers, policy, random)
    if (!readable) {
      // No read to check with: the same call again settles it, as its answer says whether it was made.
      if (lastTry) return 'give-up'
      log.info(
        `No answer to the ${change.name} call (${error.detail}); sending it again in ${delay} ms ` +
          `(an answer that it needs no change shows it was made).`
      )
      return { waitMs: delay }
    }
    log.info(
      `No answer to the ${change.name} call (${error.detail}); checking the shares in ${delay} ms` +
        (lastTry ? '.' : ' before trying again.')
    )
    return {
      waitMs: delay,
      before: async () => {
        await this.settle(change.done)
        if (lastTry && this.pending.length > 0) throw error
      }
    }
  }

  /** Some account is already as asked: after a lost answer the change is most likely ours, else someone else's. */
  private settleNoop(error: ApiError): NextAttempt {
    const { change } = this.context
    return {
      before: async () => {
        if ((await this.settle(this.lostAnswers > 0 ? change.done : change.noop)) === 0) throw error
      }
    }
  }

  /** With no read, only a call of one account tells which is already as asked. */
  private noopByAnswer(error: ApiError): NextAttempt {
    const { change, record, deps } = this.context
    if (this.pending.length > 1) return 'give-up'
    return {
      // After a lost answer, most likely the lost call did it; the answer cannot tell (docs/how-it-works.md, "Both sites").
      before: () => {
        record.record(this.pending, this.unsettled ? change.done : change.noop, {
          requestId: error.requestId
        })
        deps.log.info(
          `${this.pending[0]}: ${error.code}, so it ` +
            (this.unsettled
              ? 'was changed, most likely by the call whose answer was lost'
              : 'needed no change') +
            ` (RequestId ${error.requestId}).`
        )
        this.pending = []
        this.unsettled = false
        return Promise.resolve()
      }
    }
  }

  /** The image left NORMAL: wait for it again, a bounded number of times. */
  private waitForImage(): NextAttempt {
    const { deps, blueprintId, waitForImage } = this.context
    if (this.stateWaits + 1 >= deps.policy.maxAttempts) return 'give-up'
    this.stateWaits += 1
    deps.log.info(`Blueprint ${blueprintId} left state NORMAL; waiting for it again.`)
    return { before: waitForImage }
  }

  /** Records the accounts a failed batch leaves, and the error that names them. */
  private recordFailure(error: unknown): Error {
    const { change, blueprintId, record, readable } = this.context
    const accounts = this.pending.join(', ')
    if (this.unsettled) {
      // Never "not attempted": the account may have changed, and only a read or an answer can tell.
      const check = readable ? 'reading the shares to check' : 'sending it again to check'
      record.record(this.pending, 'unknown', {
        change: change.name,
        reason: `A ${change.name} call got no answer, and ${check} failed: ${describeError(error)}`
      })
      return new Error(
        `${change.doing(blueprintId)} ${accounts}: the outcome is unknown. A ${change.name} call got no ` +
          `answer, so it may have been made, and ${check} failed: ${describeError(error)}. ` +
          'Run the step again: it settles these accounts.',
        { cause: error }
      )
    }
    record.record(
      this.pending,
      'failed',
      error instanceof ApiError
        ? {
            requestId: error.requestId,
            code: error.code,
            change: change.name,
            reason: error.hint ?? error.apiMessage
          }
        : { change: change.name, reason: describeError(error) }
    )
    return new Error(`${change.doing(blueprintId)} ${accounts} failed: ${describeError(error)}`, {
      cause: error
    })
  }
}
