/** The job summary's pieces: its writer, table cells, and the words each result and origin is shown with. */
import type { AccountResult, CopyOrigin } from '../../sharing/share/region-record.js'
import { escapeHtml } from '../../common/untrusted.js'

export type Cell = string | { data: string; header: true }

/** The subset of core.summary used here, so tests can read what was written. */
export interface SummaryWriter {
  addHeading(text: string, level?: number): SummaryWriter
  addTable(rows: Cell[][]): SummaryWriter
  addRaw(text: string, addEOL?: boolean): SummaryWriter
  write(): Promise<unknown>
}

export const header = (data: string): Cell => ({ data, header: true })

/** An empty cell renders as a stray open tag in core.summary's tables, so write a dash. */
export const code = (text: string): string => (text ? `<code>${escapeHtml(text)}</code>` : '–')

/**
 * GitHub drops a job summary over 1 MiB whole: at most this many account rows
 * in all (at least 25 a region), failures first; the rest are counted, and
 * listed in the outputs and a log group.
 */
const SUMMARY_ACCOUNT_ROWS = 500
/** A reason cell is cut to this; the log has it whole. */
export const REASON_LIMIT = 300

export function summaryRows(regions: number): number {
  return Math.max(25, Math.floor(SUMMARY_ACCOUNT_ROWS / Math.max(1, regions)))
}

/** Failures first, then what changed, then the rest: what a person must see is never cut. */
export const SUMMARY_ORDER: readonly AccountResult[] = [
  'failed',
  'unknown',
  'not-attempted',
  'shared',
  'revoked',
  'kept',
  'already-shared',
  'not-shared'
]

export const RESULT_LABELS: Record<AccountResult, string> = {
  shared: '✅ shared',
  'already-shared': '☑️ already had it',
  revoked: '🚫 share revoked',
  'not-shared': '☑️ did not have it',
  failed: '❌ failed',
  unknown: '❓ outcome unknown',
  'not-attempted': '⏭️ not attempted',
  kept: '🛡️ kept: not proven to have left'
}

export const DRY_RUN_LABELS: Partial<Record<AccountResult, string>> = {
  shared: '🔜 would share',
  revoked: '🔜 would revoke'
}

/** A dry run where the shares cannot be read: the API would tell at the call. */
export const UNREAD_DRY_RUN_LABELS: Partial<Record<AccountResult, string>> = {
  shared: '🔜 would share, unless it has it',
  revoked: '🔜 would revoke, if it has it'
}

export const ORIGIN_LABELS: Record<CopyOrigin, string> = {
  source: 'the image itself',
  made: 'a copy made by this run',
  reused: 'a copy made earlier, reused',
  'would-make': 'a copy would be made'
}
