import { INPUT_TERMS } from '../../src/action/inputs/terms.js'
import { describe, expect, jest, test } from '@jest/globals'
import { ApiError, TransportError } from '../../src/cloud/api-errors.js'
import {
  Caller,
  RateLimiter,
  backoffDelay,
  isRetryable,
  type RetryPolicy
} from '../../src/cloud/retry.js'
import type { Transport } from '../../src/cloud/api-transport.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { logger } from '../helpers/logger.js'

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 3000 }
const apiError = (code: string): ApiError =>
  new ApiError('DescribeBlueprints', code, 'message', `req-${code}`)

describe('isRetryable', () => {
  test.each([
    'RequestLimitExceeded',
    'RequestLimitExceeded.UinLimitExceeded',
    'InternalError',
    'InternalError.UnknownError',
    'ServiceUnavailable',
    'FailedOperation.ShareBlueprintAcrossAccountFailed',
    'OperationDenied.BlueprintOperationInProgress',
    'UnsupportedOperation.BlueprintLatestOperationUnfinished',
    'ResourceInUse.BlueprintModifyingSharePermission'
  ])('retries %s', (code) => {
    expect(isRetryable(apiError(code), true)).toBe(true)
  })

  test.each([
    'AuthFailure.SignatureFailure',
    'UnauthorizedOperation.NoPermission',
    'InvalidParameterValue.AccountIdsNotExist',
    'InvalidParameter',
    'MissingParameter',
    'ResourceNotFound.BlueprintIdNotFound',
    'LimitExceeded.ShareBlueprintAcrossAccountQuotaLimitExceeded',
    'UnsupportedOperation.BlueprintCurStateInvalid',
    'UnsupportedOperation.BlueprintAlreadyShared',
    'FailedOperation'
  ])('never retries %s', (code) => {
    expect(isRetryable(apiError(code), true)).toBe(false)
  })

  test('retries a lost answer only when asked to', () => {
    const lost = new TransportError('ShareBlueprintAcrossAccounts', 'socket hang up')
    expect(isRetryable(lost, true)).toBe(true)
    expect(isRetryable(lost, false)).toBe(false)
  })
})

describe('backoffDelay', () => {
  test('grows exponentially up to the cap, scaled by the random draw (full jitter)', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 1))).toEqual([
      500, 1000, 2000, 3000, 3000
    ])
    expect(backoffDelay(3, policy, () => 0.5)).toBe(1000)
    expect(backoffDelay(3, policy, () => 0)).toBe(0)
  })

  test('never goes below the floor', () => {
    expect(backoffDelay(1, policy, () => 0, 1000)).toBe(1000)
  })
})

describe('RateLimiter', () => {
  test('lets N calls of an action through in any second and makes the next wait', async () => {
    const clock = new FakeClock()
    const limiter = new RateLimiter(3, clock)
    for (let i = 0; i < 3; i++) await limiter.take('Share')
    expect(clock.sleeps).toEqual([])
    await limiter.take('Share')
    expect(clock.sleeps).toEqual([1000])
    await limiter.take('Describe')
    expect(clock.sleeps).toEqual([1000])
  })

  test('counts only the last second', async () => {
    const clock = new FakeClock()
    const limiter = new RateLimiter(2, clock)
    await limiter.take('Share')
    clock.advance(600)
    await limiter.take('Share')
    await limiter.take('Share')
    expect(clock.sleeps).toEqual([400])
  })
})

