/** The two changes a run makes to the share list, sharing and revoking, and everything that differs between them. */
import type { CodeKind } from '../../cloud/api-errors.js'
import type { LighthouseApi } from '../../cloud/lighthouse.js'

export type ChangeName = 'share' | 'revoke'

/** A change to the share list, sharing or revoking, and how to tell when it is in place. */
export interface Change {
  name: ChangeName
  send(api: LighthouseApi, blueprintId: string, accounts: readonly string[]): Promise<string>
  /** The result for an account this run changed, and for one that needed no change (see AccountResult). */
  done: 'shared' | 'revoked'
  noop: 'already-shared' | 'not-shared'
  /** What the API answers when some account needs no change. */
  noopKind: CodeKind
  /** Whether an account is where the change would put it, given whether it has the share. */
  inPlace(hasShare: boolean): boolean
  /** Wording: "Shared with 2000…", "Sharing lhbp-… with 2000…", "share lhbp-… with", "Not shared with". */
  doneVerb: string
  doing(blueprintId: string): string
  couldNot(blueprintId: string): string
  refusedVerb: string
}

export const SHARE: Change = {
  name: 'share',
  send: (api, id, accounts) => api.shareBlueprint(id, accounts),
  done: 'shared',
  noop: 'already-shared',
  noopKind: 'already-shared',
  inPlace: (hasShare) => hasShare,
  doneVerb: 'Shared with',
  doing: (id) => `Sharing ${id} with`,
  couldNot: (id) => `share ${id} with`,
  refusedVerb: 'Not shared with'
}

export const REVOKE: Change = {
  name: 'revoke',
  send: (api, id, accounts) => api.cancelShare(id, accounts),
  done: 'revoked',
  noop: 'not-shared',
  noopKind: 'not-shared',
  inPlace: (hasShare) => !hasShare,
  doneVerb: 'Revoked the share of',
  doing: (id) => `Revoking the share of ${id} from`,
  couldNot: (id) => `revoke the share of ${id} from`,
  refusedVerb: 'Share not revoked from'
}

export const CHANGES: Record<ChangeName, Change> = { share: SHARE, revoke: REVOKE }
