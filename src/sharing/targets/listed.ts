/** The accounts listed in the inputs (account-ids, account-ids-file): as they are. */
import type { TargetSource } from './target-source.js'

export function listedAccounts(accountIds: readonly string[]): TargetSource {
  return {
    kind: 'listed',
    resolve: () =>
      Promise.resolve(accountIds.map((accountId) => ({ accountId, from: 'account-ids' })))
  }
}