describe('Caller', () => {
  function callerWith(
    transport: Transport,
    clock = new FakeClock(),
    renewCredentials?: () => Promise<void>
  ) {
    const debug = jest.fn<(m: string) => void>()
    const info = jest.fn<(m: string) => void>()
    const caller = new Caller({
      transport,
      clock,
      random: () => 1,
      limiter: new RateLimiter(100, clock),
      policy,
      log: logger({ debug, info }),
      renewCredentials
    })
    return { caller, clock, debug, info }
  }

  test('retries transient failures with backoff and returns the answer', async () => {
    const transport = jest
      .fn<Transport>()
      .mockRejectedValueOnce(apiError('InternalError'))
      .mockRejectedValueOnce(new TransportError('DescribeBlueprints', 'HTTP 502 Bad Gateway', 502))
      .mockResolvedValueOnce({ RequestId: 'req-ok' })
    const { caller, clock, debug, info } = callerWith(transport)
    await expect(caller.call('DescribeBlueprints', {})).resolves.toEqual({ RequestId: 'req-ok' })
    expect(transport).toHaveBeenCalledTimes(3)
    expect(clock.sleeps).toEqual([500, 1000])
    expect(debug.mock.calls.map(([m]) => m)).toEqual([
      'DescribeBlueprints attempt 1: InternalError, RequestId req-InternalError after 0 ms; retrying in 500 ms',
      'DescribeBlueprints attempt 2: HTTP 502 Bad Gateway after 0 ms; retrying in 1000 ms',
      'DescribeBlueprints attempt 3: ok in 0 ms, RequestId req-ok'
    ])
    expect(info).toHaveBeenCalledWith(
      'DescribeBlueprints: InternalError, RequestId req-InternalError; retrying in 0.5 s (attempt 2 of 4)'
    )
  })

  test('waits at least a second after RequestLimitExceeded', async () => {
    const transport = jest
      .fn<Transport>()
      .mockRejectedValueOnce(apiError('RequestLimitExceeded'))
      .mockResolvedValueOnce({ RequestId: 'ok' })
    const { caller, clock } = callerWith(transport)
    await caller.call('DescribeBlueprints', {})
    expect(clock.sleeps).toEqual([1000])
  })

  test('fails at once on a permanent error', async () => {
    const transport = jest
      .fn<Transport>()
      .mockRejectedValue(apiError('AuthFailure.SignatureFailure'))
    const { caller, clock } = callerWith(transport)
    await expect(caller.call('DescribeBlueprints', {})).rejects.toMatchObject({
      code: 'AuthFailure.SignatureFailure',
      attempts: 1
    })
    expect(transport).toHaveBeenCalledTimes(1)
    expect(clock.sleeps).toEqual([])
  })

  test('gives up after maxAttempts and says how many it made', async () => {
    const transport = jest.fn<Transport>().mockRejectedValue(apiError('ServiceUnavailable'))
    const { caller } = callerWith(transport)
    const error = await caller.call('DescribeBlueprints', {}).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'ServiceUnavailable', attempts: 4 })
    expect(transport).toHaveBeenCalledTimes(4)
  })

  test('does not repeat a call whose answer was lost when told not to', async () => {
    const transport = jest.fn<Transport>().mockRejectedValue(new TransportError('Share', 'timeout'))
    const { caller } = callerWith(transport)
    await expect(caller.call('Share', {}, { retryLostAnswers: false })).rejects.toBeInstanceOf(
      TransportError
    )
    expect(transport).toHaveBeenCalledTimes(1)
  })

  describe('credentials that expired during the request', () => {
    test.each(['AuthFailure.TokenFailure', 'UnauthorizedOperation.TokenInvalid'])(
      '%s: renewable credentials are renewed and the call made once more, even a share',
      async (code) => {
        const transport = jest
          .fn<Transport>()
          .mockRejectedValueOnce(apiError(code))
          .mockResolvedValueOnce({ RequestId: 'ok' })
        const renew = jest.fn(async () => undefined)
        const { caller, clock } = callerWith(transport, new FakeClock(), renew)
        await expect(
          caller.call('ShareBlueprintAcrossAccounts', {}, { retryLostAnswers: false })
        ).resolves.toEqual({ RequestId: 'ok' })
        expect(renew).toHaveBeenCalledTimes(1)
        expect(transport).toHaveBeenCalledTimes(2)
        expect(clock.sleeps).toEqual([])
      }
    )

    test('are renewed once per call: expired again, the call fails', async () => {
      const transport = jest.fn<Transport>().mockRejectedValue(apiError('AuthFailure.TokenFailure'))
      const renew = jest.fn(async () => undefined)
      const { caller } = callerWith(transport, new FakeClock(), renew)
      await expect(caller.call('DescribeBlueprints', {})).rejects.toMatchObject({
        code: 'AuthFailure.TokenFailure'
      })
      expect(renew).toHaveBeenCalledTimes(1)
      expect(transport).toHaveBeenCalledTimes(2)
    })

    test('static keys fail at once', async () => {
      const transport = jest.fn<Transport>().mockRejectedValue(apiError('AuthFailure.TokenFailure'))
      const { caller } = callerWith(transport)
      await expect(caller.call('DescribeBlueprints', {})).rejects.toMatchObject({ attempts: 1 })
      expect(transport).toHaveBeenCalledTimes(1)
    })
  })

  describe('STS codes mean what the STS error list says', () => {
    const stsError = (code: string) =>
      new ApiError('AssumeRoleWithWebIdentity', code, 'message', 'req', 'sts', false, {
        terms: INPUT_TERMS
      })

    test.each(['InvalidParameter.OverLimit', 'RequestLimitExceeded'])(
      '%s is a rate limit: retried a second later at the earliest',
      async (code) => {
        const transport = jest
          .fn<Transport>()
          .mockRejectedValueOnce(stsError(code))
          .mockResolvedValueOnce({ RequestId: 'ok' })
        const { caller, clock } = callerWith(transport)
        await caller.call('AssumeRoleWithWebIdentity', {})
        expect(clock.sleeps).toEqual([1000])
      }
    )

    test.each(['InternalError.SystemError', 'InternalError.UnknownError'])(
      '%s is retried',
      (code) => expect(isRetryable(stsError(code), true)).toBe(true)
    )

    // InternalError.GetRoleError: the role could not be got; asking again cannot help.
    test.each([
      'InternalError.GetRoleError',
      'InvalidParameter.WebIdentityTokenError',
      'InvalidParameter.ParamError',
      'UnauthorizedOperation'
    ])('%s is not retried, and has a hint', (code) => {
      expect(isRetryable(stsError(code), true)).toBe(false)
      expect(stsError(code).hint).toEqual(expect.any(String))
    })

    test('the same code means something else from Lighthouse', () => {
      expect(isRetryable(apiError('InvalidParameter.OverLimit'), true)).toBe(false)
      expect(stsError('InvalidParameter.ParamError').hint).toContain('role-duration-seconds')
    })
  })
})
