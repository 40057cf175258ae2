/**
 * The step outputs, from every region's record: the account lists and
 * request-ids hold the union over regions (with one region, that region's);
 * blueprint-state is the source image's; blueprint-ids and regions give each
 * region apart. Every ID is checked against its format before it is
 * written: outputs are expanded by later steps.
 */
import { isAccountId, isBlueprintId, isRequestId } from '../../common/ids.js'
import type { RegionLifecycle, VersionRecord } from '../../sharing/lifecycle/record.js'
import type { RegionRecord } from '../../sharing/share/region-record.js'
import type { Conversion } from '../../sharing/conversion.js'
import { driftOf, hasDrift } from './drift.js'

/** What a run leaves for the outputs: each region's record (the source's first), and its family's. */
export interface RunOutcome {
  records: readonly RegionRecord[]
  /** With family: each region's older versions and what became of them. */
  families: readonly RegionLifecycle[]
  /** The organization's members found with organization-units; empty without it. */
  organizationAccountIds: readonly string[]
  /** With image-id: what became of the CVM image. */
  conversion?: Conversion
}

/** The accounts of a record that failed: refused, failed, or not known to have worked. */
function failedAccounts(record: RegionRecord): string[] {
  return record.failures.map((a) => a.accountId)
}

export function setOutputs(
  outcome: RunOutcome,
  setOutput: (name: string, value: string) => void
): void {
  const { records } = outcome
  const union = (accounts: (record: RegionRecord) => string[]) =>
    JSON.stringify([...new Set(records.flatMap(accounts))].filter(isAccountId))
  const requestIds = records.flatMap((r) => r.requestIds).filter(isRequestId)
  setOutput('request-id', requestIds.at(-1) ?? '')
  setOutput('request-ids', JSON.stringify(requestIds))
  setOutput(
    'shared-account-ids',
    union((r) => r.accountsWith('shared'))
  )
  setOutput(
    'already-shared-account-ids',
    union((r) => r.accountsWith('already-shared'))
  )
  setOutput(
    'revoked-account-ids',
    union((r) => r.accountsWith('revoked'))
  )
  setOutput('failed-account-ids', union(failedAccounts))
  setOutput(
    'organization-account-ids',
    JSON.stringify(outcome.organizationAccountIds.filter(isAccountId))
  )
  setOutput('blueprint-state', records[0]?.state ?? '')
  setOutput('blueprint-id', isBlueprintId(records[0]?.blueprintId) ? records[0].blueprintId : '')
  setFamilyOutputs(outcome.families, setOutput)
  setOutput('changed', String(hasDrift(driftOf(outcome))))
  const withImage = records.filter((r) => isBlueprintId(r.blueprintId) && !r.missing)
  setOutput(
    'blueprint-ids',
    JSON.stringify(Object.fromEntries(withImage.map((r) => [r.region, r.blueprintId])))
  )
  setOutput('regions', JSON.stringify(Object.fromEntries(records.map(regionOutput))))
}

/** A region's part of the "regions" output. */
function regionOutput(record: RegionRecord): [string, object] {
  return [
    record.region,
    {
      'blueprint-id': record.blueprintId,
      ...(record.origin ? { copy: record.origin } : {}),
      'shared-account-ids': record.accountsWith('shared'),
      'already-shared-account-ids': record.accountsWith('already-shared'),
      'revoked-account-ids': record.accountsWith('revoked'),
      'failed-account-ids': failedAccounts(record)
    }
  ]
}

/** With family: per region, the older versions that lost their shares, those deleted, and every share taken. */
function setFamilyOutputs(
  families: readonly RegionLifecycle[],
  setOutput: (name: string, value: string) => void
): void {
  const byRegion = <T>(value: (family: RegionLifecycle) => T) =>
    JSON.stringify(Object.fromEntries(families.map((f) => [f.region, value(f)])))
  setOutput(
    'retired-blueprint-ids',
    byRegion((f) => f.retired.filter(isBlueprintId))
  )
  setOutput(
    'deleted-blueprint-ids',
    byRegion((f) => f.deleted.filter(isBlueprintId))
  )
  setOutput(
    'older-versions',
    byRegion((f) =>
      Object.fromEntries(
        f.touched
          .filter((v) => isBlueprintId(v.version.image.id))
          .map((v) => [
            v.version.image.id,
            {
              'revoked-account-ids': f.revokedFrom(v).filter(isAccountId),
              'failed-account-ids': f.failedFrom(v).filter(isAccountId),
              image: imageResult(v)
            }
          ])
      )
    )
  )
}

/** What became of a version's image, for the outputs: deleted (in a dry run: would be), unknown (a delete that may have worked), or kept. */
function imageResult(version: VersionRecord): 'deleted' | 'unknown' | 'kept' {
  const result = version.deletion?.result
  if (result === 'deleted' || result === 'would-delete') return 'deleted'
  return result === 'unknown' ? 'unknown' : 'kept'
}
