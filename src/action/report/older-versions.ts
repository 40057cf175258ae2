/** The summary's part for a family: each version of a region and what became of it, and every share taken. */
import type { RegionLifecycle, VersionRecord } from '../../sharing/lifecycle/record.js'
import type { Fate } from '../../sharing/lifecycle/rules.js'
import { apiTimeOf } from '../../common/times.js'
import { bounded, escapeHtml } from '../../common/untrusted.js'
import {
  DRY_RUN_LABELS,
  REASON_LIMIT,
  RESULT_LABELS,
  SUMMARY_ORDER,
  code,
  header,
  type Cell,
  type SummaryWriter
} from './cells.js'

/** A version's outcome, with why and the command that settles it, is cut to this. */
const VERSION_OUTCOME_LIMIT = 1000

/** A version's fate when nothing was done to it. */
const FATE_LABELS: Record<Fate, string> = {
  current: 'this image',
  newer: 'not older than this image: never touched',
  'kept-shared': 'keeps its shares',
  retire: 'loses its shares',
  delete: 'is deleted',
  unknown: 'not known to be a version of this family'
}

/** What became of a version, in a few words: its fate, what was taken, what became of the image. */
export function versionOutcome(family: RegionLifecycle, record: VersionRecord): string {
  const { fate, unknown } = record.version
  if (fate === 'unknown' && unknown) {
    return `${FATE_LABELS.unknown}: ${unknown.why}; it is never retired or deleted. To settle it: ${unknown.settle}.`
  }
  const taken = family.revokedFrom(record).length
  const lost = `${family.dryRun ? 'would lose' : 'lost'} ${taken} share(s)`
  const parts: string[] = []
  const retiring = (fate === 'retire' || fate === 'delete') && family.skipped === undefined
  if (retiring) {
    parts.push(record.shares ? lost : FATE_LABELS[fate])
  } else {
    const keeps = family.skipped && fate !== 'current' && fate !== 'newer'
    parts.push(keeps ? `keeps its shares: ${family.skipped}` : FATE_LABELS[fate])
    // Offboarding: the accounts that should have no share lost this version's too.
    if (taken > 0) parts.push(`offboarded accounts ${lost}`)
  }
  if (record.note) parts.push(`❌ not all of its shares were taken: ${record.note}`)
  const deletion = deletionOutcome(record)
  if (deletion) parts.push(deletion)
  return parts.join('; ')
}

/** What became of the image, when anything was to become of it. */
function deletionOutcome(record: VersionRecord): string | undefined {
  const deletion = record.deletion
  switch (deletion?.result) {
    case 'deleted':
      return deletion.requestId
        ? `deleted (RequestId ${deletion.requestId})`
        : `deleted (${deletion.settled ?? 'settled by reading it'})`
    case 'would-delete':
      return 'would be deleted'
    case 'unknown':
      return `❓ may have been deleted: ${deletion.why}`
    case 'kept':
      return `kept: ${deletion.why}`
    case 'gone':
      return `already gone: ${deletion.why}`
    default:
      return undefined
  }
}

/** Each version of a region, newest first, and what became of it. */
function versionsTable(family: RegionLifecycle): Cell[][] {
  return [
    [header('Version'), header('Name'), header('Built'), header('Created'), header('Outcome')],
    ...family.versions.map((v) => {
      const { image, dating } = v.version
      return [
        code(image.id),
        escapeHtml(image.name || '–'),
        escapeHtml(dating.known ? apiTimeOf(dating.builtAt) : 'unknown'),
        escapeHtml(image.createdTime || 'none'),
        escapeHtml(bounded(versionOutcome(family, v), VERSION_OUTCOME_LIMIT))
      ]
    })
  ]
}

/** Every share taken from an older version of a region (in a dry run: that would be), failures first. */
function takenTable(family: RegionLifecycle, rows: number): Cell[][] | undefined {
  const taken = family.versions.flatMap((v) =>
    (v.shares?.accounts ?? [])
      .filter((a) => ['revoked', 'failed', 'unknown', 'kept'].includes(a.result))
      .map((a) => ({ version: v.version.image.id, account: a }))
  )
  if (taken.length === 0) return undefined
  const order = (result: (typeof taken)[number]) => SUMMARY_ORDER.indexOf(result.account.result)
  return [
    [header('Version'), header('Account'), header('Result'), header('RequestId'), header('Reason')],
    ...taken
      .sort((x, y) => order(x) - order(y))
      .slice(0, rows)
      .map(({ version, account }) => [
        code(version),
        code(account.accountId),
        (family.dryRun && DRY_RUN_LABELS[account.result]) || RESULT_LABELS[account.result],
        code(account.requestId ?? ''),
        escapeHtml(
          bounded([account.code, account.reason].filter(Boolean).join(': '), REASON_LIMIT) || '–'
        )
      ])
  ]
}

/** The "Older versions" section of a region, and its shares taken, when the family has any version there. */
export function addOlderVersions(
  summary: SummaryWriter,
  family: RegionLifecycle | undefined,
  context: { where: string; rows: number }
): void {
  if (!family || family.versions.length === 0) return
  const { where, rows } = context
  summary
    .addHeading(`Older versions (${escapeHtml(family.pattern)})${where}`, 3)
    .addTable(versionsTable(family))
  const taken = takenTable(family, rows)
  if (taken) summary.addHeading(`Shares taken from older versions${where}`, 4).addTable(taken)
}
