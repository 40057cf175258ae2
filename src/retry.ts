/** Retries what is transient, with jittered backoff, under the API's rate limit. */
import { ApiError, TransportError, type CodeKind } from './api-errors.js'

/** Time, injected so tests never really wait. */
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
}

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

export interface ApiResponse {
  RequestId?: string
}

/** One request, one attempt: resolves to the API's Response or throws ApiError/TransportError. */
export type Transport = (action: string, params: object) => Promise<ApiResponse>

export interface CallerDeps {
  transport: Transport
  clock: Clock
  random: () => number
  limiter: RateLimiter
  policy: RetryPolicy
  debug: (message: string) => void
  info: (message: string) => void
  /**
   * Gets new temporary credentials; absent for keys that cannot be renewed.
   * The API's clock decides when credentials expire, so a request can meet
   * expired ones however early they are renewed on our side.
   */
  renewCredentials?: () => Promise<void>
}

/** Sends API calls: rate-limited, retried when transient, one debug line per attempt. */
export class Caller {
  constructor(private readonly deps: CallerDeps) {}

  async call<T extends ApiResponse>(
    action: string,
    params: object,
    options: { retryLostAnswers?: boolean } = {}
  ): Promise<T> {
    const { transport, clock, random, limiter, policy, debug, info, renewCredentials } = this.deps
    let renewed = false
    for (let attempt = 1; ; attempt++) {
      await limiter.take(action)
      const started = clock.now()
      try {
        const response = (await transport(action, params)) as T
        debug(
          `${action} attempt ${attempt}: ok in ${clock.now() - started} ms, RequestId ${response.RequestId ?? 'none'}`
        )
        return response
      } catch (error) {
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
          await renewCredentials()
          continue
        }
        if (
          attempt >= policy.maxAttempts ||
          !isRetryable(error, options.retryLostAnswers ?? true)
        ) {
          debug(`${action} attempt ${attempt}: ${what} after ${elapsed} ms`)
          if (error instanceof ApiError || error instanceof TransportError) error.attempts = attempt
          throw error
        }
        const rateLimited = error instanceof ApiError && error.kind === 'rate-limited'
        const delay = backoffDelay(attempt, policy, random, rateLimited ? RATE_LIMIT_FLOOR_MS : 0)
        debug(`${action} attempt ${attempt}: ${what} after ${elapsed} ms; retrying in ${delay} ms`)
        info(
          `${action}: ${what}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${policy.maxAttempts})`
        )
        await clock.sleep(delay)
      }
    }
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof ApiError) return `${error.code}, RequestId ${error.requestId || 'none'}`
  if (error instanceof TransportError) return error.detail
  return String(error)
}
