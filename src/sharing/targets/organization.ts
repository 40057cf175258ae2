/**
 * Share targets from a Tencent Cloud organization: every member account, or
 * the members of some units and all their sub-units. Lighthouse shares only
 * with account IDs, so the members are read and the tree is built here: the
 * API's NodeId filter is not documented to include sub-units.
 */
import { describeError } from '../../cloud/api-errors.js'
import type { Logger } from '../../common/logger.js'
import type {
  OrganizationApi,
  OrganizationMember,
  OrganizationUnit
} from '../../cloud/organization.js'
import { OrganizationError, UnitTree, outsideProver, subtreeOf } from './organization-tree.js'
import type { ProveUnlisted, TargetSource } from './target-source.js'

export { OrganizationError }

/** Every member, or the units (NodeIds) whose members, sub-units' included, are wanted. */
export type UnitSelection = 'all' | readonly string[]

export interface OrganizationTargets {
  /** The members to share with, in the order the API listed them, each with its own unit (maybe a sub-unit of one asked for). */
  members: OrganizationMember[]
  /** Whether the image owner's own account was a member and is left out (nobody shares with themselves). */
  ownerLeftOut: boolean
  /**
   * Of accounts about to lose a share for not being among the members, the
   * ones not proven to have left the organization or the units, each with
   * why: a read whose pages shifted can miss a member, so each is looked up
   * by its ID before it loses anything.
   */
  proveOutside: ProveUnlisted
}

/**
 * The minimum reads: DescribeOrganization, the members' pages, and (for
 * units) the units' pages beside them.
 */
export async function findOrganizationTargets(
  api: OrganizationApi,
  selection: UnitSelection,
  ownerAccount: string,
  log: Logger
): Promise<OrganizationTargets> {
  let members: OrganizationMember[]
  let units: OrganizationUnit[]
  let rootUnitId: string
  try {
    ;({ rootUnitId } = await api.describeOrganization())
    ;[members, units] = await Promise.all([
      api.listMembers(),
      selection === 'all' ? Promise.resolve([]) : api.listUnits()
    ])
  } catch (error) {
    throw new OrganizationError(
      `Could not read the organization for "organization-units": ${describeError(error)}`,
      { cause: error }
    )
  }
  const names = new Map(units.map((unit) => [unit.id, unit.name]))
  const wantedUnits = selection === 'all' ? undefined : subtreeOf(selection, units, rootUnitId)
  const found = members.filter((m) => !wantedUnits || wantedUnits.has(m.unitId))
  // The unit's name as the units list has it; NodeName when the units were not read ("all").
  const targets = found
    .filter((m) => m.accountId !== ownerAccount)
    .map((m) => ({ ...m, unitName: names.get(m.unitId) ?? m.unitName }))
  const ownerLeftOut = targets.length < found.length
  const where =
    selection === 'all'
      ? 'the whole organization'
      : `unit(s) ${selection.join(', ')} and their sub-units`
  log.info(
    `Organization: ${members.length} member(s) in all; ${targets.length} to share with, from ${where}` +
      (ownerLeftOut ? " (the image owner's own account is a member and is left out)." : '.')
  )
  const tree = new UnitTree(units, rootUnitId, wantedUnits)
  const freshTree = () =>
    api
      .listUnits()
      .then(
        (fresh) =>
          new UnitTree(fresh, rootUnitId, subtreeOf(selection as string[], fresh, rootUnitId))
      )
  return { members: targets, ownerLeftOut, proveOutside: outsideProver(api, tree, freshTree) }
}

/** Where a member came from, for the summary: its unit, by ID and name. */
export const unitOf = (member: OrganizationMember): string =>
  `unit ${member.unitId}${member.unitName ? ` (${member.unitName})` : ''}`

/**
 * The organization's members as share targets: every member, or those of
 * some units and their sub-units, the image owner's own account left out.
 * With revoke-unlisted, a read that found no member at all would take the
 * share from everyone: refused.
 */
export function organizationMembers(
  api: OrganizationApi,
  selection: UnitSelection,
  ownerAccount: () => Promise<string>
): TargetSource {
  let prover: ProveUnlisted | undefined
  return {
    kind: 'organization',
    async resolve({ revokeUnlisted, log }) {
      const found = await findOrganizationTargets(api, selection, await ownerAccount(), log)
      if (revokeUnlisted && found.members.length === 0) {
        throw new OrganizationError(
          'Input "revoke-unlisted" is true and the organization read found no member in "organization-units" ' +
            '(besides the image owner): refusing to take the share from every account not in "account-ids". ' +
            'Check "organization-units", and that the credentials reading the organization see its members.'
        )
      }
      prover = found.proveOutside
      await log.group(`Organization members (${found.members.length})`, () =>
        log.info(found.members.map((m) => `${m.accountId}  ${unitOf(m)}`).join('\n') || 'none')
      )
      return found.members.map((m) => ({ accountId: m.accountId, from: unitOf(m) }))
    },
    // Known once the members are read, before any share is planned.
    proveOutside: (accountIds) =>
      prover ? prover(accountIds) : Promise.reject(new Error('The organization is not read yet.'))
  }
}
