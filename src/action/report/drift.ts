/**
 * What a run changed (in a dry run: would change), told from the records:
 * accounts that gain or lose the share, copies made and marked, older
 * versions that lose shares or are deleted, and acts that may have changed
 * something (an answer that never came). The `changed` output and
 * fail-on-drift's one line both come from here.
 */
import type { Conversion } from '../../sharing/conversion.js'
import type { RegionLifecycle } from '../../sharing/lifecycle/record.js'
import type { RegionRecord } from '../../sharing/share/region-record.js'

/** What the drift is read from: each region's record and its family's. */
export interface Changes {
  records: readonly RegionRecord[]
  families: readonly RegionLifecycle[]
  conversion?: Conversion
}

export interface Drift {
  /** The CVM image a blueprint is (would be) made from. */
  converted?: string
  /** Accounts that gain (would gain) the share of the image, in any region. */
  gain: string[]
  /** Accounts that lose (would lose) it. */
  lose: string[]
  /** Regions where a copy is (would be) made. */
  copies: string[]
  /** Regions whose copy is (would be) marked. */
  marks: string[]
  /** Per region, older versions that lose (would lose) at least one share. */
  retired: Map<string, number>
  /** Per region, older versions deleted (would be). */
  deleted: Map<string, number>
  /** Accounts and versions an act may have changed without the step knowing. */
  unsure: number
}

export function driftOf(outcome: Changes): Drift {
  const { records, families } = outcome
  const accounts = (result: 'shared' | 'revoked') => [
    ...new Set(records.flatMap((r) => r.accountsWith(result)))
  ]
  const perRegion = (count: (family: RegionLifecycle) => number) =>
    new Map(families.map((f) => [f.region, count(f)] as const).filter(([, n]) => n > 0))
  const how = outcome.conversion?.how
  return {
    converted: how === 'made' || how === 'planned' ? outcome.conversion?.imageId : undefined,
    gain: accounts('shared'),
    lose: accounts('revoked'),
    copies: records
      .filter((r) => r.origin === 'made' || r.origin === 'would-make')
      .map((r) => r.region),
    marks: records.filter((r) => r.marked).map((r) => r.region),
    retired: perRegion((f) => f.versions.filter((v) => f.revokedFrom(v).length > 0).length),
    deleted: perRegion((f) => f.deleted.length),
    unsure:
      records.flatMap((r) => r.accountsWith('unknown')).length +
      families.flatMap((f) => f.versions.filter((v) => v.deletion?.result === 'unknown')).length
  }
}

export function hasDrift(drift: Drift): boolean {
  return (
    drift.gain.length + drift.lose.length + drift.copies.length + drift.marks.length > 0 ||
    drift.retired.size + drift.deleted.size > 0 ||
    drift.converted !== undefined ||
    drift.unsure > 0
  )
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`
const regions = (names: Iterable<string>) => [...names].join(', ')

/** The drift in one line, as a dry run would change it: "3 accounts would gain the share, 1 would lose it, …". */
export function driftLine(drift: Drift): string {
  const versionParts = (byRegion: Map<string, number>, what: string) =>
    [...byRegion].map(
      ([region, n]) => `${plural(n, 'old version', 'old versions')} would ${what} in ${region}`
    )
  const parts = [
    ...(drift.converted ? [`a blueprint would be made from CVM image ${drift.converted}`] : []),
    ...(drift.gain.length
      ? [`${plural(drift.gain.length, 'account', 'accounts')} would gain the share`]
      : []),
    ...(drift.lose.length
      ? [
          drift.gain.length
            ? `${drift.lose.length} would lose it`
            : `${plural(drift.lose.length, 'account', 'accounts')} would lose the share`
        ]
      : []),
    ...(drift.copies.length ? [`a copy would be made in ${regions(drift.copies)}`] : []),
    ...(drift.marks.length ? [`the copy in ${regions(drift.marks)} would be marked`] : []),
    ...versionParts(drift.retired, 'lose shares'),
    ...versionParts(drift.deleted, 'be deleted')
  ]
  return parts.join(', ') || 'nothing would change'
}
