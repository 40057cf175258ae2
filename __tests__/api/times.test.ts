/** Times read strictly: the documented form of a real instant, or no time at all. */
import { describe, expect, test } from '@jest/globals'
import { compactTime, parseApiTime, parseCompactTime } from '../../src/common/times.js'

describe('parseApiTime', () => {
  test('reads the documented form, in UTC', () => {
    expect(parseApiTime('2026-11-01T08:30:05Z')).toBe(Date.UTC(2026, 10, 1, 8, 30, 5))
  })

  test.each([
    ['0', 'a number (a lenient parse: the year 2000)'],
    ['', 'nothing'],
    ['2026-11-01T08:30:05', 'no zone (a lenient parse: the runner’s zone)'],
    ['2026-11-01T08:30:05+08:00', 'another zone'],
    ['2026-11-01T08:30:05.123Z', 'a fraction'],
    ['2026-11-01 08:30:05Z', 'a space for the T'],
    ['2026-02-30T00:00:00Z', 'a day that does not exist'],
    ['2026-11-01T24:00:00Z', 'hour 24'],
    ['0045-11-01T00:00:00Z', 'a year Date.UTC would move'],
    [' 2026-11-01T08:30:05Z', 'a leading space']
  ])('%j (%s) is no time', (text) => {
    expect(parseApiTime(text)).toBeNaN()
  })
})

describe('compact times', () => {
  test('round-trip, and read nothing else', () => {
    const ms = Date.UTC(2026, 10, 1, 8, 30, 5)
    expect(compactTime(ms)).toBe('20261101T083005Z')
    expect(parseCompactTime('20261101T083005Z')).toBe(ms)
    expect(parseCompactTime('2026-11-01T08:30:05Z')).toBeNaN()
    expect(parseCompactTime('20261301T000000Z')).toBeNaN()
  })
})
