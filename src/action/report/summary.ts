/**
 * The job summary: the image, the run, and every account with its result.
 * With copies in other regions, one section per region, the source region's
 * first; with a family, each region's older versions.
 */
import { bounded, escapeHtml } from '../../common/untrusted.js'
import type { AccountOutcome } from '../../sharing/share/region-record.js'
import type { RegionRecord } from '../../sharing/share/region-record.js'
import {
  DRY_RUN_LABELS,
  ORIGIN_LABELS,
  REASON_LIMIT,
  RESULT_LABELS,
  SUMMARY_ORDER,
  UNREAD_DRY_RUN_LABELS,
  code,
  header,
  summaryRows,
  type Cell,
  type SummaryWriter
} from './cells.js'
import { addOlderVersions } from './older-versions.js'
import type { RunOutcome } from './outputs.js'

export type { SummaryWriter } from './cells.js'
export { summaryRows } from './cells.js'

/** The parts of @actions/github's context the summary links to. */
export interface RunContext {
  serverUrl: string
  runId: number
  sha: string
  /** owner/name, when the runner says which repository this is. */
  repository?: string
}

/** The log group with every account of a record and its result, when the summary cannot hold them. */
export function accountsGroupTitle(record: RegionRecord): string {
  return `Accounts in ${record.region}`
}

/** Every account of a record on a line: ID, result, and why. */
export function accountLines(record: RegionRecord): string {
  return record.accounts
    .map((a) =>
      [
        a.accountId,
        a.result,
        a.requestId && `RequestId ${a.requestId}`,
        a.code,
        a.reason,
        record.sources?.get(a.accountId) && `from ${record.sources.get(a.accountId)}`
      ]
        .filter(Boolean)
        .join('  ')
    )
    .join('\n')
}

export async function writeSummary(
  outcome: RunOutcome,
  failure: string | undefined,
  run: RunContext,
  summary: SummaryWriter
): Promise<void> {
  const { records, families } = outcome
  const [source] = records
  const several = records.length > 1
  const rows = summaryRows(records.length)
  summary.addHeading(headingOf(records, failure), 2)
  summary.addTable(
    several ? runRows(source, run) : [...imageRows(source, false), ...runRows(source, run)]
  )
  const converted = conversionLine(outcome.conversion)
  if (converted) summary.addRaw(`<p>${escapeHtml(converted)}</p>`, true)
  if (source.dryRun && !failure) {
    summary.addRaw('<p>A dry run: every read was made, and no share was changed.</p>', true)
  }
  if (failure) summary.addRaw(`<p><strong>Failed:</strong> ${escapeHtml(failure)}</p>`, true)
  for (const record of records) {
    if (several) {
      summary.addHeading(escapeHtml(record.region), 3).addTable(imageRows(record, true))
    } else {
      summary.addHeading('Accounts', 3)
    }
    summary.addTable(accountsTable(record, rows))
    const left = more(record, rows)
    if (left) summary.addRaw(left, true)
    addOlderVersions(
      summary,
      families.find((f) => f.region === record.region),
      { where: several ? ` in ${escapeHtml(record.region)}` : '', rows }
    )
  }
  await summary.write()
}

/** Which CVM image the blueprint came from (image-id). */
function conversionLine(conversion: RunOutcome['conversion']): string | undefined {
  if (!conversion) return undefined
  const { imageId, blueprintId, how } = conversion
  if (how === 'planned') return `A blueprint would be made from CVM image ${imageId}.`
  return how === 'made'
    ? `${blueprintId} was made from CVM image ${imageId} by this run.`
    : `${blueprintId} is the blueprint made earlier from CVM image ${imageId}.`
}

function headingOf(records: readonly RegionRecord[], failure: string | undefined): string {
  const [source] = records
  const blueprint = escapeHtml(source.blueprintId)
  // Succeeded, but refused accounts were let through as warnings (on-account-error: warn).
  const warned = records.some((r) => r.refusals.length > 0)
  const where = records.length > 1 ? ` in ${records.length} regions` : ''
  return source.dryRun
    ? `🔍 Dry run: share plan for Lighthouse blueprint ${blueprint}${where}`
    : `${failure ? '❌' : warned ? '⚠️' : '✅'} Share Lighthouse blueprint ${blueprint}${where}`
}

function runRows(source: RegionRecord, run: RunContext): Cell[][] {
  const rows: Cell[][] = [[header('Identity'), escapeHtml(source.identity)]]
  if (run.repository && run.runId) {
    const runUrl = `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}`
    rows.push([
      header('Run'),
      `<a href="${runUrl}">${escapeHtml(run.repository)} #${run.runId}</a>`
    ])
  }
  if (run.sha) rows.push([header('Commit'), code(run.sha.slice(0, 12))])
  return rows
}

/** The image of a region: its ID, region, how it came to be (with copies), state, shares read and quota. */
function imageRows(record: RegionRecord, several: boolean): Cell[][] {
  const { quota } = record
  return [
    [header('Blueprint'), code(record.blueprintId)],
    [header('Region'), code(record.region)],
    ...(record.origin && several
      ? [[header('Image'), escapeHtml(ORIGIN_LABELS[record.origin])]]
      : []),
    [header('Image state'), escapeHtml(record.state || 'not read')],
    ...(record.sharesFoundBy ? [[header('Current shares'), escapeHtml(record.sharesFoundBy)]] : []),
    ...(quota
      ? [
          [
            header('Custom image quota'),
            escapeHtml(`${quota.total - quota.available} of ${quota.total} used before copying`)
          ]
        ]
      : [])
  ]
}

function inSummaryOrder(accounts: readonly AccountOutcome[]): AccountOutcome[] {
  return [...accounts].sort(
    (a, b) => SUMMARY_ORDER.indexOf(a.result) - SUMMARY_ORDER.indexOf(b.result)
  )
}

/** Each account, failures first, up to `rows`; with organization-units, a column says where it came from. */
function accountsTable(record: RegionRecord, rows: number): Cell[][] {
  const from = (accountId: string): Cell[] =>
    record.sources ? [escapeHtml(record.sources.get(accountId) ?? '–')] : []
  const dryRunLabels = record.sharesUnknown ? UNREAD_DRY_RUN_LABELS : DRY_RUN_LABELS
  return [
    [
      header('Account'),
      ...(record.sources ? [header('From')] : []),
      header('Result'),
      header('RequestId'),
      header('Reason')
    ],
    ...inSummaryOrder(record.accounts)
      .slice(0, rows)
      .map((a) => [
        code(a.accountId),
        ...from(a.accountId),
        (record.dryRun && dryRunLabels[a.result]) || RESULT_LABELS[a.result],
        code(a.requestId ?? ''),
        escapeHtml(bounded([a.code, a.reason].filter(Boolean).join(': '), REASON_LIMIT) || '–')
      ])
  ]
}

/** Past the rows shown: how many, and where every one of them is. */
function more(record: RegionRecord, rows: number): string | undefined {
  const left = record.accounts.length - rows
  if (left <= 0) return undefined
  return (
    `<p>… and ${left} more account(s), not shown here so the summary stays small. The outputs ` +
    '(<code>shared-account-ids</code>, <code>already-shared-account-ids</code>, <code>revoked-account-ids</code>, ' +
    `<code>failed-account-ids</code>, <code>regions</code>) and the log group "${escapeHtml(accountsGroupTitle(record))}" list them all.</p>`
  )
}
