/**
 * Deleting a version, its answer settled without HTTP: a lost or unclear
 * answer is read back, and only an image this run may have deleted is
 * reported as deleted by it.
 */
import { describe, expect, test } from '@jest/globals'
import { ApiError, TransportError } from '../../src/cloud/api-errors.js'
import type { Blueprint, LighthouseApi } from '../../src/cloud/lighthouse.js'
import { remove } from '../../src/sharing/lifecycle/acts.js'
import type { VersionRecord } from '../../src/sharing/lifecycle/record.js'
import type { ShareRequest } from '../../src/sharing/share/share.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { logger } from '../helpers/logger.js'

const ID = 'lhbp-week0001'
type Answer = 'ok' | 'lost' | ApiError
const refusal = (code: string) => new ApiError('DeleteBlueprints', code, 'message', 'req-1')

/** DeleteBlueprints answers in turn from `answers`; DescribeBlueprints reads `states` in turn (undefined: gone). */
function fakeApi(answers: Answer[], states: (string | undefined | Error)[]) {
  const calls: string[] = []
  const api = {
    deleteBlueprint: async () => {
      calls.push('delete')
      const answer = answers.shift() ?? 'ok'
      if (answer === 'lost') throw new TransportError('DeleteBlueprints', 'socket hang up')
      if (answer instanceof ApiError) throw answer
      return 'req-ok'
    },
    describeBlueprint: async (): Promise<Blueprint | undefined> => {
      calls.push('describe')
      const state = states.shift()
      if (state instanceof Error) throw state
      return state === undefined ? undefined : ({ id: ID, state } as Blueprint)
    },
    listSharedAccounts: async () => {
      calls.push('shares')
      return []
    }
  } as unknown as LighthouseApi
  return { api, calls }
}

const version = { version: { image: { id: ID, name: 'w1' } } } as VersionRecord
const request = { dryRun: false } as ShareRequest

async function deleting(answers: Answer[], states: (string | undefined | Error)[]) {
  const { api, calls } = fakeApi(answers, states)
  const deps = {
    api,
    clock: new FakeClock(),
    random: () => 0,
    policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
    log: logger()
  }
  return { deletion: await remove(deps, request, version, true), calls }
}

describe('remove', () => {
  test('a plain answer: deleted, with its RequestId, after the shares are read again', async () => {
    expect(await deleting(['ok'], [])).toEqual({
      deletion: { result: 'deleted', requestId: 'req-ok' },
      calls: ['shares', 'delete']
    })
  })

  test.each([['DELETING'], [undefined]])(
    'a lost answer, then the image reads %s: deleted by this run',
    async (state) => {
      const { deletion, calls } = await deleting(['lost'], [state])
      expect(deletion).toMatchObject({ result: 'deleted' })
      expect(calls).toEqual(['shares', 'delete', 'describe'])
    }
  )

  test('a lost answer while the image is still NORMAL: sent again, once a fresh read shows no share', async () => {
    const { deletion, calls } = await deleting(['lost', 'ok'], ['NORMAL'])
    expect(deletion).toEqual({ result: 'deleted', requestId: 'req-ok' })
    expect(calls).toEqual(['shares', 'delete', 'describe', 'shares', 'delete'])
  })

  test('a lost answer and a read that fails: may have been deleted, never "kept"', async () => {
    const { deletion } = await deleting(['lost'], [new Error('read failed')])
    expect(deletion).toMatchObject({ result: 'unknown' })
  })

  test('an internal error, and the image then reads DELETING: deleted (the failed attempt may have worked)', async () => {
    const { deletion } = await deleting([refusal('InternalError')], ['DELETING'])
    expect(deletion).toMatchObject({ result: 'deleted' })
  })

  test('an internal error while it stays NORMAL, then not found on the next attempt: deleted', async () => {
    const { deletion, calls } = await deleting(
      [refusal('InternalError'), refusal('ResourceNotFound.BlueprintIdNotFound')],
      ['NORMAL', undefined]
    )
    expect(deletion).toMatchObject({ result: 'deleted' })
    expect(calls).toEqual(['shares', 'delete', 'describe', 'shares', 'delete', 'describe'])
  })

  test('not found on the first call: gone before this run, not deleted by it', async () => {
    const { deletion } = await deleting(
      [refusal('ResourceNotFound.BlueprintIdNotFound')],
      [undefined]
    )
    expect(deletion).toMatchObject({ result: 'gone' })
  })

  test('in use: kept, with the code and the hint', async () => {
    const { deletion } = await deleting(
      [refusal('UnsupportedOperation.BlueprintOccupied')],
      ['NORMAL']
    )
    expect(deletion).toEqual({
      result: 'kept',
      why: 'UnsupportedOperation.BlueprintOccupied: The image is in use (instances were created from it, or it is being used): it is kept.'
    })
  })

  test('lost answers on an image that stays: kept after the retry policy, saying what it reads', async () => {
    const { deletion, calls } = await deleting(
      ['lost', 'lost', 'lost'],
      ['NORMAL', 'NORMAL', 'NORMAL']
    )
    expect(deletion).toMatchObject({ result: 'kept' })
    expect(deletion.result === 'kept' && deletion.why).toContain('(it reads NORMAL)')
    expect(calls.filter((c) => c === 'delete')).toHaveLength(3)
  })
})

describe('the codes Tencent lists for DeleteBlueprints', () => {
  const kind = (code: string) => new ApiError('DeleteBlueprints', code, 'm', 'r').kind
  test.each([
    ['FailedOperation.DestroyResourcesFailed', 'transient'],
    ['FailedOperation.TradeCallBillingGatewayFailed', 'transient'],
    ['InternalError', 'transient'],
    ['InternalError.TradeCallBillingGatewayFailed', 'transient'],
    ['ResourceNotFound', 'gone'],
    ['ResourceNotFound.BlueprintIdNotFound', 'gone'],
    ['ResourceNotFound.BlueprintNotFound', 'gone'],
    ['UnsupportedOperation.BlueprintOccupied', 'not-deletable'],
    ['UnsupportedOperation.BlueprintCurStateInvalid', 'not-deletable'],
    ['UnauthorizedOperation.NoPermission', 'denied'],
    ['UnsupportedOperation.PostDestroyResourceFailed', 'permanent'],
    ['UnsupportedOperation.NotSupportSharedBlueprint', 'permanent'],
    ['ResourceUnavailable', 'permanent'],
    ['InvalidParameterValue.BlueprintIdMalformed', 'permanent'],
    ['InvalidParameterValue.Duplicated', 'permanent']
  ])('%s is %s', (code, expected) => {
    expect(kind(code)).toBe(expected)
  })

  test('a code another action lists as "check blueprint-id" says nothing of the input here', () => {
    const error = new ApiError('DeleteBlueprints', 'ResourceNotFound.BlueprintIdNotFound', 'm', 'r')
    expect(error.hint).not.toContain('blueprint-id')
  })
})
