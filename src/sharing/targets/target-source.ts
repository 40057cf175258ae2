/**
 * Share targets: where the accounts that should have the share come from.
 * Each kind (listed accounts, an organization's members, the next kind) is a
 * TargetSource in a file of its own; resolveTargets makes them one Wanted,
 * the one shape every region's plan is made from.
 */
import type { Logger } from '../../common/logger.js'

/** Why an account not listed keeps its share: it is still a member, or the lookup that would prove it left failed. */
export interface Unproven {
  why: string
  /** The lookup failed: the account fails (the step cannot do what was asked), rather than being kept as a member. */
  unchecked: boolean
}

/**
 * Of the accounts about to lose a share for not being wanted, the ones not
 * proven to have left: they keep it.
 */
export type ProveUnlisted = (
  accountIds: readonly string[]
) => Promise<ReadonlyMap<string, Unproven>>

/** What the accounts should be: one shape, for the image in every region and its older versions. */
export interface Wanted {
  /** Accounts that should have the share. */
  share: readonly string[]
  /** Accounts that should not. */
  revoke: readonly string[]
  /** Take the share from every account not listed. */
  revokeUnlisted: boolean
  /** With revokeUnlisted, the accounts that keep their share: `share` when absent (an older version shares with no one new). */
  listed?: readonly string[]
  /**
   * Proof that an account not wanted left; absent when the wanted accounts
   * are the inputs alone, where not being listed is proof enough.
   */
  proveUnlisted?: ProveUnlisted
  /** With more than one kind of target: where each wanted account came from ("account-ids", a unit); safe to print. */
  sources?: ReadonlyMap<string, string>
}

/** An account a source wants shared with, and where it came from. */
export interface Target {
  accountId: string
  from: string
}

/** A kind of share target. */
export interface TargetSource {
  /** What the outputs and the summary call this kind. */
  readonly kind: string
  /** The accounts it wants shared with; a source may refuse here (it found none, with revoke-unlisted). */
  resolve(context: { revokeUnlisted: boolean; log: Logger }): Promise<Target[]>
  /** Of accounts not wanted, those this source cannot prove are outside it. */
  readonly proveOutside?: ProveUnlisted
}

/** The targets of every source, each source's own, for the outputs. */
export interface ResolvedTargets {
  wanted: Wanted
  /** Each source's accounts, by its kind. */
  byKind: ReadonlyMap<string, readonly string[]>
}

/**
 * The union of every source's accounts, but those to revoke (naming one in
 * revoke-account-ids is how a source's account is kept from the share).
 */
export async function resolveTargets(
  sources: readonly TargetSource[],
  revoke: readonly string[],
  revokeUnlisted: boolean,
  log: Logger
): Promise<ResolvedTargets> {
  const byKind = new Map<string, string[]>()
  const from = new Map<string, string[]>()
  for (const source of sources) {
    const targets = await source.resolve({ revokeUnlisted, log })
    byKind.set(
      source.kind,
      targets.map((t) => t.accountId)
    )
    for (const { accountId, from: where } of targets) {
      from.set(accountId, [...(from.get(accountId) ?? []), where])
    }
  }
  const revoked = new Set(revoke)
  const share = [...from.keys()].filter((id) => !revoked.has(id))
  const provers = sources.flatMap((s) => (s.proveOutside ? [s.proveOutside] : []))
  return {
    wanted: {
      share,
      revoke,
      revokeUnlisted,
      proveUnlisted: provers.length > 0 ? proveByAll(provers) : undefined,
      sources:
        sources.length > 1 ? new Map([...from].map(([id, w]) => [id, w.join(', ')])) : undefined
    },
    byKind
  }
}

/** An account is proven gone only when every source that can tell says so. */
function proveByAll(provers: readonly ProveUnlisted[]): ProveUnlisted {
  return async (accountIds) => {
    const kept = new Map<string, Unproven>()
    for (const prove of provers) {
      for (const [accountId, why] of await prove(accountIds)) {
        if (!kept.has(accountId)) kept.set(accountId, why)
      }
    }
    return kept
  }
}
