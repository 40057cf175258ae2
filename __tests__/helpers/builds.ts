/** Times in the past as the API gives them, and the weekly builds of an image family. */
import type { LighthouseEmulator } from '../emulator/lighthouse-emulator.js'
import { shareInputs } from './fixtures.js'
import { runAction } from './run-action.js'

export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString()
export const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString()

/**
 * `count` weekly builds of golden-ubuntu, w1 the oldest: w1 to w9 are
 * lhbp-week0001 to lhbp-week0009, made a week apart, the newest a week ago.
 */
export function weeklyBuilds(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `lhbp-week000${i + 1}`,
    name: `golden-ubuntu-2026-w0${i + 1}`,
    createdTime: daysAgo(7 * (count - i))
  }))
}

/** A step on the weekly builds' family (golden-ubuntu-*), sharing with `accounts` unless overridden. */
export const familyStepOn =
  (emulator: LighthouseEmulator, accounts: string[]) =>
  (overrides: Record<string, string>, env: Record<string, string> = {}) =>
    runAction(
      shareInputs(emulator, {
        'account-ids': accounts.join(','),
        family: 'golden-ubuntu-*',
        ...overrides
      }),
      env
    )
