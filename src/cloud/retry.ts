/** Retries what is transient, with jittered backoff, under the API's rate limit. */
import { ApiError, TransportError, type CodeKind } from './api-errors.js'
import type { Clock } from '../common/clock.js'
import type { Logger } from '../common/logger.js'
import type { ApiResponse, Transport } from './api-transport.js'

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

/** Worst case about 45 s of waiting for one call; on average about half that. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 15_000
}

/** The API's limits are per second: retrying sooner only meets the same limit. */
const RATE_LIMIT_FLOOR_MS = 1000

/** What the code table says to retry: the service is busy, limited, or failed on its side. */
const RETRIED_KINDS: readonly CodeKind[] = ['transient', 'rate-limited', 'image-busy']

/**
 * Whether another attempt may succeed. A failure with no API answer (timeout,
 * reset, 5xx, a body that is not JSON) may still have been applied, so a
 * caller of a non-idempotent action can ask for it not to be retried blindly.
 */
export function isRetryable(error: unknown, retryLostAnswers: boolean): boolean {
  if (error instanceof ApiError) return RETRIED_KINDS.includes(error.kind)
  return error instanceof TransportError && retryLostAnswers
}

/** Full jitter: uniform in [0, min(cap, base·2^(attempt-1))], never below `floorMs`. */
export function backoffDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  floorMs = 0
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return Math.max(floorMs, Math.round(random() * ceiling))
}

/** At most `perSecond` requests of one action in any second, counted on our side. */
export class RateLimiter {
  private readonly sent = new Map<string, number[]>()

  constructor(
    private readonly perSecond: number,
    private readonly clock: Clock
  ) {}

  async take(action: string): Promise<void> {
    for (;;) {
      const now = this.clock.now()
      const recent = (this.sent.get(action) ?? []).filter((t) => now - t < 1000)
      if (recent.length < this.perSecond) {
        recent.push(now)
        this.sent.set(action, recent)
        return
      }
      this.sent.set(action, recent)
      await this.clock.sleep(recent[0] + 1000 - now)
    }
  }
}

export interface CallerDeps {
  transport: Transport
  clock: Clock
  random: () => number
  limiter: RateLimiter
  policy: RetryPolicy
  log: Logger
  /**
   * Gets new temporary credentials; absent for keys that cannot be renewed.
   * The API's clock decides when credentials expire, so a request can meet
   * expired ones however early they are renewed on our side.
   */
  renewCredentials?: () => Promise<void>
}

/**
 * What to do after a failed attempt: give up (the error is thrown), or try
 * again, after waiting waitMs and running before (which may throw to stop).
 */
export type NextAttempt = 'give-up' | { waitMs?: number; before?: () => Promise<unknown> }

/**
 * The one retry loop. The operation knows nothing of retrying; the policy,
 * asked after each failure, decides whether to go on, how long to wait and
 * what to do in between (read the shares, renew credentials).
 */
export async function retrying<T>(
  operation: (attempt: number) => Promise<T>,
  policy: (error: unknown, attempt: number) => NextAttempt | Promise<NextAttempt>,
  clock: Clock
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt)
    } catch (error) {
      const next = await policy(error, attempt)
      if (next === 'give-up') throw error
      if (next.waitMs !== undefined) await clock.sleep(next.waitMs)
      await next.before?.()
    }
  }
}

export interface CallOptions<T> {
  /** False for a call that changes something: a lost answer is then the caller's to settle. */
  retryLostAnswers?: boolean
  /**
   * Sent once (expired credentials aside, which the API refuses before acting):
   * the caller retries itself, after checking what the failed attempt did.
   */
  once?: boolean
  /**
   * Reads the answer into what the caller needs, throwing TransportError when
   * it cannot (a member missing or of the wrong type, an ID of the wrong
   * format): part of the attempt, so an unreadable answer counts as no answer.
   */
  read?: (response: ApiResponse) => T
}

/** Sends API calls: retried when transient, under the rate limit, one debug line per attempt. */
export class Caller {
  constructor(private readonly deps: CallerDeps) {}

  call<T = ApiResponse>(action: string, params: object, options: CallOptions<T> = {}): Promise<T> {
    const { transport, clock, random, limiter, policy, log, renewCredentials } = this.deps
    const { debug, info } = log
    let renewed = false
    let started = 0
    const send = async (attempt: number): Promise<T> => {
      await limiter.take(action)
      started = clock.now()
      const response = await transport(action, params)
      const value = options.read ? options.read(response) : (response as T)
      debug(
        `${action} attempt ${attempt}: ok in ${clock.now() - started} ms, RequestId ${response.RequestId}`
      )
      return value
    }
    const next = (error: unknown, attempt: number): NextAttempt => {
      const what = describeFailure(error)
      const elapsed = clock.now() - started
      if (
        error instanceof ApiError &&
        error.kind === 'credentials-expired' &&
        renewCredentials &&
        !renewed
      ) {
        // The request was refused before it did anything, so even a share call may be sent again.
        renewed = true
        info(`${action}: ${what}; the credentials expired, renewing them and trying again.`)
        return { before: renewCredentials }
      }
      const retryable = !options.once && isRetryable(error, options.retryLostAnswers ?? true)
      if (attempt >= policy.maxAttempts || !retryable) {
        debug(`${action} attempt ${attempt}: ${what} after ${elapsed} ms`)
        if (error instanceof ApiError || error instanceof TransportError) error.attempts = attempt
        return 'give-up'
      }
      const rateLimited = error instanceof ApiError && error.kind === 'rate-limited'
      const delay = backoffDelay(attempt, policy, random, rateLimited ? RATE_LIMIT_FLOOR_MS : 0)
      debug(`${action} attempt ${attempt}: ${what} after ${elapsed} ms; retrying in ${delay} ms`)
      info(
        `${action}: ${what}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${policy.maxAttempts})`
      )
      return { waitMs: delay }
    }
    return retrying(send, next, clock)
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}, RequestId ${error.requestId || 'none'}`
  if (error instanceof TransportError) return error.detail
  return String(error)
}
