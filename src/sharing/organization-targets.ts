/**
 * Share targets from a Tencent Cloud organization: every member account, or
 * the members of some units and all their sub-units. Lighthouse shares only
 * with account IDs, so the members are read and the tree is built here: the
 * API's NodeId filter is not documented to include sub-units.
 */
import { describeError } from '../cloud/api-errors.js'
import type { Logger } from '../common/logger.js'
import type { ProveUnlisted, Unproven } from './share.js'
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
  /**
   * Of accounts about to lose a share for not being among the members, the
   * ones not proven to have left the organization or the units, each with
   * why: a read whose pages shifted can miss a member, so each is looked up
   * by its ID before it loses anything.
   */
  proveOutside: ProveUnlisted
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

/** The units as read: which are wanted, and which are known all the way up to the root. */
class UnitTree {
  private readonly parents: Map<string, string | undefined>
  private readonly names: Map<string, string>

  constructor(
    units: readonly OrganizationUnit[],
    private readonly rootUnitId: string,
    /** undefined: every member is wanted ("all"). */
    private readonly wantedUnits: ReadonlySet<string> | undefined
  ) {
    this.parents = new Map(units.map((unit) => [unit.id, unit.parentId]))
    this.names = new Map(units.map((unit) => [unit.id, unit.name]))
  }

  /** "all": every member is wanted. */
  get all(): boolean {
    return !this.wantedUnits
  }

  /** Whether a member of the unit is wanted; every member is with "all". */
  wants(unitId: string): boolean {
    return !this.wantedUnits || this.wantedUnits.has(unitId)
  }

  /** Whether the unit and every unit above it were in the units read. */
  places(unitId: string): boolean {
    const seen = new Set<string>()
    for (let id: string | undefined = unitId; id !== this.rootUnitId; id = this.parents.get(id)) {
      if (id === undefined || !this.parents.has(id) || seen.has(id)) return false
      seen.add(id)
    }
    return true
  }

  /** The unit's ID and name: the units read name it, else the member's own NodeName does. */
  describe(member: OrganizationMember): string {
    const name = this.names.get(member.unitId) || member.unitName
    return `unit ${member.unitId}${name ? ` (${name})` : ''}`
  }
}

/**
 * Looks each account up by its ID (DescribeOrganizationMembers' SearchKey,
 * compared exactly): proven outside when the search finds no such member, or
 * finds it in a unit outside the selection, by the units read and by a fresh
 * read of them (a unit may have moved under a wanted one since). Anything
 * else keeps the share: found in a wanted unit (the first read missed it), in
 * a unit the read does not place, or a lookup that failed. Each account is
 * looked up once a run; the units are read again at most once.
 */
function outsideProver(
  api: OrganizationApi,
  tree: UnitTree,
  freshTree: () => Promise<UnitTree>
): ProveUnlisted {
  let fresh: Promise<UnitTree> | undefined
  const looked = new Map<string, Promise<Unproven | undefined>>()
  const member = (why: string): Unproven => ({ why, unchecked: false })
  const unchecked = (what: string, error: unknown): Unproven => ({
    why: `${what} failed: ${describeError(error)}`,
    unchecked: true
  })
  /** Why a member of this unit keeps the share, by a tree; undefined when the tree places it outside. */
  const inside = (
    units: UnitTree,
    found: OrganizationMember,
    again: boolean
  ): Unproven | undefined => {
    const { unitId } = found
    if (units.wants(unitId)) {
      const where = units.all ? 'the organization' : '"organization-units"'
      return member(
        again
          ? `a member of ${units.describe(found)}, which is now in ${where}: the units changed since they were read`
          : `still a member of ${units.describe(found)}, in ${where}; the first read missed it`
      )
    }
    if (!units.places(unitId)) {
      return member(
        `a member of ${units.describe(found)}, which the units ${again ? 'read again' : 'read'} do not place: ` +
          'it may be under one in "organization-units"'
      )
    }
    return undefined
  }
  const whyKept = async (accountId: string): Promise<Unproven | undefined> => {
    let found: OrganizationMember | undefined
    try {
      found = (await api.searchMembers(accountId)).find((m) => m.accountId === accountId)
    } catch (error) {
      return unchecked('looking it up in the organization', error)
    }
    if (!found) return undefined
    const first = inside(tree, found, false)
    if (first) return first
    try {
      return inside(await (fresh ??= freshTree()), found, true)
    } catch (error) {
      return unchecked('reading the units again', error)
    }
  }
  return async (accountIds) => {
    const reasons = await Promise.all(
      accountIds.map((accountId) => {
        let why = looked.get(accountId)
        if (!why) looked.set(accountId, (why = whyKept(accountId)))
        return why
      })
    )
    return new Map(
      accountIds.flatMap((accountId, i) => (reasons[i] ? [[accountId, reasons[i]] as const] : []))
    )
  }
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
export function withMembers<T extends AccountLists>(
  request: T,
  targets: Pick<OrganizationTargets, 'members'>
): T {
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
