/** What happened to each account, as step outputs and as the job summary. */
import {
  ShareReport,
  type AccountOutcome,
  type AccountResult,
  type CopyOrigin
} from '../sharing/share-report.js'
import { isAccountId, isBlueprintId, isRequestId } from '../common/ids.js'
import type { Fate } from '../sharing/lifecycle/rules.js'
import type { RegionLifecycle, VersionRecord } from '../sharing/lifecycle/record.js'
import { bounded, escapeHtml } from '../common/untrusted.js'
import { apiTimeOf } from '../common/times.js'

/** The accounts of a report that failed: refused, failed, or not known to have worked. */
function failedAccounts(report: ShareReport): string[] {
  return report.failures.map((a) => a.accountId)
}

/**
 * The step outputs. The account lists and request-ids hold the union over
 * regions (with one region, that region's); blueprint-state is the source
 * image's; blueprint-ids and regions give each region apart. The first
 * report is the source region's.
 */
export function setOutputs(
  reports: readonly ShareReport[],
  /** With family: each region's older versions and what became of them. */
  families: readonly RegionLifecycle[],
  setOutput: (name: string, value: string) => void,
  /** The organization's members found with organization-units; empty without it. */
  organizationAccountIds: readonly string[] = []
): void {
  // Every ID is checked against its format before it is written: outputs are expanded by later steps.
  const union = (accounts: (report: ShareReport) => string[]) =>
    JSON.stringify([...new Set(reports.flatMap(accounts))].filter(isAccountId))
  const requestIds = reports.flatMap((r) => r.requestIds).filter(isRequestId)
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
  setOutput('organization-account-ids', JSON.stringify(organizationAccountIds.filter(isAccountId)))
  setOutput('blueprint-state', reports[0]?.blueprintState ?? '')
  setOutput('blueprint-id', isBlueprintId(reports[0]?.blueprintId) ? reports[0].blueprintId : '')
  // With family: per region, the older versions that lost their shares, those deleted, and every share taken.
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
  const withImage = reports.filter((r) => isBlueprintId(r.blueprintId) && !r.missing)
  setOutput(
    'blueprint-ids',
    JSON.stringify(Object.fromEntries(withImage.map((r) => [r.region, r.blueprintId])))
  )
  setOutput(
    'regions',
    JSON.stringify(
      Object.fromEntries(
        reports.map((r) => [
          r.region,
          {
            'blueprint-id': r.blueprintId,
            ...(r.origin ? { copy: r.origin } : {}),
            'shared-account-ids': r.accountsWith('shared'),
            'already-shared-account-ids': r.accountsWith('already-shared'),
            'revoked-account-ids': r.accountsWith('revoked'),
            'failed-account-ids': failedAccounts(r)
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

/**
 * GitHub drops a job summary over 1 MiB whole: at most this many account rows
 * in all (at least 25 a region), failures first; the rest are counted, and
 * listed in the outputs and a log group.
 */
const SUMMARY_ACCOUNT_ROWS = 500
/** A reason cell is cut to this; the log has it whole. */
const REASON_LIMIT = 300
/** A version's outcome, with why and the command that settles it, is cut to this. */
const VERSION_OUTCOME_LIMIT = 1000

export function summaryRows(regions: number): number {
  return Math.max(25, Math.floor(SUMMARY_ACCOUNT_ROWS / Math.max(1, regions)))
}

/** Failures first, then what changed, then the rest: what a person must see is never cut. */
const SUMMARY_ORDER: readonly AccountResult[] = [
  'failed',
  'unknown',
  'not-attempted',
  'shared',
  'revoked',
  'kept',
  'already-shared',
  'not-shared'
]
function inSummaryOrder(accounts: readonly AccountOutcome[]): AccountOutcome[] {
  return [...accounts].sort(
    (a, b) => SUMMARY_ORDER.indexOf(a.result) - SUMMARY_ORDER.indexOf(b.result)
  )
}

/** The log group with every account of a report and its result, when the summary cannot hold them. */
export function accountsGroupTitle(report: ShareReport): string {
  return `Accounts in ${report.region}`
}

/** Every account of a report on a line: ID, result, and why. */
export function accountLines(report: ShareReport): string {
  return report.accounts
    .map((a) =>
      [
        report.show(a.accountId),
        a.result,
        a.requestId && `RequestId ${a.requestId}`,
        a.code,
        a.reason,
        report.sources?.get(a.accountId) && `from ${report.sources.get(a.accountId)}`
      ]
        .filter(Boolean)
        .join('  ')
    )
    .join('\n')
}

/** The parts of @actions/github's context the summary links to. */
export interface RunContext {
  serverUrl: string
  runId: number
  sha: string
  /** owner/name, when the runner says which repository this is. */
  repository?: string
}

type Cell = string | { data: string; header: true }

/** The subset of core.summary used here, so tests can read what was written. */
export interface SummaryWriter {
  addHeading(text: string, level?: number): SummaryWriter
  addTable(rows: Cell[][]): SummaryWriter
  addRaw(text: string, addEOL?: boolean): SummaryWriter
  write(): Promise<unknown>
}

const RESULT_LABELS: Record<AccountResult, string> = {
  shared: '✅ shared',
  'already-shared': '☑️ already had it',
  revoked: '🚫 share revoked',
  'not-shared': '☑️ did not have it',
  failed: '❌ failed',
  unknown: '❓ outcome unknown',
  'not-attempted': '⏭️ not attempted',
  kept: '🛡️ kept: not proven to have left'
}

const DRY_RUN_LABELS: Partial<Record<AccountResult, string>> = {
  shared: '🔜 would share',
  revoked: '🔜 would revoke'
}

/** A dry run where the shares cannot be read: the API would tell at the call. */
const UNREAD_DRY_RUN_LABELS: Partial<Record<AccountResult, string>> = {
  shared: '🔜 would share, unless it has it',
  revoked: '🔜 would revoke, if it has it'
}

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
  const would = family.dryRun
  const taken = family.revokedFrom(record).length
  const parts: string[] = []
  const lost = `${would ? 'would lose' : 'lost'} ${taken} share(s)`
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
  const deletion = record.deletion
  if (deletion?.result === 'deleted') {
    parts.push(
      deletion.requestId
        ? `deleted (RequestId ${deletion.requestId})`
        : `deleted (${deletion.settled ?? 'settled by reading it'})`
    )
  } else if (deletion?.result === 'would-delete') {
    parts.push('would be deleted')
  } else if (deletion?.result === 'unknown') {
    parts.push(`❓ may have been deleted: ${deletion.why}`)
  } else if (deletion?.result === 'kept') {
    parts.push(`kept: ${deletion.why}`)
  } else if (deletion?.result === 'gone') {
    parts.push(`already gone: ${deletion.why}`)
  }
  return parts.join('; ')
}

const ORIGIN_LABELS: Record<CopyOrigin, string> = {
  source: 'the image itself',
  made: 'a copy made by this run',
  reused: 'a copy made earlier, reused',
  'would-make': 'a copy would be made'
}

/**
 * The job summary: the image, the run, and every account with its result.
 * With copies in other regions, one section per region; the first report is
 * the source region's.
 */
export async function writeSummary(
  reports: readonly ShareReport[],
  families: readonly RegionLifecycle[],
  failure: string | undefined,
  run: RunContext,
  summary: SummaryWriter
): Promise<void> {
  const [source] = reports
  const header = (data: string): Cell => ({ data, header: true })
  // An empty cell renders as a stray open tag in core.summary's tables, so write a dash.
  const code = (text: string): string => (text ? `<code>${escapeHtml(text)}</code>` : '–')
  const imageRows = (report: ShareReport): Cell[][] => [
    [header('Blueprint'), code(report.blueprintId)],
    [header('Region'), code(report.region)],
    ...(report.origin && reports.length > 1
      ? [[header('Image'), escapeHtml(ORIGIN_LABELS[report.origin])]]
      : []),
    [header('Image state'), escapeHtml(report.blueprintState || 'not read')],
    ...(report.sharesFoundBy ? [[header('Current shares'), escapeHtml(report.sharesFoundBy)]] : []),
    ...(report.quota
      ? [
          [
            header('Custom image quota'),
            escapeHtml(
              `${report.quota.total - report.quota.available} of ${report.quota.total} used before copying`
            )
          ]
        ]
      : [])
  ]
  /** With family: each version here, newest first, and what became of it. */
  const versionsTable = (family: RegionLifecycle): Cell[][] => [
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
  /** Every share taken from an older version here (in a dry run: that would be), failures first. */
  const takenTable = (family: RegionLifecycle, report: ShareReport): Cell[][] | undefined => {
    const taken = family.versions.flatMap((v) =>
      (v.shares?.accounts ?? [])
        .filter((a) => ['revoked', 'failed', 'unknown', 'kept'].includes(a.result))
        .map((a) => ({ version: v.version.image.id, account: a }))
    )
    if (taken.length === 0) return undefined
    return [
      [
        header('Version'),
        header('Account'),
        header('Result'),
        header('RequestId'),
        header('Reason')
      ],
      ...taken
        .sort(
          (x, y) =>
            SUMMARY_ORDER.indexOf(x.account.result) - SUMMARY_ORDER.indexOf(y.account.result)
        )
        .slice(0, summaryRows(reports.length))
        .map(({ version, account }) => [
          code(version),
          code(report.show(account.accountId)),
          (family.dryRun && DRY_RUN_LABELS[account.result]) || RESULT_LABELS[account.result],
          code(account.requestId ?? ''),
          escapeHtml(
            bounded([account.code, account.reason].filter(Boolean).join(': '), REASON_LIMIT) || '–'
          )
        ])
    ]
  }
  const addVersions = (report: ShareReport) => {
    const family = families.find((f) => f.region === report.region)
    if (!family || family.versions.length === 0) return
    const where = reports.length > 1 ? ` in ${escapeHtml(report.region)}` : ''
    summary
      .addHeading(`Older versions (${escapeHtml(family.pattern)})${where}`, 3)
      .addTable(versionsTable(family))
    const taken = takenTable(family, report)
    if (taken) summary.addHeading(`Shares taken from older versions${where}`, 4).addTable(taken)
  }
  const rows = summaryRows(reports.length)
  // With organization-units, a column says where each account came from.
  const from = (report: ShareReport, accountId: string): Cell[] =>
    report.sources ? [escapeHtml(report.sources.get(accountId) ?? '–')] : []
  const accountsTable = (report: ShareReport): Cell[][] => [
    [
      header('Account'),
      ...(report.sources ? [header('From')] : []),
      header('Result'),
      header('RequestId'),
      header('Reason')
    ],
    ...inSummaryOrder(report.accounts)
      .slice(0, rows)
      .map((a) => [
        code(report.show(a.accountId)),
        ...from(report, a.accountId),
        (report.dryRun &&
          (report.sharesUnknown ? UNREAD_DRY_RUN_LABELS : DRY_RUN_LABELS)[a.result]) ||
          RESULT_LABELS[a.result],
        code(a.requestId ?? ''),
        escapeHtml(bounded([a.code, a.reason].filter(Boolean).join(': '), REASON_LIMIT) || '–')
      ])
  ]
  /** Past the rows shown: how many, and where every one of them is. */
  const more = (report: ShareReport): string | undefined => {
    const left = report.accounts.length - rows
    if (left <= 0) return undefined
    return (
      `<p>… and ${left} more account(s), not shown here so the summary stays small. The outputs ` +
      '(<code>shared-account-ids</code>, <code>already-shared-account-ids</code>, <code>revoked-account-ids</code>, ' +
      `<code>failed-account-ids</code>, <code>regions</code>) and the log group "${escapeHtml(accountsGroupTitle(report))}" list them all.</p>`
    )
  }
  const runRows: Cell[][] = [[header('Identity'), escapeHtml(source.identity)]]
  if (run.repository && run.runId) {
    const runUrl = `${run.serverUrl}/${run.repository}/actions/runs/${run.runId}`
    runRows.push([
      header('Run'),
      `<a href="${runUrl}">${escapeHtml(run.repository)} #${run.runId}</a>`
    ])
  }
  if (run.sha) runRows.push([header('Commit'), code(run.sha.slice(0, 12))])

  const blueprint = escapeHtml(source.blueprintId)
  // Succeeded, but refused accounts were let through as warnings (on-account-error: warn).
  const warned = reports.some((r) => r.refusals.length > 0)
  const where = reports.length > 1 ? ` in ${reports.length} regions` : ''
  const heading = source.dryRun
    ? `🔍 Dry run: share plan for Lighthouse blueprint ${blueprint}${where}`
    : `${failure ? '❌' : warned ? '⚠️' : '✅'} Share Lighthouse blueprint ${blueprint}${where}`
  summary.addHeading(heading, 2)
  summary.addTable(reports.length > 1 ? runRows : [...imageRows(source), ...runRows])
  if (source.dryRun && !failure) {
    summary.addRaw('<p>A dry run: every read was made, and no share was changed.</p>', true)
  }
  if (failure) {
    summary.addRaw(`<p><strong>Failed:</strong> ${escapeHtml(failure)}</p>`, true)
  }
  const addMore = (report: ShareReport) => {
    const text = more(report)
    if (text) summary.addRaw(text, true)
  }
  if (reports.length === 1) {
    summary.addHeading('Accounts', 3).addTable(accountsTable(source))
    addMore(source)
    addVersions(source)
  } else {
    for (const report of reports) {
      summary
        .addHeading(escapeHtml(report.region), 3)
        .addTable(imageRows(report))
        .addTable(accountsTable(report))
      addMore(report)
      addVersions(report)
    }
  }
  await summary.write()
}
