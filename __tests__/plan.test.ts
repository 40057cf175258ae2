import { describe, expect, test } from '@jest/globals'
import { batches, planShare } from '../src/plan.js'

describe('planShare', () => {
  test('splits the requested accounts into new and already shared, in input order', () => {
    expect(planShare(['3', '1', '2', '4'], ['2', '9', '3'])).toEqual({
      toShare: ['1', '4'],
      alreadyShared: ['3', '2']
    })
  })

  test('ignores shares with accounts that were not requested', () => {
    expect(planShare(['1'], ['7', '8'])).toEqual({ toShare: ['1'], alreadyShared: [] })
  })

  test('has nothing to share when every account has it', () => {
    expect(planShare(['1', '2'], ['2', '1'])).toEqual({ toShare: [], alreadyShared: ['1', '2'] })
  })
})

describe('batches', () => {
  test('cuts a list into calls of at most ten', () => {
    const ids = Array.from({ length: 23 }, (_, i) => String(i))
    const result = batches(ids)
    expect(result.map((b) => b.length)).toEqual([10, 10, 3])
    expect(result.flat()).toEqual(ids)
  })

  test('makes one call for exactly ten and none for none', () => {
    expect(batches(Array.from({ length: 10 }, String))).toHaveLength(1)
    expect(batches([])).toEqual([])
  })
})
