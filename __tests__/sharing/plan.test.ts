import { describe, expect, test } from '@jest/globals'
import {
  accountBatches,
  planChanges,
  planTable,
  withoutRevokes
} from '../../src/sharing/share/plan.js'

const plan = (share: string[], current: string[], revoke: string[] = [], revokeUnlisted = false) =>
  planChanges({ share, revoke, revokeUnlisted }, current)

describe('planChanges', () => {
  test('splits the accounts to share with into new and already shared, in input order', () => {
    expect(plan(['3', '1', '2', '4'], ['2', '9', '3'])).toEqual({
      toShare: ['1', '4'],
      alreadyShared: ['3', '2'],
      toRevoke: [],
      unlisted: [],
      alreadyNotShared: []
    })
  })

  test('leaves shares with accounts that were not named alone', () => {
    expect(plan(['1'], ['7', '8'])).toMatchObject({ toShare: ['1'], toRevoke: [] })
  })

  test('has nothing to do when every account has the share', () => {
    expect(plan(['1', '2'], ['2', '1'])).toMatchObject({ toShare: [], alreadyShared: ['1', '2'] })
  })

  test('revokes listed accounts that have the share and notes those that do not', () => {
    expect(plan([], ['5', '6'], ['6', '7'])).toEqual({
      toShare: [],
      alreadyShared: [],
      toRevoke: ['6'],
      unlisted: [],
      alreadyNotShared: ['7']
    })
  })

  test('revoke-unlisted takes the share from everyone not listed, the listed revokes first', () => {
    expect(plan(['1', '2'], ['9', '1', '8', '7'], ['8'], true)).toEqual({
      toShare: ['2'],
      alreadyShared: ['1'],
      toRevoke: ['8', '9', '7'],
      unlisted: ['9', '7'],
      alreadyNotShared: []
    })
  })

  test('an older version: no one new is shared with, and the listed accounts keep their shares', () => {
    expect(
      planChanges({ share: [], revoke: ['8'], revokeUnlisted: true, listed: ['1'] }, [
        '9',
        '1',
        '8'
      ])
    ).toEqual({
      toShare: [],
      alreadyShared: [],
      toRevoke: ['8', '9'],
      unlisted: ['9'],
      alreadyNotShared: []
    })
  })

  test('withoutRevokes keeps the accounts not proven to have left', () => {
    const planned = plan(['1'], ['9', '1', '7'], [], true)
    expect(withoutRevokes(planned, new Set(['7']))).toMatchObject({
      toRevoke: ['9'],
      unlisted: ['9']
    })
  })
})

describe('planTable', () => {
  test('lists each account with what happens to it, in the order it is done', () => {
    expect(planTable(plan(['1', '22'], ['22', '9'], ['9', '4444']))).toBe(
      [
        'Account  Plan',
        '1        share',
        '22       already shared',
        '9        revoke',
        '4444     already not shared'
      ].join('\n')
    )
  })
})

describe('batches', () => {
  test('cuts a list into calls of at most ten', () => {
    const ids = Array.from({ length: 23 }, (_, i) => String(i))
    const result = accountBatches(ids)
    expect(result.map((b) => b.length)).toEqual([10, 10, 3])
    expect(result.flat()).toEqual(ids)
  })

  test('makes one call for exactly ten and none for none', () => {
    expect(accountBatches(Array.from({ length: 10 }, String))).toHaveLength(1)
    expect(accountBatches([])).toEqual([])
  })
})
