/**
 * Share targets from a Tencent Cloud organization: every member account, or
 * the members of some units and all their sub-units. Lighthouse shares only
 * with account IDs, so the members are read and the tree is built here: the
 * API's NodeId filter is not documented to include sub-units.
 */
import { describeError } from '../cloud/api-errors.js'
import type { Logger } from '../common/logger.js'
import type {
  OrganizationApi,
  OrganizationMember,
  OrganizationUnit
} from '../cloud/organization.js'

/** Every member, or the units (NodeIds) whose members, sub-units' included, are wanted. */
export type UnitSelection = 'all' | readonly string[]

export interface OrganizationTargets {
  /** The members to share with, in the order the API listed them, each with its own unit (maybe a sub-unit of one asked for). */
  members: OrganizationMember[]
  /** Whether the image owner's own account was a member and is left out (nobody shares with themselves). */
  ownerLeftOut: boolean
}

/** Reading the organization failed: no share was changed. */
export class OrganizationError extends Error {
  override name = 'OrganizationError'
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
  return { members: targets, ownerLeftOut }
}

/**
 * The asked-for units and every unit under them. A unit that is not in the
 * tree is an input error, named with the units there are.
 */
function subtreeOf(
  asked: readonly string[],
  units: readonly OrganizationUnit[],
  rootUnitId: string
): Set<string> {
  const children = new Map<string, string[]>()
  for (const unit of units) {
    // The root's parent is not a unit; any other parent is.
    if (unit.id === rootUnitId || unit.parentId === undefined) continue
    children.set(unit.parentId, [...(children.get(unit.parentId) ?? []), unit.id])
  }
  const known = new Set([rootUnitId, ...units.map((u) => u.id)])
  const missing = asked.filter((id) => !known.has(id))
  if (missing.length > 0) {
    const listed = units
      .slice(0, 20)
      .map((u) => `${u.id} (${u.name})`)
      .join(', ')
    throw new OrganizationError(
      `Input "organization-units" names ${missing.length === 1 ? 'a unit' : 'units'} not in the organization: ` +
        `${missing.join(', ')}. Its units are ${listed}${units.length > 20 ? ', …' : ''}; or give "all".`
    )
  }
  const wanted = new Set<string>()
  const stack = [...asked]
  while (stack.length > 0) {
    const id = stack.pop()!
    if (wanted.has(id)) continue
    wanted.add(id)
    stack.push(...(children.get(id) ?? []))
  }
  return wanted
}

/** The lists a share request is made of, as far as the organization changes them. */
interface AccountLists {
  accountIds: string[]
  revokeAccountIds: string[]
  revokeUnlisted: boolean
}

/**
 * The request with the members added to the accounts that should have the
 * share. A member in revoke-account-ids is left out: naming it there is how
 * one member is kept from the share. With revoke-unlisted, a read that found
 * no member at all would take the share from everyone: refused.
 */
export function withMembers<T extends AccountLists>(request: T, targets: OrganizationTargets): T {
  if (request.revokeUnlisted && targets.members.length === 0) {
    throw new OrganizationError(
      'Input "revoke-unlisted" is true and the organization read found no member in "organization-units" ' +
        '(besides the image owner): refusing to take the share from every account not in "account-ids". ' +
        'Check "organization-units", and that the credentials reading the organization see its members.'
    )
  }
  const revoked = new Set(request.revokeAccountIds)
  const members = targets.members.map((m) => m.accountId).filter((id) => !revoked.has(id))
  return { ...request, accountIds: [...new Set([...request.accountIds, ...members])] }
}
