import { describe, expect, jest, test } from '@jest/globals'
import { BlueprintError, waitForNormal, type WaitOptions } from '../../src/sharing/wait.js'
import { FakeClock } from '../helpers/fake-clock.js'
import { FakeLighthouse } from '../helpers/fake-lighthouse.js'
import { logger } from '../helpers/logger.js'

function setUp(states: string[], waitSeconds = 1800) {
  const api = new FakeLighthouse()
  api.states = states
  const clock = new FakeClock()
  const info = jest.fn<(m: string) => void>()
  const seen: string[] = []
  const options: WaitOptions = {
    blueprintId: 'lhbp-6jc6l8yb',
    region: 'ap-guangzhou',
    deadline: clock.now() + waitSeconds * 1000,
    clock,
    log: logger({ info }),
    onState: (s) => seen.push(s)
  }
  return { api, clock, info, seen, wait: () => waitForNormal(api, options) }
}

describe('waitForNormal', () => {
  test('returns at once for a NORMAL image, with one read and no log line', async () => {
    const { api, clock, info, wait } = setUp(['NORMAL'])
    await expect(wait()).resolves.toMatchObject({ state: 'NORMAL' })
    expect(api.calls).toEqual(['describe'])
    expect(clock.sleeps).toEqual([])
    expect(info).not.toHaveBeenCalled()
  })

  test('polls every 2 s for the first 30 s, then backs off to at most 15 s, until NORMAL', async () => {
    const { api, clock, seen, wait } = setUp([...Array<string>(22).fill('SYNCING'), 'NORMAL'])
    await wait()
    expect(clock.sleeps).toEqual([
      ...Array<number>(15).fill(2000), // reads at 0, 2, ..., 30 s
      3000,
      4500,
      6750,
      10125,
      15000,
      15000,
      15000
    ])
    expect(api.calls).toHaveLength(23)
    expect(seen.at(-1)).toBe('NORMAL')
  })

  test('an image ready after 5 s is seen within 2 s, at no more than one read a second', async () => {
    const { api, clock, wait } = setUp(['SYNCING', 'SYNCING', 'SYNCING', 'NORMAL'])
    await wait()
    // Reads at 0, 2, 4 and 6 s.
    expect(clock.sleeps).toEqual([2000, 2000, 2000])
    expect(api.calls).toHaveLength(4)
  })

  test('logs each state change and progress now and then', async () => {
    const { info, wait } = setUp([
      'CREATING',
      'CREATING',
      'CREATING',
      ...Array<string>(30).fill('SYNCING'),
      'NORMAL'
    ])
    await wait()
    const lines = info.mock.calls.map(([m]) => m)
    expect(lines[0]).toBe(
      'Blueprint lhbp-6jc6l8yb is CREATING; waiting for NORMAL (0 s so far, up to 1800 s).'
    )
    expect(lines[1]).toBe(
      'Blueprint lhbp-6jc6l8yb is SYNCING; waiting for NORMAL (6 s so far, up to 1800 s).'
    )
    // SYNCING first seen at 6 s; reads then at 8 ... 30, 33 and 37.5 s: the first one 30 s later logs.
    expect(lines[2]).toBe('Still waiting for lhbp-6jc6l8yb: SYNCING after 38 s.')
    expect(lines.at(-1)).toMatch(/^Blueprint lhbp-6jc6l8yb is NORMAL after \d+ s\.$/)
  })

  test.each(['CREATEFAILED', 'SYNCING_FAILED', 'OFFLINE', 'ISOLATED'])(
    'fails at once on %s',
    async (state) => {
      const { api, wait } = setUp([state])
      await expect(wait()).rejects.toThrow(
        `Blueprint lhbp-6jc6l8yb is in state ${state}, which it does not leave`
      )
      expect(api.calls).toEqual(['describe'])
    }
  )

  test('fails at once on a state that turns failed while waiting', async () => {
    const { wait } = setUp(['SYNCING', 'SYNCING_FAILED'])
    await expect(wait()).rejects.toThrow('is in state SYNCING_FAILED')
  })

  test('gives up at the deadline, naming the last state and how long it waited', async () => {
    const { api, clock, wait } = setUp(['SYNCING'], 10)
    await expect(wait()).rejects.toThrow(
      'Blueprint lhbp-6jc6l8yb did not become NORMAL: still SYNCING after waiting 10 s. Raise "wait-timeout-seconds"'
    )
    // Reads at 0, 2, 4, 6, 8 s, then the last one exactly at the deadline.
    expect(clock.sleeps).toEqual([2000, 2000, 2000, 2000, 2000])
    expect(api.calls).toHaveLength(6)
  })

  test('does not wait when the timeout is 0', async () => {
    const { api, wait } = setUp(['SYNCING', 'NORMAL'], 0)
    await expect(wait()).rejects.toThrow(
      'is in state SYNCING: it must be NORMAL to be shared (not waiting'
    )
    expect(api.calls).toEqual(['describe'])
  })

  test('an image that does not exist or is not custom fails at once', async () => {
    const missing = setUp(['NORMAL'])
    missing.api.exists = false
    await expect(missing.wait()).rejects.toThrow('was not found in region ap-guangzhou')
    const publicImage = setUp(['NORMAL'])
    publicImage.api.type = 'PUBLIC'
    await expect(publicImage.wait()).rejects.toBeInstanceOf(BlueprintError)
  })
})
